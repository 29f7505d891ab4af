/**
 * match_people: the sync plan for GoCo people against When I Work users (pure, no HTTP). Wraps ../match.ts
 * and adds what the recipes write: `desired` user fields (with location and position ids from the id
 * mappings) and, with `updates: true`, the field changes of matched and linked users.
 *
 * Entries point at the caller's person and user objects instead of copying them; only `name`, `desired`
 * and `changes` are new, so 100,000 people cost a few small objects each.
 */
import type { ActionDef, JsonSchema } from '../../../engine/types.js';
import {
  desiredUser, matchPeople, normalizeEmail, normalizeName, userDiff, type Candidate, type DesiredUser, type MatchTier,
  type PersonLike, type WiwUserLike,
} from '../match.js';
import { normalizePhone } from '../../../engine/builtins/records/phone.js';

export interface GocoPerson extends PersonLike {
  workLocationId?: string | number | null;
  departmentId?: string | number | null;
}

export interface MatchInput {
  people: GocoPerson[];
  users: (WiwUserLike & { locations?: number[]; positions?: number[]; hourly_rate?: number | null; employment_type?: string | null })[];
  region: string;
  /** GoCo location id -> WIW location id. */
  locations?: Record<string, string | number | null>;
  /** GoCo department id -> WIW position id. */
  positions?: Record<string, string | number | null>;
  /** Also list field changes of matched and linked users. @default false */
  updates?: boolean;
  /** 'review' (default): hold a create whose name is that of an unlinked active user; 'create': create it. */
  name_match?: 'review' | 'create';
  /** Employee keys the admin chose to create despite a same-name user (key -> anything, e.g. an id mapping). */
  create_anyway?: Record<string, unknown> | string[];
}

type User = MatchInput['users'][number];

export interface Desired extends DesiredUser {
  locations: number[];
  positions: number[];
}

export type Changes = Partial<Omit<Desired, 'locations' | 'positions'>> & { locations?: number[]; positions?: number[] };

export interface MatchOutput {
  to_create: { person: GocoPerson; name: string; desired: Desired }[];
  to_link: { person: GocoPerson; user: User; name: string; by: 'email' | 'phone'; employee_code: string; previous_code?: string; desired: Desired }[];
  matched: { person: GocoPerson; user: User; name: string }[];
  to_update: { person: GocoPerson; user: User; name: string; desired: Desired; changes: Changes }[];
  to_reactivate: { person: GocoPerson; user: User; name: string; desired: Desired }[];
  conflicts: { person: GocoPerson; name: string; candidates: Candidate[]; reason: string }[];
  excluded: { person: GocoPerson; name: string; reason: string }[];
  skipped: { person: GocoPerson; name: string; reason: string }[];
  terminated_with_user: { person: GocoPerson; user: User; name: string; by: MatchTier }[];
  /** Not created: an unlinked active user has the same name (`recipes link` decides). */
  held: { person: GocoPerson; user: User; users: (number | string)[]; name: string; employee: string; reason: string; desired: Desired }[];
  counts: Record<string, number>;
}

function mapped(mapping: MatchInput['locations'], key: unknown): number | undefined {
  if (mapping === undefined || key === null || key === undefined || String(key) === '') return undefined;
  const raw = mapping[String(key)];
  const id = raw === null || raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function displayName(d: DesiredUser): string {
  return `${d.first_name} ${d.last_name}`.trim() || '(no name)';
}

/** Changes to write so `user` shows what GoCo says; see the module comment of match.ts for normalisation. */
export function changesFor(person: GocoPerson, user: User, desired: Desired, region: string): Changes {
  const changes: Changes = { ...userDiff(person, user, region) };
  // GoCo knows one work location and one department; a user not in them has moved (other WIW
  // locations a manager added are kept while the GoCo one is among them).
  const [location] = desired.locations;
  if (location !== undefined && !(user.locations ?? []).includes(location)) changes.locations = [location];
  const [position] = desired.positions;
  if (position !== undefined && !(user.positions ?? []).includes(position)) changes.positions = [position];
  if (desired.hourly_rate !== undefined && Number(user.hourly_rate ?? NaN) !== desired.hourly_rate) {
    changes.hourly_rate = desired.hourly_rate;
  }
  // WIW's "hourly_exempt" is still hourly: only a different kind is a change.
  if (desired.employment_type !== undefined && !String(user.employment_type ?? '').startsWith(desired.employment_type)) {
    changes.employment_type = desired.employment_type;
  }
  return changes;
}

export function planPeople(input: MatchInput): MatchOutput {
  const { region } = input;
  const decided = Array.isArray(input.create_anyway) ? input.create_anyway : Object.keys(input.create_anyway ?? {});
  const plan = matchPeople(input.people, input.users, { region, nameMatch: input.name_match ?? 'review', createAnyway: decided });
  const cache = new Map<GocoPerson, Desired>();
  // One frozen `[id]` per WIW id, shared by everyone at that location or position (100,000 people, 200 ids).
  const lists = new Map<number | undefined, number[]>();
  const list = (id: number | undefined): number[] => {
    let ids = lists.get(id);
    if (ids === undefined) lists.set(id, (ids = Object.freeze(id === undefined ? [] : [id]) as number[]));
    return ids;
  };
  const desired = (person: GocoPerson): Desired => {
    let d = cache.get(person);
    if (d === undefined) {
      const location = mapped(input.locations, person.workLocationId);
      const position = mapped(input.positions, person.departmentId);
      d = { ...desiredUser(person, region), locations: list(location), positions: list(position) };
      cache.set(person, d);
    }
    return d;
  };
  const name = (person: GocoPerson): string => displayName(desired(person));

  const out: MatchOutput = {
    to_create: plan.to_create.map((person) => ({ person, name: name(person), desired: desired(person) })),
    to_link: plan.to_link.map((e) => ({ ...e, name: name(e.person), desired: desired(e.person) })),
    matched: plan.matched.map((e) => ({ ...e, name: name(e.person) })),
    to_update: [],
    to_reactivate: plan.to_reactivate.map((e) => ({ ...e, name: name(e.person), desired: desired(e.person) })),
    conflicts: plan.conflicts.map((e) => ({ ...e, name: name(e.person) })),
    excluded: plan.excluded.map((e) => ({ ...e, name: name(e.person) })),
    skipped: plan.skipped.map((e) => ({ ...e, name: name(e.person) })),
    terminated_with_user: plan.terminated_with_user.map((e) => ({ ...e, name: name(e.person) })),
    held: plan.held.map((e) => ({ ...e, name: name(e.person), employee: desired(e.person).employee_code ?? e.person.id, desired: desired(e.person) })),
    counts: {},
  };
  if (input.updates === true) {
    // Linked users are all listed (their change includes employee_code), so applying to_update alone also links.
    for (const e of plan.to_link) {
      const d = desired(e.person);
      out.to_update.push({ person: e.person, user: e.user, name: name(e.person), desired: d,
        changes: { ...changesFor(e.person, e.user, d, region), employee_code: e.employee_code } });
    }
    for (const e of plan.matched) {
      const d = desired(e.person);
      const changes = changesFor(e.person, e.user, d, region);
      if (Object.keys(changes).length > 0) out.to_update.push({ person: e.person, user: e.user, name: name(e.person), desired: d, changes });
    }
  }
  out.counts = { people: plan.counts.people, users: plan.counts.users };
  for (const key of ['to_create', 'to_link', 'matched', 'to_update', 'to_reactivate', 'conflicts', 'excluded', 'skipped', 'terminated_with_user', 'held'] as const) {
    out.counts[key] = out[key].length;
  }
  return out;
}

const entry = (required: string[], properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'array', items: { type: 'object', required: ['person', 'name', ...required], properties: { person: { type: 'object' }, name: { type: 'string' }, ...properties } },
});
const mapping: JsonSchema = { type: 'object', additionalProperties: { type: ['string', 'integer', 'null'] } };

export const matchPeopleAction: ActionDef<MatchInput, MatchOutput> = {
  title: 'Match people',
  description: 'Plans the employee sync: which GoCo people to create, link (write employee_code), update, reactivate, or report '
    + '(conflicts, excluded, skipped, terminated with a user, held as possible duplicates). Pure: pass the users of list_users with show_deleted.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['people', 'users', 'region'],
    properties: {
      people: { type: 'array', items: { type: 'object', required: ['id'] }, description: 'GoCo employees.' },
      users: { type: 'array', items: { type: 'object', required: ['id'] }, description: 'WIW users, deleted ones included.' },
      region: { type: 'string', minLength: 2, maxLength: 2, description: 'Region for phones without a country code, e.g. US.' },
      locations: { ...mapping, description: 'GoCo location id -> WIW location id.' },
      positions: { ...mapping, description: 'GoCo department id -> WIW position id.' },
      updates: { type: 'boolean', default: false, description: 'Also list changes of matched and linked users (to_update).' },
      name_match: { enum: ['review', 'create'], default: 'review', description: 'review: a create with the name of an unlinked active user is held (possible duplicate); create: created anyway.' },
      create_anyway: {
        anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'string' } }],
        description: 'Employee keys (number or id) to create despite a same-name user: a list, or a mapping whose keys they are.',
      },
    },
  },
  output: {
    type: 'object',
    required: ['to_create', 'to_link', 'matched', 'to_update', 'to_reactivate', 'conflicts', 'excluded', 'skipped', 'terminated_with_user', 'held', 'counts'],
    properties: {
      to_create: entry(['desired'], { desired: { type: 'object' } }),
      to_link: entry(['user', 'by', 'desired'], { user: { type: 'object' }, by: { enum: ['email', 'phone'] }, desired: { type: 'object' } }),
      matched: entry(['user'], { user: { type: 'object' } }),
      to_update: entry(['user', 'desired', 'changes'], { user: { type: 'object' }, desired: { type: 'object' }, changes: { type: 'object' } }),
      to_reactivate: entry(['user', 'desired'], { user: { type: 'object' }, desired: { type: 'object' } }),
      conflicts: entry(['candidates', 'reason'], { candidates: { type: 'array' }, reason: { type: 'string' } }),
      excluded: entry(['reason'], { reason: { type: 'string' } }),
      skipped: entry(['reason'], { reason: { type: 'string' } }),
      terminated_with_user: entry(['user'], { user: { type: 'object' } }),
      held: entry(['user', 'users', 'employee', 'reason', 'desired'], { user: { type: 'object' }, users: { type: 'array' }, employee: { type: 'string' }, reason: { type: 'string' }, desired: { type: 'object' } }),
      counts: { type: 'object', additionalProperties: { type: 'integer' } },
    },
  },
  run: async (input) => planPeople(input),
};

// Re-exported for find_duplicates, which compares the same way.
export { normalizeEmail, normalizeName, normalizePhone };
