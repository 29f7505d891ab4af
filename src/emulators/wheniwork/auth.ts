/**
 * The login service (`POST /login` with `W-Key`) and how /2 requests are tied to a person and a workplace.
 *
 * Workplace rule: `W-UserId` picks one of the logged-in person's users; without it the person's first
 * non-deleted user (seed/account order) is used, as WIW's GET /2/account doc describes ("returns the first
 * account associated with the current login token").
 */
import type { EmulatorRequest, Reply } from '../shared/http.js';
import { loginRequired, WIW_CODES, wiwError } from './errors.js';
import type { AccountState, WiwState } from './state.js';
import type { TokenSigner } from './token.js';
import type { WiwPerson, WiwUser } from './types.js';

export interface ApiContext {
  state: WiwState;
  person: WiwPerson;
  /** The acting user: the person in the chosen workplace. */
  user: WiwUser;
  acc: AccountState;
}

const header = (req: EmulatorRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function developerKey(req: EmulatorRequest): string | undefined {
  return header(req, 'w-key');
}

/** The token from `Authorization: Bearer T` (or a bare `Authorization: T`), `W-Token`, or `?W-Token=`. */
export function tokenFrom(req: EmulatorRequest): string | undefined {
  const auth = header(req, 'authorization');
  if (auth) return auth.replace(/^Bearer\s+/i, '').trim();
  return header(req, 'w-token') ?? req.query.get('W-Token') ?? undefined;
}

export function handleLogin(req: EmulatorRequest, state: WiwState, signer: TokenSigner): Reply {
  const key = developerKey(req);
  if (!key || !state.developerKeys.has(key)) {
    throw wiwError(401, WIW_CODES.INVALID_KEY, 'Please include a valid developer `key` for any unauthenticated requests.');
  }
  const body = req.body as Record<string, unknown> | undefined;
  const email = body?.email;
  const password = body?.password;
  if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) {
    throw wiwError(400, WIW_CODES.MISSING_CREDENTIALS, 'Please provide an email and password.');
  }
  const person = state.personByEmail(email);
  if (!person || person.password === null || person.password !== password) {
    throw wiwError(401, WIW_CODES.BAD_CREDENTIALS, 'Incorrect email or password.');
  }
  const token = signer.issue(person.id);
  return { status: 200, body: { person: { ...personView(person), token }, token } };
}

export function personView(p: WiwPerson): Omit<WiwPerson, 'password'> {
  return { id: p.id, first_name: p.first_name, last_name: p.last_name, email: p.email };
}

/** The person a /2 request's token belongs to; 401 code 1000 for missing, bad or expired tokens. */
export function authenticatePerson(req: EmulatorRequest, state: WiwState, signer: TokenSigner): WiwPerson {
  const token = tokenFrom(req);
  const claims = token ? signer.verify(token) : null;
  const person = claims ? state.persons.get(claims.sub) : undefined;
  if (!person) throw loginRequired();
  return person;
}

export function resolveWorkplace(req: EmulatorRequest, state: WiwState, person: WiwPerson): ApiContext {
  const users = state.usersOfPerson(person.id);
  const raw = header(req, 'w-userid');
  let user: WiwUser | undefined;
  if (raw !== undefined && raw !== '') {
    user = users.find((u) => String(u.id) === raw.trim());
    if (!user) throw wiwError(403, WIW_CODES.WRONG_USER_ID, 'The W-UserId header does not match a user of this login.');
  } else {
    user = users[0];
    if (!user) throw wiwError(403, WIW_CODES.WRONG_USER_ID, 'This login does not belong to any workplace.');
  }
  const acc = state.accounts.get(user.account_id);
  if (!acc) throw loginRequired();
  return { state, person, user, acc };
}

/** GET /2/login: the person, their users (one per workplace) and those workplaces' accounts. */
export function handleGetLogin(req: EmulatorRequest, state: WiwState, person: WiwPerson): Reply {
  const users = state.usersOfPerson(person.id);
  const accounts = users.flatMap((u) => {
    const acc = state.accounts.get(u.account_id);
    return acc ? [state.accountView(acc)] : [];
  });
  return { status: 200, body: { login: { ...personView(person), token: tokenFrom(req) }, users, accounts } };
}

/** Managers and admins may change records; supervisors may manage users (OAS can_supervise()). */
export function requireRole(ctx: ApiContext, allowed: readonly number[]): void {
  if (!allowed.includes(ctx.user.role)) throw wiwError(403, WIW_CODES.NO_PERMISSION, 'You do not have permission to do this.');
}
export const MANAGERS = [1, 2] as const;
export const SUPERVISORS = [1, 2, 5] as const;
