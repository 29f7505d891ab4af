/** login (explicit) and get_account, with the seat figures the sync's preflight reads. */
import type { ActionDef } from '../../../engine/types.js';
import type { WiwClient } from '../client.js';
import { apiError, badResponse } from '../errors.js';
import { asRecord, type Workplace } from '../session.js';

export const login: ActionDef<Record<string, never>, Workplace, WiwClient> = {
  title: 'Log in',
  description: 'Logs in (if not yet) and says which workplace the connection acts in. Every other action logs in by itself.',
  input: { type: 'object', additionalProperties: false, properties: {} },
  output: {
    type: 'object', required: ['account_id', 'user_id', 'company'],
    properties: { account_id: { type: 'integer' }, user_id: { type: 'integer' }, company: { type: ['string', 'null'] } },
  },
  async run(_input, ctx) {
    const w = await ctx.connection.workplace();
    return { account_id: w.account_id, user_id: w.user_id, company: w.company };
  },
};

export interface AccountOutput {
  account: Record<string, unknown>;
  /** The plan's user limit; null when WIW does not say (or the plan is unlimited). */
  seats: number | null;
  /** Users holding a seat. */
  users_count: number | null;
  seats_free: number | null;
  /** True when both figures were given, so a seat preflight can be trusted. */
  seats_known: boolean;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * Seat figures: `seats`/`users_count` are what the emulator exposes. Live WIW shows `user_count` and
 * `plan_units` whose meaning nobody has confirmed, so only `user_count` is read as a fallback (it counts
 * users); `plan_units` is not guessed to be a seat limit.
 */
export function seatsOf(account: Record<string, unknown>): Omit<AccountOutput, 'account'> {
  const seats = count(account.seats);
  const users = count(account.users_count) ?? count(account.user_count);
  const known = seats !== null && users !== null;
  return { seats, users_count: users, seats_free: known ? Math.max(0, seats - users) : null, seats_known: known };
}

export const getAccount: ActionDef<Record<string, never>, AccountOutput, WiwClient> = {
  title: 'Get account',
  description: 'The workplace\'s account, with its seats, users and free seats when When I Work tells them.',
  input: { type: 'object', additionalProperties: false, properties: {} },
  output: {
    type: 'object', required: ['account', 'seats', 'users_count', 'seats_free', 'seats_known'],
    properties: {
      account: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, company: { type: ['string', 'null'] } } },
      seats: { type: ['integer', 'null'] },
      users_count: { type: ['integer', 'null'] },
      seats_free: { type: ['integer', 'null'] },
      seats_known: { type: 'boolean' },
    },
  },
  async run(_input, ctx) {
    let body: unknown;
    try {
      body = await ctx.connection.call({ path: '/account', signal: ctx.signal });
    } catch (error) {
      throw apiError(error, 'the account');
    }
    const account = asRecord(asRecord(body)?.account);
    if (account === undefined) throw badResponse('GET /2/account');
    return { account, ...seatsOf(account) };
  },
};
