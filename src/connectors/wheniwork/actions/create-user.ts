/**
 * create_user: `POST /2/users` is not idempotent, so a request that may have reached WIW (reset, timeout,
 * gateway error) is never blindly repeated. The user is looked up first (one GET /2/users): by employee code,
 * else by email (case-insensitive), else by phone digits and name; found -> that user is the result; absent ->
 * the POST is sent again (at most MAX_ATTEMPTS in all). Jobs of one project that race to create the same
 * employee's user make one (./create-key.ts).
 */
import type { ActionContext, ActionDef } from '../../../engine/types.js';
import type { WiwClient } from '../client.js';
import { takeCreateKey } from './create-key.js';
import { apiError, duplicateEmail, httpFailure, isDuplicateEmail, seatLimit } from '../errors.js';
import { userSchema } from '../schemas.js';
import { asRecord } from '../session.js';
import { fullName, userBody, userFieldSchemas, type UserFields } from './user-fields.js';
import { singleUser, type WiwUser } from './users.js';

const MAX_ATTEMPTS = 3;

export interface CreateUserInput extends UserFields {
  first_name: string;
  last_name: string;
  /** @default true: WIW sends an invitation */
  invite?: boolean;
}

/** Failures after which the user may or may not exist. */
function isAmbiguous(error: unknown): boolean {
  const code = httpFailure(error)?.code;
  return code === 'HTTP_AMBIGUOUS' || code === 'HTTP_TIMEOUT';
}

const norm = (v: unknown): string => (v === null || v === undefined ? '' : String(v).trim().toLowerCase());
const digits = (v: unknown): string => String(v ?? '').replace(/\D/g, '');

/** The user a landed create made, if any; the newest when several fit. */
export function findCreated(users: readonly WiwUser[], body: Record<string, unknown>): WiwUser | undefined {
  const active = users.filter((u) => u.is_deleted !== true);
  let hits: WiwUser[];
  if (norm(body.employee_code) !== '') hits = active.filter((u) => norm(u.employee_code) === norm(body.employee_code));
  else if (norm(body.email) !== '') hits = active.filter((u) => norm(u.email) === norm(body.email));
  else if (digits(body.phone_number).length >= 7) {
    hits = active.filter((u) => digits(u.phone_number).endsWith(digits(body.phone_number).slice(-10))
      && norm(u.first_name) === norm(body.first_name) && norm(u.last_name) === norm(body.last_name));
  } else hits = [];
  return hits.sort((a, b) => Number(b.id) - Number(a.id))[0];
}

function createError(error: unknown, name: string, email: unknown): unknown {
  const f = httpFailure(error);
  if (f?.code === 'HTTP_STATUS' && f.status === 500) return seatLimit(name, error);
  if (isDuplicateEmail(error)) return duplicateEmail(name, typeof email === 'string' ? email : undefined, error);
  return apiError(error, `the new user ${name}`);
}

export async function createUser(input: CreateUserInput, ctx: ActionContext<WiwClient>): Promise<WiwUser> {
  const client = ctx.connection;
  const body: Record<string, unknown> = { ...userBody(input), role: input.role ?? 3, invite: input.invite ?? true };
  const name = fullName(input);
  const lookup = async () => {
    const listed = asRecord(await client.call({ path: '/users', signal: ctx.signal }))?.users;
    return findCreated(Array.isArray(listed) ? listed as WiwUser[] : [], body);
  };
  const code = norm(body.employee_code);
  const key = await takeCreateKey({ code, fits: (user) => findCreated([user], body) !== undefined, lookup }, ctx);
  if ('existing' in key) {
    ctx.logger.info({ user_id: key.existing.id }, 'wheniwork create_user: another job created this employee\'s user; using it');
    return key.existing;
  }
  let last: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      const user = singleUser(await client.call({ method: 'POST', path: '/users', json: body, signal: ctx.signal, queueSignal: ctx.itemSignal }), 'POST /2/users');
      await key.done(user);
      return user;
    } catch (error) {
      if (!isAmbiguous(error)) {
        await key.release();
        throw createError(error, name, body.email);
      }
      last = error;
    }
    ctx.logger.warn({ attempt }, 'wheniwork create_user may or may not have landed; looking the user up');
    const existing = await lookup();
    if (existing !== undefined) {
      ctx.logger.info({ user_id: existing.id }, 'wheniwork create_user had landed; using that user');
      await key.done(existing);
      return existing;
    }
  }
  // It may still have landed: the key stays held, and goes stale, so the next job looks before it creates.
  throw last;
}

export const createUserAction: ActionDef<CreateUserInput, WiwUser, WiwClient> = {
  title: 'Create user',
  description: 'Creates a When I Work user (one seat). Safe against lost replies: it looks the user up before sending the create again. '
    + 'A 500 from WIW is reported as the seat limit (WIW_SEAT_LIMIT); a taken email as WIW_DUPLICATE_EMAIL.',
  writes: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['first_name', 'last_name'],
    properties: {
      ...userFieldSchemas,
      first_name: { type: 'string', minLength: 1 },
      last_name: { type: 'string', minLength: 1 },
      role: { enum: [1, 2, 3, 5, null], default: 3, description: '1 admin, 2 manager, 3 employee (default), 5 supervisor.' },
      invite: { type: 'boolean', default: true, description: 'Send WIW\'s invitation to the new user.' },
    },
  },
  output: userSchema,
  plan: (input) => ({ id: null, dry_run: true, ...userBody(input) }) as unknown as WiwUser,
  run: createUser,
};
