/**
 * Deterministic seed generator: a GoCo company of any size and the WIW account it is to be synced into,
 * with the expected first-sync outcome of every employee. The same options give deep-equal output.
 *
 * Each employee gets a WIW "scenario" first (which decides status and what WIW holds), then HR data. Contact
 * data is unique per person by construction, so no match happens by accident: `expected` is exact under the
 * matching rules of src/engine/builtins/README.md (records.match).
 */
import { createRng, pick, type Rng } from '../shared/rng.js';
import type { EmployeeStatus, GocoEmployee } from '../goco/types.js';
import { generateOrg, type Org } from './generate-org.js';
import { FIRST_NAMES, LAST_NAMES, flat, slug } from './names.js';
import { EmailBook, generatePerson, messyEmail, type Draft } from './people.js';
import { formatPhone, phoneAt } from './phones.js';
import type { ExpectedOutcome, ExpectedPerson, ScenarioCase, Seed, WiwSeedUser } from './types.js';
import { toWiwUser } from './wiw-shape.js';

export interface GenerateOptions {
  /** Seed of the random generator. */
  seed: number;
  employees: number;
  /** Exact number of WIW users before the sync (linked to employees or WIW-only). @default about 60% of employees */
  wiwUsers?: number;
  /** @default employees / 40, between 3 and 200 */
  locations?: number;
  /** @default employees / 60, between 3 and 40 */
  departments?: number;
  /** The generator's "today"; it never reads the clock. @default '2026-05-01T12:00:00.000Z' */
  now?: string;
  /** WIW seats. @default active WIW users + expected creates and reactivations + 2 */
  seats?: number;
}

export const DEFAULT_NOW = '2026-05-01T12:00:00.000Z';

type Scenario = 'none' | ScenarioCase;

/** The first employees walk through every scenario once, so even small seeds hold each case. */
const FORCED: Scenario[] = [
  'code_match', 'email_changed', 'email_case', 'personal_email_match', 'phone_format', 'faq_duplicate',
  'conflict', 'terminated_in_wiw', 'terminated', 'rehire_deleted', 'excluded',
];
const LINKED: Array<[Scenario, number]> = [
  ['code_match', 0.5], ['email_changed', 0.06], ['email_case', 0.12], ['personal_email_match', 0.04],
  ['phone_format', 0.12], ['faq_duplicate', 0.06], ['conflict', 0.04], ['rehire_deleted', 0.06],
];
const USERS_NEEDED: Partial<Record<Scenario, number>> = { conflict: 2, none: 0, terminated: 0, excluded: 0 };
const usersNeeded = (s: Scenario) => USERS_NEEDED[s] ?? 1;

function weighted(rng: Rng): Scenario {
  let r = rng();
  for (const [scenario, weight] of LINKED) {
    if (r < weight) return scenario;
    r -= weight;
  }
  return 'code_match';
}

/** Falls back when the person lacks what the scenario needs (an email, a phone, two emails). */
function feasible(s: Scenario, d: Draft): Scenario {
  const hasEmail = d.emails.length > 0;
  if (s === 'personal_email_match' && d.emails.length < 2) return hasEmail ? 'email_case' : 'code_match';
  if ((s === 'email_case' || s === 'email_changed') && !hasEmail) return 'code_match';
  if (s === 'phone_format' && !d.phone) return 'code_match';
  if (s === 'conflict' && (!hasEmail || !d.phone)) return 'code_match';
  return s;
}

const OUTCOME: Record<Scenario, ExpectedOutcome> = {
  none: 'created', code_match: 'matched', email_changed: 'matched', email_case: 'linked_by_email',
  personal_email_match: 'linked_by_email', phone_format: 'linked_by_phone', faq_duplicate: 'created',
  conflict: 'conflict', terminated_in_wiw: 'skipped_terminated', terminated: 'skipped_terminated',
  rehire_deleted: 'reactivated', excluded: 'excluded',
};

interface Builder {
  rng: Rng;
  org: Org;
  /** Mapped as they are made, so the drafts die young (this matters at 100,000 employees). */
  users: WiwSeedUser[];
  nextUserId: number;
  /** Phone numbers of WIW-side strangers start here (disjoint from employees' numbers). */
  strangerPhoneBase: number;
}

interface UserFields {
  firstName: string;
  lastName: string;
  email?: string | null;
  phone?: string | null;
  employeeCode?: string | null;
  locationIds?: number[];
  positionIds?: number[];
  deleted?: boolean;
  activated?: boolean;
}

function addUser(b: Builder, f: UserFields): number {
  const id = b.nextUserId++;
  b.users.push(
    toWiwUser({
      id,
      email: f.email ?? null,
      firstName: f.firstName,
      lastName: f.lastName,
      phone: f.phone ?? null,
      employeeCode: f.employeeCode ?? null,
      locationIds: f.locationIds ?? [],
      positionIds: f.positionIds ?? [],
      deleted: f.deleted ?? false,
      activated: f.activated ?? true,
    }),
  );
  return id;
}

const strangerEmail = (first: string, id: number) => flat(`${slug(first) || 'user'}.${id}@wiw-only.example`);
const strangerPhone = (b: Builder, id: number) => formatPhone(b.rng, phoneAt(b.strangerPhoneBase + id), 'plain');

/** Writes `email` differently from how GoCo has it, so only a trimmed, case-folded compare sees them equal. */
function otherSpelling(rng: Rng, email: string, goco: string | null): string {
  for (;;) {
    const text = messyEmail(rng, email);
    if (text !== goco) return text;
  }
}

/** Creates the WIW users a scenario calls for and returns the expectation for the employee. */
function placeInWiw(b: Builder, s: Scenario, d: Draft): ExpectedPerson {
  const { rng } = b;
  const e = d.employee;
  const code = e.employeeNumber ?? e.id;
  const shownEmail = e.workEmail ?? e.personalEmail;
  const shownPhone = e.mobilePhone ?? e.workPhone;
  const expected: ExpectedPerson = { employeeId: e.id, code, outcome: OUTCOME[s], cases: d.cases };
  if (s === 'none' || s === 'terminated' || s === 'excluded') return expected;
  d.cases.push(s);
  const location = e.workLocationId === null ? undefined : b.org.wiwLocationOf.get(e.workLocationId);
  const position = e.departmentId === null ? undefined : b.org.wiwPositionOf.get(e.departmentId);
  const own: UserFields = {
    firstName: e.preferredName ?? e.firstName,
    lastName: e.lastName,
    locationIds: location === undefined ? [] : [location],
    positionIds: position === undefined ? [] : [position],
  };
  const samePhone = d.phone ? formatPhone(rng, d.phone, 'plain', shownPhone ?? undefined) : null;
  const next = b.nextUserId;
  switch (s) {
    case 'code_match':
    case 'terminated_in_wiw':
    case 'rehire_deleted':
      own.email = d.emails[0] ?? null;
      own.phone = samePhone;
      own.employeeCode = code;
      own.deleted = s === 'rehire_deleted';
      own.activated = rng() < 0.85;
      expected.wiwUserId = addUser(b, own);
      break;
    case 'email_changed':
      own.email = flat(`${slug(e.firstName) || 'user'}.${next}@former-employer.example`);
      own.phone = samePhone;
      own.employeeCode = code;
      expected.wiwUserId = addUser(b, own);
      break;
    case 'email_case':
    case 'personal_email_match':
      own.email =
        s === 'email_case' ? otherSpelling(rng, d.emails[0] as string, shownEmail) : otherSpelling(rng, d.emails[1] as string, e.personalEmail);
      own.phone = rng() < 0.5 ? strangerPhone(b, next) : null;
      expected.wiwUserId = addUser(b, own);
      break;
    case 'phone_format':
      own.email = rng() < 0.5 ? strangerEmail(own.firstName, next) : null;
      own.phone = samePhone;
      expected.wiwUserId = addUser(b, own);
      break;
    case 'faq_duplicate':
      own.email = strangerEmail(own.firstName, next);
      own.phone = strangerPhone(b, next);
      expected.otherWiwUserIds = [addUser(b, own)];
      break;
    case 'conflict': {
      const a = addUser(b, { ...own, email: otherSpelling(rng, d.emails[0] as string, shownEmail) });
      const other = addUser(b, { firstName: own.firstName, lastName: own.lastName, email: strangerEmail(own.firstName, next + 1), phone: samePhone });
      expected.otherWiwUserIds = [a, other];
      break;
    }
  }
  return expected;
}

function statusFor(rng: Rng, s: Scenario): EmployeeStatus {
  if (s === 'terminated' || s === 'terminated_in_wiw') return 'terminated';
  if (s === 'rehire_deleted') return 'active';
  const r = rng();
  return r < 0.9 ? 'active' : r < 0.945 ? 'on_leave' : 'onboarding';
}

const between = (value: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(value)));

export function generateSeed(opts: GenerateOptions): Seed {
  const rng = createRng(opts.seed);
  const n = Math.max(0, Math.floor(opts.employees));
  const nowMs = Date.parse(opts.now ?? DEFAULT_NOW);
  const org = generateOrg(rng, opts.locations ?? between(n / 40, 3, 200), opts.departments ?? between(n / 60, 3, 40));
  const b: Builder = { rng, org, users: [], nextUserId: 5001, strangerPhoneBase: 8 * n + 100 };
  const target = opts.wiwUsers;
  const extrasReserved = target === undefined ? 0 : Math.min(target, Math.max(1, Math.round(target * 0.05)));
  const linkedBudget = target === undefined ? Infinity : target - extrasReserved;
  const pIn = target === undefined ? 0.6 : Math.min(0.95, linkedBudget / Math.max(1, n * 1.05));

  const employees: GocoEmployee[] = [];
  const people: ExpectedPerson[] = [];
  const emails = new EmailBook();
  const managerPool: string[] = [];
  const locationIds = org.locations.map((l) => l.id);
  const departmentIds = org.departments.map((d) => d.id);
  const missingDepartments = new Set(org.expectedDepartments.filter((u) => u.outcome === 'created').map((u) => u.gocoId));

  for (let i = 0; i < n; i++) {
    let s: Scenario;
    const r = rng();
    if (n >= 20 && i < FORCED.length) s = FORCED[i] as Scenario;
    else if (r < 0.03) s = 'excluded';
    else if (r < 0.14) s = rng() < pIn * 0.5 ? 'terminated_in_wiw' : 'terminated';
    else s = rng() < pIn ? weighted(rng) : 'none';
    const draft = generatePerson({
      rng, index: i, nowMs, locationIds, departmentIds, managerPool, emails,
      workPhoneBase: 4 * n + 50, status: statusFor(rng, s), recentHire: s === 'rehire_deleted', excluded: s === 'excluded',
    });
    s = feasible(s, draft);
    if (b.users.length + usersNeeded(s) > linkedBudget) s = s === 'terminated_in_wiw' ? 'terminated' : s === 'excluded' ? s : 'none';
    if (draft.employee.departmentId && missingDepartments.has(draft.employee.departmentId)) draft.cases.push('department_missing_in_wiw');
    employees.push(draft.employee);
    people.push(placeInWiw(b, s, draft));
    if (managerPool.length < 50 && draft.employee.status !== 'terminated') managerPool.push(draft.employee.id);
  }

  const wiwOnlyUserIds: number[] = [];
  const extras = target === undefined ? Math.max(2, Math.round(n * 0.03)) : Math.max(0, target - b.users.length);
  for (let k = 0; k < extras; k++) {
    const id = b.nextUserId;
    const firstName = pick(rng, FIRST_NAMES);
    wiwOnlyUserIds.push(addUser(b, { firstName, lastName: pick(rng, LAST_NAMES), email: strangerEmail(firstName, id), phone: strangerPhone(b, id) }));
  }

  const counts = { matched: 0, linked_by_email: 0, linked_by_phone: 0, created: 0, conflict: 0, skipped_terminated: 0, excluded: 0, reactivated: 0 };
  for (const p of people) counts[p.outcome]++;
  const activeUsers = b.users.filter((u) => !u.is_deleted).length;
  return {
    goco: { employees, locations: org.locations, departments: org.departments },
    wiw: {
      users: b.users,
      locations: org.wiwLocations,
      positions: org.wiwPositions,
      seats: opts.seats ?? activeUsers + counts.created + counts.reactivated + 2,
    },
    expected: { people, counts, locations: org.expectedLocations, departments: org.expectedDepartments, wiwOnlyUserIds },
  };
}
