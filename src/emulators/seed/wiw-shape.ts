/**
 * The one place that knows the When I Work emulator's user seed format. The generators describe WIW people as
 * `WiwDraft`s; adjust `toWiwUser` when that format changes. (The account around the users - admin, seats,
 * company - is built by `wiwEmulatorSeed` in src/emulators/index.ts.)
 */
import type { WiwSeedUser } from './types.js';

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
