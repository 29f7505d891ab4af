/**
 * Seed data for both emulators, plus what a correct sync is expected to do with it. The WIW half follows the
 * When I Work emulator's seed format; `wiw-shape.ts` holds the one mapping into it.
 */
import type { GocoSeed } from '../goco/types.js';

/** A WIW user as the When I Work emulator's seed takes it. */
export interface WiwSeedUser {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  /** Free-form string, formats vary; '' when none. */
  phone_number: string;
  /** '' when none. */
  employee_code: string;
  locations: number[];
  positions: number[];
  role: number;
  is_deleted: boolean;
  activated: boolean;
}

export interface WiwSeedLocation {
  id: number;
  name: string;
  /** WIW keeps a location's address as one string. */
  address: string;
}

export interface WiwSeedPosition {
  id: number;
  name: string;
  color: string;
}

export interface WiwSeed {
  users: WiwSeedUser[];
  locations: WiwSeedLocation[];
  positions: WiwSeedPosition[];
  /** User seats of the account; active (not deleted) users take one each. */
  seats: number;
}

/** What a correct employee sync (src/engine/builtins/README.md, README "Matching") does with one GoCo employee on its first run. */
export type ExpectedOutcome =
  /** A WIW user carries the employee's number (or id) as `employee_code`. */
  | 'matched'
  /** No code match; one WIW user has the same email, trimmed and case-folded: link (write the code). */
  | 'linked_by_email'
  /** No code or email match; one WIW user has the same phone once both are E.164: link. */
  | 'linked_by_phone'
  /** Not in WIW (or only as an unrecognisable duplicate): create a user. */
  | 'created'
  /** Email and phone point at different WIW users: report, write nothing. */
  | 'conflict'
  /** Terminated: never created; reported as a seat to free when a WIW user still holds one. */
  | 'skipped_terminated'
  /** `syncToWhenIWork: false`: reported as excluded. */
  | 'excluded'
  /** Rehired; the code matches a deleted WIW user, which should be reactivated rather than duplicated. */
  | 'reactivated';

/** The situations an employee is built for, one per employee (generate.ts picks it). */
export type ScenarioCase =
  | 'code_match'
  | 'email_changed'
  | 'email_case'
  | 'personal_email_match'
  | 'phone_format'
  | 'faq_duplicate'
  | 'conflict'
  | 'terminated_in_wiw'
  | 'terminated'
  | 'rehire_deleted'
  | 'excluded';

/** The named situations a seed contains: its scenarios plus traits; one employee may show several. */
export type SeedCase =
  | ScenarioCase
  | 'sync_flag_true'
  | 'future_hire'
  | 'onboarding'
  | 'on_leave'
  | 'preferred_name'
  | 'unicode_name'
  | 'no_employee_number'
  | 'no_email'
  | 'no_phone'
  | 'personal_email_only'
  | 'work_phone_only'
  | 'messy_email'
  | 'international_phone'
  | 'phone_extension'
  | 'no_location'
  | 'department_missing_in_wiw';

export interface ExpectedPerson {
  employeeId: string;
  /** The value WIW's `employee_code` should hold: `employeeNumber`, or `id` when there is none. */
  code: string;
  outcome: ExpectedOutcome;
  cases: SeedCase[];
  /** The WIW user matched, linked, reactivated or holding a terminated employee's seat. */
  wiwUserId?: number;
  /** The WIW users in conflict, or the would-be duplicate of the FAQ case. */
  otherWiwUserIds?: number[];
}

export type OrgOutcome = 'matched' | 'renamed' | 'created';

export interface ExpectedOrgUnit {
  gocoId: string;
  outcome: OrgOutcome;
  /** The WIW location/position matched by name (case- and space-insensitive). */
  wiwId?: number;
}

export interface SeedExpectation {
  people: ExpectedPerson[];
  counts: Record<ExpectedOutcome, number>;
  locations: ExpectedOrgUnit[];
  departments: ExpectedOrgUnit[];
  /** WIW users that stand for nobody in GoCo (owner, managers, people HR never entered). */
  wiwOnlyUserIds: number[];
}

export interface Seed {
  goco: GocoSeed;
  wiw: WiwSeed;
  expected: SeedExpectation;
}
