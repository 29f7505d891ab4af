/**
 * Per-account indexes over users, so the per-request checks (duplicate email, reactivate by email, seats,
 * the logged-in person's users) cost O(matches) rather than O(users): a benchmark account grows to 100,000
 * users and a scan per create made it quadratic.
 *
 * Contract: every change to a user's `email`, `login_id` or `is_deleted` goes through `add` or `change`
 * (handlers and seed loading do). Code that edits those fields on the live objects directly must call
 * `WiwState.reindex()` afterwards. Lookups re-check the candidates' current fields, so a stale entry can only
 * hide a match, never invent one.
 */
import type { WiwUser } from './types.js';

/** Emails compare trimmed and case-insensitively, as logins do. */
export function normEmail(email: string): string {
  return email.trim().toLowerCase();
}

interface Keys {
  email: string;
  login: number;
  active: boolean;
}

export class UserIndex {
  /** Users (deleted ones too) by normalised email; empty emails are not indexed (they never match). */
  private readonly byEmail = new Map<string, Set<WiwUser>>();
  /** Users (deleted ones too) by login_id (person id). */
  private readonly byLogin = new Map<number, Set<WiwUser>>();
  /** Position in the account's user map, so answers keep the order a scan over `users` would give. */
  private readonly order = new Map<WiwUser, number>();
  private readonly indexedAs = new Map<WiwUser, Keys>();
  private nextOrder = 0;
  private active = 0;

  /** Non-deleted users: the seats in use. */
  get activeCount(): number {
    return this.active;
  }

  /** Indexes a user just added to the account's map (call in map insertion order). */
  add(user: WiwUser): void {
    if (this.order.has(user)) return;
    this.order.set(user, this.nextOrder++);
    this.insert(user);
  }

  /** Runs `mutate` on an indexed user and re-files the user under its new email, login and deleted state. */
  change<T>(user: WiwUser, mutate: () => T): T {
    const indexed = this.order.has(user);
    if (indexed) this.remove(user);
    try {
      return mutate();
    } finally {
      if (indexed) this.insert(user);
    }
  }

  /** The first non-deleted user with this email, other than `exceptId`, in account order. */
  activeWithEmail(email: string, exceptId?: number): WiwUser | undefined {
    const wanted = normEmail(email);
    return this.first(this.byEmail.get(wanted), (u) => !u.is_deleted && u.id !== exceptId && normEmail(u.email) === wanted);
  }

  /** The first deleted user with this email in account order (the one `reactivate` brings back). */
  deletedWithEmail(email: string): WiwUser | undefined {
    const wanted = normEmail(email);
    return this.first(this.byEmail.get(wanted), (u) => u.is_deleted && normEmail(u.email) === wanted);
  }

  /** The person's non-deleted users in this account, in account order. */
  activeOfLogin(loginId: number): WiwUser[] {
    const set = this.byLogin.get(loginId);
    if (!set) return [];
    const found = [...set].filter((u) => u.login_id === loginId && !u.is_deleted);
    return found.length > 1 ? found.sort((a, b) => this.rank(a) - this.rank(b)) : found;
  }

  private first(set: Set<WiwUser> | undefined, ok: (u: WiwUser) => boolean): WiwUser | undefined {
    if (!set) return undefined;
    let best: WiwUser | undefined;
    for (const u of set) if (ok(u) && (best === undefined || this.rank(u) < this.rank(best))) best = u;
    return best;
  }

  private rank(u: WiwUser): number {
    return this.order.get(u) ?? Number.MAX_SAFE_INTEGER;
  }

  private insert(user: WiwUser): void {
    const keys: Keys = { email: normEmail(user.email), login: user.login_id, active: !user.is_deleted };
    if (keys.email) bucket(this.byEmail, keys.email).add(user);
    bucket(this.byLogin, keys.login).add(user);
    if (keys.active) this.active++;
    this.indexedAs.set(user, keys);
  }

  /** Removes by the keys the user was filed under, which may differ from its fields after a direct edit. */
  private remove(user: WiwUser): void {
    const keys = this.indexedAs.get(user);
    if (!keys) return;
    unbucket(this.byEmail, keys.email, user);
    unbucket(this.byLogin, keys.login, user);
    if (keys.active) this.active--;
    this.indexedAs.delete(user);
  }
}

function bucket<K>(map: Map<K, Set<WiwUser>>, key: K): Set<WiwUser> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function unbucket<K>(map: Map<K, Set<WiwUser>>, key: K, user: WiwUser): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(user);
  if (set.size === 0) map.delete(key);
}
