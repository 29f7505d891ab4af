/**
 * GoCo records as this project models them (docs/goco-api.md). GoCo's real schema is unpublished in a form we
 * could read, so these shapes are the team's model; the connector keeps its own copy of the wire format.
 */

export type EmployeeStatus = 'active' | 'onboarding' | 'on_leave' | 'terminated';
export type EmploymentType = 'full_time' | 'part_time' | 'temporary';
export type PayType = 'hourly' | 'salaried';

export const EMPLOYEE_STATUSES: readonly EmployeeStatus[] = ['active', 'onboarding', 'on_leave', 'terminated'];
export const EMPLOYMENT_TYPES: readonly EmploymentType[] = ['full_time', 'part_time', 'temporary'];
export const PAY_TYPES: readonly PayType[] = ['hourly', 'salaried'];

export interface GocoEmployee {
  /** UUID. */
  id: string;
  /** HR's own number; null when the company does not use one (matching then falls back to `id`). */
  employeeNumber: string | null;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  workEmail: string | null;
  personalEmail: string | null;
  /** Free-form, as typed by HR: any national or international format, maybe with an extension. */
  mobilePhone: string | null;
  workPhone: string | null;
  status: EmployeeStatus;
  employmentType: EmploymentType;
  payType: PayType;
  hourlyRate: number | null;
  /** `YYYY-MM-DD`; may be in the future for an onboarding hire. */
  hireDate: string;
  terminationDate: string | null;
  jobTitle: string | null;
  workLocationId: string | null;
  departmentId: string | null;
  managerId: string | null;
  /** Absent means true: only some records carry the field at all. */
  syncToWhenIWork?: boolean;
  /** ISO 8601 with milliseconds, UTC (`2026-05-02T14:11:09.123Z`); strictly increases on every change. */
  updatedAt: string;
}

export interface GocoAddress {
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

export interface GocoLocation {
  id: string;
  name: string;
  code: string;
  address: GocoAddress;
  timeZone: string;
  isActive: boolean;
}

export interface GocoDepartment {
  id: string;
  name: string;
  code: string;
  isActive: boolean;
}

/** What the emulator starts with; `snapshot()` returns the same shape. */
export interface GocoSeed {
  employees: GocoEmployee[];
  locations: GocoLocation[];
  departments: GocoDepartment[];
}

/** Fields a hire must or may give; the rest default (see store.ts `hire`). */
export type HireInput = Pick<GocoEmployee, 'firstName' | 'lastName'> & EmployeePatch & { id?: string };

/** Any employee field except its identity and change stamp; `syncToWhenIWork: null` removes the field. */
export type EmployeePatch = Partial<Omit<GocoEmployee, 'id' | 'updatedAt' | 'syncToWhenIWork'>> & {
  syncToWhenIWork?: boolean | null;
};
export type LocationInput = Omit<GocoLocation, 'id' | 'isActive'> & { id?: string; isActive?: boolean };
export type LocationPatch = Partial<Omit<GocoLocation, 'id'>>;
export type DepartmentInput = Omit<GocoDepartment, 'id' | 'isActive'> & { id?: string; isActive?: boolean };
export type DepartmentPatch = Partial<Omit<GocoDepartment, 'id'>>;
