/**
 * The emulator's in-memory world: persons (logins), accounts (workplaces) with their users, locations and
 * positions, and counters tests assert on. Handlers mutate it directly; `snapshot()` gives tests a deep copy
 * without passwords.
 */
import { normEmail, UserIndex } from './user-index.js';
import { wiwDate } from './wiw-date.js';
import type {
  WiwAccount,
  WiwAccountRecord,
  WiwLocation,
  WiwPerson,
  WiwPosition,
  WiwSeed,
  WiwSeedLocation,
  WiwSeedPosition,
  WiwSeedUser,
  WiwUser,
} from './types.js';

export interface AccountState {
  account: WiwAccountRecord;
  /** By id, in creation order. */
  users: Map<number, WiwUser>;
  locations: Map<number, WiwLocation>;
  positions: Map<number, WiwPosition>;
  /**
   * Email, login and seat indexes over `users`. Add users with `WiwState.addUser` and change a user's email,
   * login_id or is_deleted inside `index.change(user, ...)`; after editing those fields directly, call
   * `WiwState.reindex()`.
   */
  index: UserIndex;
}

export interface Invitation {
  user_id: number;
  account_id: number;
  at: string;
}

export interface WiwSnapshot {
  persons: Array<Omit<WiwPerson, 'password'> & { has_password: boolean }>;
  accounts: Array<WiwAccount & { users: WiwUser[]; locations: WiwLocation[]; positions: WiwPosition[] }>;
  invitesSent: number;
  invitations: Invitation[];
}

/** Thrown when a seed is malformed; `code` is stable for callers such as `recipes emulate --seed`. */
export class WiwSeedError extends Error {
  readonly code = 'WIW_SEED_INVALID';
}

type IdKind = 'person' | 'user' | 'location' | 'position';

export class WiwState {
  readonly developerKeys: Set<string>;
  readonly persons = new Map<number, WiwPerson>();
  readonly accounts = new Map<number, AccountState>();
  /** Invitations sent by POST /2/users (invite not false, and an email or phone to send to). */
  readonly invitations: Invitation[] = [];
  /** The first person (in `persons` order) with each normalised email; persons' emails never change. */
  private personsByEmail = new Map<string, WiwPerson>();
  private readonly nextIds: Record<IdKind, number> = { person: 2001, user: 4001, location: 301, position: 501 };

  constructor(
    seed: WiwSeed,
    readonly clock: () => number,
  ) {
    this.developerKeys = new Set(seed.developerKeys);
    for (const p of seed.persons) {
      const id = this.claimId('person', p.id);
      this.addPerson({
        id,
        email: p.email,
        password: p.password,
        first_name: p.first_name ?? '',
        last_name: p.last_name ?? '',
      });
    }
    for (const a of seed.accounts) this.loadAccount(a);
  }

  get invitesSent(): number {
    return this.invitations.length;
  }

  /** The current time in WIW's date format. */
  stamp(): string {
    return wiwDate(this.clock());
  }

  claimId(kind: IdKind, wanted?: number): number {
    if (wanted === undefined) return this.nextIds[kind]++;
    if (!Number.isInteger(wanted) || wanted <= 0) throw new WiwSeedError(`${kind} id ${wanted} is not a positive integer`);
    if (wanted >= this.nextIds[kind]) this.nextIds[kind] = wanted + 1;
    return wanted;
  }

  personByEmail(email: string): WiwPerson | undefined {
    const wanted = normEmail(email);
    return wanted ? this.personsByEmail.get(wanted) : undefined;
  }

  private addPerson(person: WiwPerson): void {
    this.persons.set(person.id, person);
    const key = normEmail(person.email);
    if (key && !this.personsByEmail.has(key)) this.personsByEmail.set(key, person);
  }

  /** Adds a new user to the account and its indexes. */
  addUser(acc: AccountState, user: WiwUser): void {
    acc.users.set(user.id, user);
    acc.index.add(user);
  }

  /**
   * Rebuilds every index from the live maps. Needed only after editing a user's email, login_id or
   * is_deleted (or a person) directly on `state` rather than through the API.
   */
  reindex(): void {
    this.personsByEmail = new Map();
    for (const p of this.persons.values()) {
      const key = normEmail(p.email);
      if (key && !this.personsByEmail.has(key)) this.personsByEmail.set(key, p);
    }
    for (const acc of this.accounts.values()) {
      acc.index = new UserIndex();
      for (const u of acc.users.values()) acc.index.add(u);
    }
  }

  /** The person for a new user: the one owning the email, else a new login without a password. */
  personFor(email: string, first_name: string, last_name: string): WiwPerson {
    const existing = this.personByEmail(email);
    if (existing) return existing;
    const id = this.claimId('person');
    const person: WiwPerson = { id, email, first_name, last_name, password: null };
    this.addPerson(person);
    return person;
  }

  /** The person's non-deleted users, in account order. This order decides the default workplace. */
  usersOfPerson(personId: number): WiwUser[] {
    const found: WiwUser[] = [];
    for (const acc of this.accounts.values()) found.push(...acc.index.activeOfLogin(personId));
    return found;
  }

  /** Non-deleted users (the seats in use), from a counter kept by the index. */
  activeUserCount(acc: AccountState): number {
    return acc.index.activeCount;
  }

  accountView(acc: AccountState): WiwAccount {
    return { ...acc.account, users_count: this.activeUserCount(acc) };
  }

  snapshot(): WiwSnapshot {
    const copy = <T>(v: T): T => structuredClone(v);
    return {
      persons: [...this.persons.values()].map(({ password, ...rest }) => ({ ...rest, has_password: password !== null })),
      accounts: [...this.accounts.values()].map((acc) => ({
        ...this.accountView(acc),
        users: copy([...acc.users.values()]),
        locations: copy([...acc.locations.values()]),
        positions: copy([...acc.positions.values()]),
      })),
      invitesSent: this.invitesSent,
      invitations: copy(this.invitations),
    };
  }

  private loadAccount(a: WiwSeed['accounts'][number]): void {
    if (!Number.isInteger(a.id) || this.accounts.has(a.id)) throw new WiwSeedError(`account id ${a.id} is missing or repeated`);
    const now = this.stamp();
    const acc: AccountState = {
      account: {
        id: a.id,
        company: a.company,
        master_id: a.master_id ?? 0,
        enabled: true,
        seats: a.seats ?? null,
        created_at: now,
        updated_at: now,
      },
      users: new Map(),
      locations: new Map(),
      positions: new Map(),
      index: new UserIndex(),
    };
    this.accounts.set(a.id, acc);
    for (const l of a.locations ?? []) this.add(acc.locations, this.makeLocation(a.id, l));
    for (const p of a.positions ?? []) this.add(acc.positions, this.makePosition(a.id, p));
    for (const u of a.users ?? []) {
      const user = this.makeUser(a.id, u);
      for (const id of user.locations) if (!acc.locations.has(id)) throw new WiwSeedError(`user ${user.id}: unknown location ${id}`);
      for (const id of user.positions) if (!acc.positions.has(id)) throw new WiwSeedError(`user ${user.id}: unknown position ${id}`);
      this.add(acc.users, user);
      acc.index.add(user);
    }
  }

  private add<T extends { id: number }>(map: Map<number, T>, item: T): void {
    if (map.has(item.id)) throw new WiwSeedError(`id ${item.id} is repeated`);
    map.set(item.id, item);
  }

  makeUser(accountId: number, u: WiwSeedUser): WiwUser {
    const now = this.stamp();
    const email = u.email ?? '';
    const person = this.personFor(email, u.first_name, u.last_name);
    return {
      id: this.claimId('user', u.id),
      account_id: accountId,
      login_id: person.id,
      role: u.role ?? 3,
      email,
      first_name: u.first_name,
      middle_name: u.middle_name ?? '',
      last_name: u.last_name,
      phone_number: u.phone_number ?? '',
      employee_code: u.employee_code ?? '',
      locations: [...(u.locations ?? [])],
      positions: [...(u.positions ?? [])],
      hourly_rate: u.hourly_rate ?? 0,
      hours_max: u.hours_max ?? 0,
      employment_type: u.employment_type ?? 'hourly',
      notes: u.notes ?? '',
      activated: u.activated ?? true,
      is_deleted: u.is_deleted ?? false,
      is_hidden: u.is_hidden ?? false,
      is_private: u.is_private ?? false,
      is_payroll: u.is_payroll ?? false,
      invited_at: u.invited_at ?? null,
      deleted_at: u.is_deleted ? (u.deleted_at ?? now) : null,
      created_at: now,
      updated_at: now,
    };
  }

  makeLocation(accountId: number, l: WiwSeedLocation): WiwLocation {
    const now = this.stamp();
    return {
      id: this.claimId('location', l.id),
      account_id: accountId,
      name: l.name,
      address: l.address ?? '',
      coordinates: [...(l.coordinates ?? [])],
      is_default: l.is_default ?? false,
      is_deleted: l.is_deleted ?? false,
      sort: l.sort ?? 0,
      deleted_at: l.is_deleted ? now : null,
      created_at: now,
      updated_at: now,
    };
  }

  makePosition(accountId: number, p: WiwSeedPosition): WiwPosition {
    const now = this.stamp();
    return {
      id: this.claimId('position', p.id),
      account_id: accountId,
      name: p.name,
      color: p.color ?? 'cccccc',
      sort: p.sort ?? 0,
      tips_tracking: p.tips_tracking ?? false,
      is_deleted: p.is_deleted ?? false,
      created_at: now,
      updated_at: now,
    };
  }
}

export { normEmail } from './user-index.js';
