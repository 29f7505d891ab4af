/**
 * The one place that knows the When I Work emulator's seed format. The generators describe WIW people as
 * `WiwDraft`s; adjust `toWiwUser` (and `wiwAccountSeed`) when that format changes.
 */
import type { WiwSeed, WiwSeedUser } from './types.js';

export interface WiwDraft {
  id: number;
  email: string | null;
  firstName: string;
  lastName: string;
  phone: string | null;
  employeeCode: string | null;
  locationIds: number[];
  positionIds: number[];
  deleted: boolean;
  activated: boolean;
}

export function toWiwUser(d: WiwDraft): WiwSeedUser {
  return {
    id: d.id,
    email: d.email ?? '',
    first_name: d.firstName,
    last_name: d.lastName,
    phone_number: d.phone ?? '',
    employee_code: d.employeeCode ?? '',
    locations: d.locationIds,
    positions: d.positionIds,
    role: 3,
    is_deleted: d.deleted,
    activated: d.activated,
  };
}

export interface WiwAccountOptions {
  accountId?: number;
  company?: string;
  developerKey?: string;
  /** The admin person who logs in; emulator-only credentials. */
  admin?: { email: string; password: string; first_name: string; last_name: string };
}

/** The whole WIW emulator seed (`developerKeys`, `persons`, `accounts`) around one account's data. */
export function wiwAccountSeed(wiw: WiwSeed, opts: WiwAccountOptions = {}) {
  const admin = opts.admin ?? { email: 'admin@wiw.example', password: 'demo-password', first_name: 'Ada', last_name: 'Admin' };
  return {
    developerKeys: [opts.developerKey ?? 'wiw-emulator-key'],
    persons: [admin],
    accounts: [
      {
        id: opts.accountId ?? 1,
        company: opts.company ?? 'Shire Hospitality',
        seats: wiw.seats,
        users: wiw.users,
        locations: wiw.locations,
        positions: wiw.positions,
      },
    ],
  };
}
