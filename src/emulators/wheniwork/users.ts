/**
 * /2/users. Deletes are soft (`is_deleted`), `reactivate` brings a user back, and every non-deleted user
 * (pending ones too) holds a seat: creating or reactivating past the account's `seats` answers WIW's bare 500.
 */
import type { EmulatorRequest, Reply } from '../shared/http.js';
import { type ApiContext, requireRole, SUPERVISORS } from './auth.js';
import { invalidField, notFound, seatLimit, WIW_CODES, wiwError } from './errors.js';
import {
  type Body,
  bodyObject,
  checkEmail,
  checkPhone,
  optBool,
  optEnum,
  optIdList,
  optNumber,
  optString,
  queryBool,
  queryIds,
} from './fields.js';
import type { AccountState } from './state.js';
import { EMPLOYMENT_TYPES, WIW_ROLES, type WiwUser } from './types.js';

type UserPatch = Partial<
  Pick<
    WiwUser,
    | 'email' | 'first_name' | 'middle_name' | 'last_name' | 'phone_number' | 'employee_code' | 'notes' | 'role'
    | 'locations' | 'positions' | 'hourly_rate' | 'hours_max' | 'employment_type' | 'is_hidden' | 'is_private' | 'is_payroll'
  >
>;

const STRING_FIELDS = ['email', 'first_name', 'middle_name', 'last_name', 'phone_number', 'employee_code', 'notes'] as const;

function readPatch(body: Body, acc: AccountState): UserPatch {
  const patch: UserPatch = {};
  for (const key of STRING_FIELDS) {
    const v = optString(body, key);
    if (v !== undefined) patch[key] = key === 'email' ? v.trim() : v;
  }
  for (const key of ['first_name', 'last_name'] as const) {
    if (patch[key] !== undefined && patch[key].trim() === '') throw invalidField(`The ${key} field is required.`);
  }
  if (patch.email !== undefined) checkEmail(patch.email);
  if (patch.phone_number !== undefined) checkPhone(patch.phone_number);
  const role = optEnum(body, 'role', WIW_ROLES);
  if (role !== undefined) patch.role = role;
  const employment = optEnum(body, 'employment_type', EMPLOYMENT_TYPES);
  if (employment !== undefined) patch.employment_type = employment;
  for (const key of ['hourly_rate', 'hours_max'] as const) {
    const v = optNumber(body, key);
    if (v !== undefined) patch[key] = v;
  }
  for (const key of ['is_hidden', 'is_private', 'is_payroll'] as const) {
    const v = optBool(body, key);
    if (v !== undefined) patch[key] = v;
  }
  const locations = optIdList(body, 'locations', (id) => acc.locations.get(id)?.is_deleted === false);
  if (locations) patch.locations = locations;
  const positions = optIdList(body, 'positions', (id) => acc.positions.get(id)?.is_deleted === false);
  if (positions) patch.positions = positions;
  return patch;
}

function rejectDuplicate(acc: AccountState, email: string, exceptId?: number): void {
  if (acc.index.activeWithEmail(email, exceptId)) {
    throw wiwError(400, WIW_CODES.DUPLICATE_EMAIL, 'A user with this email address already exists in this account.');
  }
}

function takeSeat(ctx: ApiContext): void {
  const seats = ctx.acc.account.seats;
  if (seats !== null && ctx.state.activeUserCount(ctx.acc) >= seats) throw seatLimit();
}

function findUser(ctx: ApiContext, id: number): WiwUser {
  const user = ctx.acc.users.get(id);
  if (!user) throw notFound('User');
  return user;
}

/** Brings a deleted user back (taking a seat) and applies the patch; the index follows both changes. */
function restoreAndPatch(ctx: ApiContext, user: WiwUser, restore: boolean, patch: UserPatch, now: string): void {
  if (restore) takeSeat(ctx);
  ctx.acc.index.change(user, () => {
    if (restore) {
      user.is_deleted = false;
      user.deleted_at = null;
    }
    Object.assign(user, patch, { updated_at: now });
  });
}

export function listUsers(ctx: ApiContext, req: EmulatorRequest): Reply {
  const q = req.query;
  const onlyDeleted = queryBool(q.get('only_deleted'), false);
  const showDeleted = onlyDeleted || queryBool(q.get('show_deleted'), false);
  if (showDeleted) requireRole(ctx, SUPERVISORS);
  const onlyPending = queryBool(q.get('only_pending'), false);
  const showPending = onlyPending || queryBool(q.get('show_pending'), true);
  const search = (q.get('search') ?? '').trim().toLowerCase();
  const locationIds = queryIds(q.get('location_id'));
  const ids = queryIds(q.get('ids'));
  const idSet = ids && new Set(ids);
  const locationSet = locationIds && new Set(locationIds);
  // One pass in account order; the reply holds the live objects (serialised once by the HTTP shell).
  const users: WiwUser[] = [];
  for (const u of ctx.acc.users.values()) {
    if (u.is_deleted ? !showDeleted : onlyDeleted) continue;
    if (u.activated ? onlyPending : !showPending) continue;
    if (idSet && !idSet.has(u.id)) continue;
    if (locationSet && !u.locations.some((l) => locationSet.has(l))) continue;
    if (search && !matchesSearch(u, search)) continue;
    users.push(u);
  }
  return { status: 200, body: { users } };
}

function matchesSearch(u: WiwUser, search: string): boolean {
  const hay = [u.first_name, u.last_name, `${u.first_name} ${u.last_name}`, u.email];
  return hay.some((s) => s.toLowerCase().includes(search));
}

export function getUser(ctx: ApiContext, _req: EmulatorRequest, id: number): Reply {
  return { status: 200, body: { user: findUser(ctx, id) } };
}

export function createUser(ctx: ApiContext, req: EmulatorRequest): Reply {
  requireRole(ctx, SUPERVISORS);
  const body = bodyObject(req);
  const patch = readPatch(body, ctx.acc);
  if (patch.first_name === undefined) throw invalidField('The first_name field is required.');
  if (patch.last_name === undefined) throw invalidField('The last_name field is required.');
  const reactivate = optBool(body, 'reactivate') ?? false;
  const invite = optBool(body, 'invite') ?? true;
  const email = patch.email ?? '';
  rejectDuplicate(ctx.acc, email);
  const now = ctx.state.stamp();

  if (reactivate && email) {
    const deleted = ctx.acc.index.deletedWithEmail(email);
    if (deleted) {
      restoreAndPatch(ctx, deleted, true, patch, now);
      return { status: 200, body: { user: deleted } };
    }
  }

  takeSeat(ctx);
  const user = ctx.state.makeUser(ctx.acc.account.id, { ...patch, first_name: patch.first_name, last_name: patch.last_name });
  ctx.state.addUser(ctx.acc, user);
  if (invite && (user.email || user.phone_number)) {
    user.invited_at = now;
    ctx.state.invitations.push({ user_id: user.id, account_id: user.account_id, at: now });
  }
  return { status: 200, body: { user } };
}

export function updateUser(ctx: ApiContext, req: EmulatorRequest, id: number): Reply {
  const user = findUser(ctx, id);
  if (user.id !== ctx.user.id) requireRole(ctx, SUPERVISORS);
  const body = bodyObject(req);
  const patch = readPatch(body, ctx.acc);
  // Editing oneself must not be a way round the role check.
  if (patch.role !== undefined && patch.role !== user.role) requireRole(ctx, SUPERVISORS);
  const reactivate = optBool(body, 'reactivate') ?? false;
  const willBeActive = !user.is_deleted || reactivate;
  if (willBeActive) rejectDuplicate(ctx.acc, patch.email ?? user.email, user.id);
  restoreAndPatch(ctx, user, reactivate && user.is_deleted, patch, ctx.state.stamp());
  return { status: 200, body: { user } };
}

/** Idempotent: deleting a deleted user succeeds again, so a retried DELETE after a lost reply is harmless. */
export function deleteUser(ctx: ApiContext, _req: EmulatorRequest, id: number): Reply {
  requireRole(ctx, SUPERVISORS);
  const user = findUser(ctx, id);
  if (!user.is_deleted) {
    const now = ctx.state.stamp();
    ctx.acc.index.change(user, () => Object.assign(user, { is_deleted: true, deleted_at: now, updated_at: now }));
  }
  return { status: 200, body: { success: true } };
}
