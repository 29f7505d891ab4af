/**
 * GET /2/account and /2/account/{id}. `seats` and `users_count` are emulator-invented names for the plan's
 * user limit and the users holding a seat; WIW's live account has `user_count`/`plan_units` of unknown meaning.
 */
import type { EmulatorRequest, Reply } from '../shared/http.js';
import type { ApiContext } from './auth.js';
import { notFound } from './errors.js';

export function getAccount(ctx: ApiContext, _req: EmulatorRequest, id?: number): Reply {
  if (id === undefined) return { status: 200, body: { account: ctx.state.accountView(ctx.acc) } };
  // Only workplaces the person belongs to are visible; others look absent rather than forbidden.
  const mine = ctx.state.usersOfPerson(ctx.person.id).some((u) => u.account_id === id);
  const acc = mine ? ctx.state.accounts.get(id) : undefined;
  if (!acc) throw notFound('Account');
  return { status: 200, body: { account: ctx.state.accountView(acc) } };
}
