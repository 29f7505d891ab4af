/**
 * Matching GoCo people to When I Work users: pure functions, no I/O (DESIGN.md §5 "Sync rules" and
 * "Edge cases, decided"). Users are indexed once; each person then costs a few map look-ups, so the plan for
 * 100,000 people x 20,000 users is linear in their sum.
 *
 * Decisions where the design is silent:
 * - Keys and employee codes compare trimmed and case-folded ("e12" and "E12" are the same code).
 * - Deleted users (`is_deleted`) are never candidates for an active person's seat. They are indexed apart, by
 *   employee code and email, and an active person with no active match whose key is the employee code of
 *   exactly one deleted user goes to `to_reactivate` instead of `to_create` (a rehire keeps its history).
 * - A user whose employee code is another person's key is silently not a candidate (it is theirs). A user
 *   claimed earlier in this run through email or phone is still looked up, and makes the later person a
 *   conflict: creating them would make the very duplicate the matching exists to prevent.
 * - Code matches are settled for everyone first, then email/phone for active people in input order, then
 *   for terminated people, so a terminated person never takes a user from an active one.
 * - An absent `status` counts as active; an unknown one is skipped with its value in the reason.
 * - The output lists keep the input order of `people`.
 * - A person who would be created but whose name (GoCo's first or preferred name with the last name; trimmed,
 *   case-folded, inner whitespace collapsed) is that of an active WIW user with no employee code, not taken in
 *   this run, is held (`held`, "possible duplicate") until the admin decides: link them, or create anyway
 *   (`createAnyway` holds the keys so decided). `nameMatch: 'create'` turns the hold off.
 */
import { normalizePhone, PhoneIndex } from '../../engine/builtins/records/phone.js';

export { normalizePhone };

/** The GoCo employee fields matching reads (DESIGN.md §6); other fields pass through untouched. */
export interface PersonLike {
  id: string;
  employeeNumber?: string | number | null;
  firstName?: string | null;
  lastName?: string | null;
  preferredName?: string | null;
  workEmail?: string | null;
  personalEmail?: string | null;
  mobilePhone?: string | null;
  workPhone?: string | null;
  status?: string | null;
  syncToWhenIWork?: boolean | null;
  payType?: string | null;
  hourlyRate?: number | null;
}

/** The When I Work user fields matching reads. */
export interface WiwUserLike {
  id: number | string;
  email?: string | null;
  phone_number?: string | number | null;
  employee_code?: string | number | null;
  first_name?: string | null;
  last_name?: string | null;
  is_deleted?: boolean | null;
}

export type MatchTier = 'employee_code' | 'email' | 'phone';

interface Lookup<U> {
  byCode: Map<string, U[]>;
  byEmail: Map<string, U[]>;
  /** Phones are parsed lazily, only where a person's phone could be the same number. */
  byPhone: PhoneIndex<U>;
}

export interface UserIndex<U extends WiwUserLike = WiwUserLike> {
  region: string;
  /** Users not deleted: the only candidates for a match. */
  active: Lookup<U>;
  /** Deleted users by code and email; used only for reactivation. */
  deleted: Omit<Lookup<U>, 'byPhone'>;
}

export interface Candidate {
  user_id: number | string;
  by: MatchTier;
  /** Key of the person who took this user earlier in the same run. */
  claimed_by?: string;
}

export interface MatchPlan<P extends PersonLike = PersonLike, U extends WiwUserLike = WiwUserLike> {
  /** Found by employee code: nothing to write. */
  matched: { person: P; user: U }[];
  /** Found by email or phone: `employee_code` is to be written to the user. */
  to_link: { person: P; user: U; by: 'email' | 'phone'; employee_code: string; previous_code?: string }[];
  to_create: P[];
  /** Active people whose key is the code of one deleted user. */
  to_reactivate: { person: P; user: U }[];
  conflicts: { person: P; candidates: Candidate[]; reason: string }[];
  /** `syncToWhenIWork` false. */
  excluded: { person: P; reason: string }[];
  skipped: { person: P; reason: string }[];
  /** Terminated people who still hold an active user: seats that can be freed. */
  terminated_with_user: { person: P; user: U; by: MatchTier }[];
  /** Would be created, but an unlinked active user has the same name: not created until the admin decides. */
  held: { person: P; user: U; users: (number | string)[]; reason: string }[];
  counts: Record<'people' | 'users' | 'matched' | 'to_link' | 'to_create' | 'to_reactivate' | 'conflicts'
    | 'excluded' | 'skipped' | 'terminated_with_user' | 'held', number>;
}

export interface MatchOptions<U extends WiwUserLike = WiwUserLike> {
  /** ISO 3166 alpha-2 region for phones written without a country code, e.g. "US". */
  region: string;
  /** A prebuilt index of the same users (for callers that match several batches). */
  index?: UserIndex<U>;
  /** 'review' (default): a create with the name of an unlinked active user is held; 'create': created anyway. */
  nameMatch?: 'review' | 'create';
  /** Keys (employee number or id) of people the admin chose to create despite a same-name user. */
  createAnyway?: Iterable<string>;
}

export function normalizeEmail(raw: string | null | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim().toLowerCase();
  return value === '' ? undefined : value;
}

export function normalizeName(raw: string | null | undefined): string {
  if (typeof raw !== 'string') return '';
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function normalizeCode(raw: string | number | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const value = String(raw).trim().toLowerCase();
  return value === '' ? undefined : value;
}

/** The value written to WIW `employee_code`: GoCo employee number, else GoCo id; undefined when neither. */
export function personKey(person: PersonLike): string | undefined {
  const number = person.employeeNumber === null || person.employeeNumber === undefined
    ? '' : String(person.employeeNumber).trim();
  if (number !== '') return number;
  const id = typeof person.id === 'string' ? person.id.trim() : '';
  return id === '' ? undefined : id;
}

function push<U>(map: Map<string, U[]>, key: string | undefined, user: U): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list === undefined) map.set(key, [user]);
  else if (!list.includes(user)) list.push(user);
}

/** One pass over the users; each key maps to every user holding it, since duplicates exist. */
export function buildUserIndex<U extends WiwUserLike>(users: readonly U[], region: string): UserIndex<U> {
  const index: UserIndex<U> = {
    region,
    active: { byCode: new Map(), byEmail: new Map(), byPhone: new PhoneIndex(region) },
    deleted: { byCode: new Map(), byEmail: new Map() },
  };
  for (const user of users) {
    const side = user.is_deleted === true ? index.deleted : index.active;
    push(side.byCode, normalizeCode(user.employee_code), user);
    push(side.byEmail, normalizeEmail(user.email), user);
    if (user.is_deleted !== true) index.active.byPhone.add(user.phone_number, user);
  }
  return index;
}

function personEmails(person: PersonLike): string[] {
  const out: string[] = [];
  for (const raw of [person.workEmail, person.personalEmail]) {
    const email = normalizeEmail(raw);
    if (email !== undefined && !out.includes(email)) out.push(email);
  }
  return out;
}

type Status = 'active' | 'terminated' | { unknown: string };

function statusOf(person: PersonLike): Status {
  if (person.status === null || person.status === undefined || person.status.trim() === '') return 'active';
  const status = person.status.trim().toLowerCase();
  if (status === 'active' || status === 'onboarding' || status === 'on_leave') return 'active';
  if (status === 'terminated') return 'terminated';
  return { unknown: person.status };
}

type Outcome<P extends PersonLike, U extends WiwUserLike> =
  | { list: 'matched'; entry: MatchPlan<P, U>['matched'][number] }
  | { list: 'to_link'; entry: MatchPlan<P, U>['to_link'][number] }
  | { list: 'to_create'; entry: P }
  | { list: 'to_reactivate'; entry: MatchPlan<P, U>['to_reactivate'][number] }
  | { list: 'conflicts'; entry: MatchPlan<P, U>['conflicts'][number] }
  | { list: 'excluded'; entry: MatchPlan<P, U>['excluded'][number] }
  | { list: 'skipped'; entry: MatchPlan<P, U>['skipped'][number] }
  | { list: 'terminated_with_user'; entry: MatchPlan<P, U>['terminated_with_user'][number] }
  | { list: 'held'; entry: MatchPlan<P, U>['held'][number] };

interface Pending<P> { at: number; person: P; key: string; code: string; terminated: boolean }

/** Plans what to do for each person; see the module comment for the rules. */
export function matchPeople<P extends PersonLike, U extends WiwUserLike>(
  people: readonly P[], users: readonly U[], options: MatchOptions<U>,
): MatchPlan<P, U> {
  const index = options.index ?? buildUserIndex(users, options.region);
  const outcomes: (Outcome<P, U> | undefined)[] = new Array(people.length);
  const codes = new Set<string>();
  const pending: Pending<P>[] = [];
  people.forEach((person, at) => {
    const key = personKey(person);
    const code = normalizeCode(key);
    if (key === undefined || code === undefined) {
      outcomes[at] = { list: 'skipped', entry: { person, reason: 'has neither an employee number nor an id' } };
      return;
    }
    codes.add(code);
    const status = statusOf(person);
    if (person.syncToWhenIWork === false) {
      outcomes[at] = { list: 'excluded', entry: { person, reason: 'not set up to sync to When I Work in GoCo' } };
    } else if (typeof status === 'object') {
      outcomes[at] = { list: 'skipped', entry: { person, reason: `unknown status "${status.unknown}"` } };
    } else {
      pending.push({ at, person, key, code, terminated: status === 'terminated' });
    }
  });

  /** User id -> key of the person who took it in this run. */
  const claimed = new Map<number | string, string>();
  const take = (item: Pending<P>, user: U, by: MatchTier): Outcome<P, U> => {
    const owner = claimed.get(user.id);
    if (owner !== undefined) {
      return conflict(item.person, [{ user_id: user.id, by, claimed_by: owner }],
        `matches When I Work user ${user.id} by ${by}, already matched to employee ${owner} in this run`);
    }
    claimed.set(user.id, item.key);
    if (item.terminated) return { list: 'terminated_with_user', entry: { person: item.person, user, by } };
    if (by === 'employee_code') return { list: 'matched', entry: { person: item.person, user } };
    const previous = normalizeCode(user.employee_code) === undefined ? undefined : String(user.employee_code).trim();
    return { list: 'to_link', entry: { person: item.person, user, by, employee_code: item.key,
      ...(previous === undefined ? {} : { previous_code: previous }) } };
  };

  const rest: Pending<P>[] = [];
  for (const item of pending) {
    const hits = index.active.byCode.get(item.code) ?? [];
    if (hits.length > 1) {
      outcomes[item.at] = conflict(item.person, hits.map((u) => ({ user_id: u.id, by: 'employee_code' as const })),
        `${hits.length} When I Work users have employee code ${item.key}`);
    } else if (hits.length === 1) {
      outcomes[item.at] = take(item, hits[0]!, 'employee_code');
    } else {
      rest.push(item);
    }
  }
  // Active people choose before terminated ones; each group in input order. Only then is a user known to be
  // unclaimed, which the same-name check needs.
  const unmatched: Pending<P>[] = [];
  for (const item of [...rest.filter((i) => !i.terminated), ...rest.filter((i) => i.terminated)]) {
    const outcome = matchByContact(item, index, codes, take);
    if (outcome) outcomes[item.at] = outcome;
    else unmatched.push(item);
  }
  const sameName = options.nameMatch === 'create' ? undefined : sameNameCheck<P, U>(users, claimed, options.createAnyway);
  for (const item of unmatched) {
    const outcome = fallback(item, index);
    outcomes[item.at] = outcome.list === 'to_create' ? sameName?.(item) ?? outcome : outcome;
  }
  return assemble(outcomes, people.length, users.length);
}

/** "ada lovelace" for a first and last name; '' when both are empty. */
export function fullNameKey(first: string | null | undefined, last: string | null | undefined): string {
  return normalizeName(`${first ?? ''} ${last ?? ''}`);
}

/**
 * The hold of a person about to be created: active users with no employee code, not taken in this run,
 * named as the person is. The name index is built on the first call only (most runs create nobody).
 */
function sameNameCheck<P extends PersonLike, U extends WiwUserLike>(
  users: readonly U[], claimed: ReadonlyMap<number | string, string>, createAnyway: Iterable<string> | undefined,
): (item: Pending<P>) => Outcome<P, U> | undefined {
  const decided = new Set([...(createAnyway ?? [])].map((k) => normalizeCode(k)));
  let byName: Map<string, U[]> | undefined;
  return (item) => {
    if (decided.has(item.code)) return undefined;
    if (byName === undefined) {
      byName = new Map();
      for (const u of users) {
        if (u.is_deleted === true || normalizeCode(u.employee_code) !== undefined) continue;
        const key = fullNameKey(u.first_name, u.last_name);
        if (key !== '') push(byName, key, u);
      }
    }
    const p = item.person;
    const names = new Set([fullNameKey(p.firstName, p.lastName), fullNameKey(p.preferredName, p.lastName)]);
    const same: U[] = [];
    for (const key of names) for (const u of byName.get(key) ?? []) if (!claimed.has(u.id) && !same.includes(u)) same.push(u);
    if (same.length === 0) return undefined;
    const ids = same.map((u) => u.id);
    const reason = `possible duplicate: same name as WIW user${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`;
    return { list: 'held', entry: { person: p, user: same[0]!, users: ids, reason } };
  };
}

function conflict<P extends PersonLike, U extends WiwUserLike>(
  person: P, candidates: Candidate[], reason: string,
): Outcome<P, U> {
  return { list: 'conflicts', entry: { person, candidates, reason } };
}

function candidatesIn<U extends WiwUserLike>(
  lookup: (key: string) => U[] | undefined, keys: string[], code: string, codes: Set<string>,
): U[] {
  const out: U[] = [];
  for (const key of keys) {
    for (const user of lookup(key) ?? []) {
      const owner = normalizeCode(user.employee_code);
      // Linked to another employee of this run: theirs, never a candidate.
      if (owner !== undefined && owner !== code && codes.has(owner)) continue;
      if (!out.includes(user)) out.push(user);
    }
  }
  return out;
}

function matchByContact<P extends PersonLike, U extends WiwUserLike>(
  item: Pending<P>, index: UserIndex<U>, codes: Set<string>,
  take: (item: Pending<P>, user: U, by: MatchTier) => Outcome<P, U>,
): Outcome<P, U> | undefined {
  const { byEmail: emails, byPhone: phones } = index.active;
  const byEmail = candidatesIn((key) => emails.get(key), personEmails(item.person), item.code, codes);
  const rawPhones = [item.person.mobilePhone, item.person.workPhone].filter((p): p is string => typeof p === 'string');
  const byPhone = candidatesIn((raw) => phones.lookup(raw), rawPhones, item.code, codes);
  const listed = (): Candidate[] => [
    ...byEmail.map((u) => ({ user_id: u.id, by: 'email' as const })),
    ...byPhone.map((u) => ({ user_id: u.id, by: 'phone' as const })),
  ];
  if (byEmail.length > 1) return conflict(item.person, listed(), `${byEmail.length} When I Work users share the email`);
  if (byPhone.length > 1) return conflict(item.person, listed(), `${byPhone.length} When I Work users share the phone`);
  const [email, phone] = [byEmail[0], byPhone[0]];
  if (email !== undefined && phone !== undefined && email !== phone) {
    return conflict(item.person, listed(),
      `email matches When I Work user ${email.id} but phone matches user ${phone.id}`);
  }
  if (email !== undefined) return take(item, email, 'email');
  if (phone !== undefined) return take(item, phone, 'phone');
  return undefined;
}

function fallback<P extends PersonLike, U extends WiwUserLike>(item: Pending<P>, index: UserIndex<U>): Outcome<P, U> {
  if (item.terminated) {
    return { list: 'skipped', entry: { person: item.person, reason: 'terminated and not in When I Work' } };
  }
  const deleted = index.deleted.byCode.get(item.code) ?? [];
  if (deleted.length === 1) return { list: 'to_reactivate', entry: { person: item.person, user: deleted[0]! } };
  if (deleted.length > 1) {
    return conflict(item.person, deleted.map((u) => ({ user_id: u.id, by: 'employee_code' as const })),
      `${deleted.length} deleted When I Work users have employee code ${item.key}`);
  }
  return { list: 'to_create', entry: item.person };
}

function assemble<P extends PersonLike, U extends WiwUserLike>(
  outcomes: (Outcome<P, U> | undefined)[], people: number, users: number,
): MatchPlan<P, U> {
  const plan: Omit<MatchPlan<P, U>, 'counts'> = {
    matched: [], to_link: [], to_create: [], to_reactivate: [], conflicts: [], excluded: [], skipped: [],
    terminated_with_user: [], held: [],
  };
  for (const outcome of outcomes) {
    if (outcome !== undefined) (plan[outcome.list] as unknown[]).push(outcome.entry);
  }
  const counts = { people, users } as MatchPlan<P, U>['counts'];
  for (const [name, list] of Object.entries(plan)) counts[name as keyof typeof plan] = list.length;
  return { ...plan, counts };
}

/** The WIW user fields GoCo owns, as they should be written for `person`. */
export interface DesiredUser {
  first_name: string;
  last_name: string;
  email?: string;
  /** E.164, e.g. "+16125550142". */
  phone_number?: string;
  employee_code?: string;
  employment_type?: 'hourly' | 'salaried';
  hourly_rate?: number;
}

export function desiredUser(person: PersonLike, region: string): DesiredUser {
  const preferred = typeof person.preferredName === 'string' ? person.preferredName.trim() : '';
  const out: DesiredUser = {
    first_name: preferred !== '' ? preferred : (person.firstName ?? '').trim(),
    last_name: (person.lastName ?? '').trim(),
  };
  const email = normalizeEmail(person.workEmail) ?? normalizeEmail(person.personalEmail);
  if (email !== undefined) out.email = email;
  const phone = normalizePhone(person.mobilePhone, region) ?? normalizePhone(person.workPhone, region);
  if (phone !== undefined) out.phone_number = phone;
  const key = personKey(person);
  if (key !== undefined) out.employee_code = key;
  const pay = typeof person.payType === 'string' ? person.payType.trim().toLowerCase() : '';
  if (pay === 'hourly' || pay === 'salaried') out.employment_type = pay;
  if (typeof person.hourlyRate === 'number' && Number.isFinite(person.hourlyRate)) out.hourly_rate = person.hourlyRate;
  return out;
}

export type SyncedField = 'first_name' | 'last_name' | 'email' | 'phone_number';

/**
 * The synced fields whose normalised values differ, mapped to the value to write. A field GoCo has no
 * value for is left alone (never blanked in WIW), so an empty result means the user is up to date.
 */
export function userDiff(person: PersonLike, user: WiwUserLike, region: string): Partial<Pick<DesiredUser, SyncedField>> {
  const want = desiredUser(person, region);
  const changes: Partial<Pick<DesiredUser, SyncedField>> = {};
  if (want.first_name !== '' && normalizeName(want.first_name) !== normalizeName(user.first_name)) {
    changes.first_name = want.first_name;
  }
  if (want.last_name !== '' && normalizeName(want.last_name) !== normalizeName(user.last_name)) {
    changes.last_name = want.last_name;
  }
  if (want.email !== undefined && want.email !== normalizeEmail(user.email)) changes.email = want.email;
  if (want.phone_number !== undefined && want.phone_number !== normalizePhone(user.phone_number, region)) {
    changes.phone_number = want.phone_number;
  }
  return changes;
}
