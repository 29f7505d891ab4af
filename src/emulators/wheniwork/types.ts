/**
 * Records the When I Work emulator keeps, in WIW's own wire shapes (snake_case, integer ids, RFC 2822 dates),
 * and the seed format it starts from. Field choices follow docs/wiw-api.md (records).
 */

/** 1 admin, 2 manager, 3 employee (WIW's default), 5 supervisor. */
export type WiwRole = 1 | 2 | 3 | 5;
export const WIW_ROLES: readonly WiwRole[] = [1, 2, 3, 5];

export type EmploymentType = 'hourly' | 'hourly_exempt' | 'salaried' | 'salaried_exempt' | 'shareholder';
export const EMPLOYMENT_TYPES: readonly EmploymentType[] = [
  'hourly',
  'hourly_exempt',
  'salaried',
  'salaried_exempt',
  'shareholder',
];

/** A login ("person"): one email/password shared by the person's users in every workplace. */
export interface WiwPerson {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  /** Null for people who were created by an admin and never set a password: they cannot log in. */
  password: string | null;
}

export interface WiwUser {
  id: number;
  account_id: number;
  login_id: number;
  role: WiwRole;
  email: string;
  first_name: string;
  middle_name: string;
  last_name: string;
  phone_number: string;
  employee_code: string;
  locations: number[];
  positions: number[];
  hourly_rate: number;
  hours_max: number;
  employment_type: EmploymentType;
  notes: string;
  /** False for a pending user (asked to join, not yet accepted by a manager). */
  activated: boolean;
  is_deleted: boolean;
  is_hidden: boolean;
  is_private: boolean;
  is_payroll: boolean;
  invited_at: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A WIW "schedule". */
export interface WiwLocation {
  id: number;
  account_id: number;
  name: string;
  address: string;
  /** [latitude, longitude], or empty when unknown. */
  coordinates: number[];
  is_default: boolean;
  is_deleted: boolean;
  sort: number;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WiwPosition {
  id: number;
  account_id: number;
  name: string;
  /** Hex colour without '#', e.g. "cc0000". */
  color: string;
  sort: number;
  tips_tracking: boolean;
  is_deleted: boolean;
  created_at: string;
  updated_at: string;
}

export interface WiwAccountRecord {
  id: number;
  company: string;
  /** 0 = no parent/child relation (WIW's convention). */
  master_id: number;
  enabled: boolean;
  /** Plan maximum of non-deleted users; null = unlimited. Emulator-invented field name. */
  seats: number | null;
  created_at: string;
  updated_at: string;
}

/** The account as GET /2/account shows it: the record plus the live seat figure. */
export interface WiwAccount extends WiwAccountRecord {
  /** Non-deleted users of the account. Emulator-invented field name. */
  users_count: number;
}

// ---- seed ----------------------------------------------------------------------------------------------

export interface WiwSeedPerson {
  id?: number;
  email: string;
  password: string;
  first_name?: string;
  last_name?: string;
}

/** A user; it belongs to the seed person with the same email (case-insensitive), else to a new person. */
export type WiwSeedUser = Partial<Omit<WiwUser, 'account_id' | 'login_id' | 'created_at' | 'updated_at'>> & {
  first_name: string;
  last_name: string;
};

export type WiwSeedLocation = Partial<Omit<WiwLocation, 'account_id' | 'created_at' | 'updated_at'>> & {
  name: string;
};

export type WiwSeedPosition = Partial<Omit<WiwPosition, 'account_id' | 'created_at' | 'updated_at'>> & {
  name: string;
};

export interface WiwSeedAccount {
  id: number;
  company: string;
  /** @default null (unlimited) */
  seats?: number | null;
  master_id?: number;
  users?: WiwSeedUser[];
  locations?: WiwSeedLocation[];
  positions?: WiwSeedPosition[];
}

export interface WiwSeed {
  /** Developer keys accepted in `W-Key`. */
  developerKeys: string[];
  persons: WiwSeedPerson[];
  accounts: WiwSeedAccount[];
}
