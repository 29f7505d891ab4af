/**
 * The GoCo records as this project hands them to recipes: field names follow docs/goco-api.md so recipes read
 * `person.workEmail`, but every value here has been checked and normalised by wire.ts (nulls for absent
 * optional fields, `syncToWhenIWork` always a boolean, `updatedAt` in `toISOString()` form). The JSON Schemas
 * below are the actions' and trigger's output description; the TypeScript types mirror them.
 */
import type { JsonSchema } from '../../engine/types.js';

export const EMPLOYEE_STATUSES = ['active', 'onboarding', 'on_leave', 'terminated'] as const;
export const EMPLOYMENT_TYPES = ['full_time', 'part_time', 'temporary'] as const;
export const PAY_TYPES = ['hourly', 'salaried'] as const;

export type EmployeeStatus = (typeof EMPLOYEE_STATUSES)[number];
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];
export type PayType = (typeof PAY_TYPES)[number];

export interface Employee {
  id: string;
  employeeNumber: string | null;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  workEmail: string | null;
  personalEmail: string | null;
  /** Free-form, as HR typed it; normalising phones is the WIW side's business. */
  mobilePhone: string | null;
  workPhone: string | null;
  status: EmployeeStatus;
  employmentType: EmploymentType | null;
  payType: PayType | null;
  hourlyRate: number | null;
  hireDate: string | null;
  terminationDate: string | null;
  jobTitle: string | null;
  workLocationId: string | null;
  departmentId: string | null;
  managerId: string | null;
  /** GoCo leaves the field out for most people; absent means true. */
  syncToWhenIWork: boolean;
  /** ISO 8601, UTC, milliseconds (`Date#toISOString`). */
  updatedAt: string;
}

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface Location {
  id: string;
  name: string;
  code: string | null;
  address: Address | null;
  timeZone: string | null;
  isActive: boolean;
}

export interface Department {
  id: string;
  name: string;
  code: string | null;
  isActive: boolean;
}

/** A record a list could not pass on: its position in the stream GoCo sent (0-based, all pages) and why. */
export interface InvalidRecord {
  index: number;
  /** The record's id when it had a readable one. */
  id?: string;
  reason: string;
}

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableEnum = (values: readonly string[]) => ({ enum: [...values, null] });

function record(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

export const employeeSchema: JsonSchema = record({
  id: { ...str, minLength: 1 },
  employeeNumber: nullableStr,
  firstName: str,
  lastName: str,
  preferredName: nullableStr,
  workEmail: nullableStr,
  personalEmail: nullableStr,
  mobilePhone: nullableStr,
  workPhone: nullableStr,
  status: { enum: [...EMPLOYEE_STATUSES] },
  employmentType: nullableEnum(EMPLOYMENT_TYPES),
  payType: nullableEnum(PAY_TYPES),
  hourlyRate: { type: ['number', 'null'] },
  hireDate: nullableStr,
  terminationDate: nullableStr,
  jobTitle: nullableStr,
  workLocationId: nullableStr,
  departmentId: nullableStr,
  managerId: nullableStr,
  syncToWhenIWork: { type: 'boolean' },
  updatedAt: str,
});

const addressSchema: JsonSchema = {
  ...record({ line1: nullableStr, line2: nullableStr, city: nullableStr, state: nullableStr, postalCode: nullableStr, country: nullableStr }),
  type: ['object', 'null'],
};

export const locationSchema: JsonSchema = record({
  id: { ...str, minLength: 1 },
  name: str,
  code: nullableStr,
  address: addressSchema,
  timeZone: nullableStr,
  isActive: { type: 'boolean' },
});

export const departmentSchema: JsonSchema = record({
  id: { ...str, minLength: 1 },
  name: str,
  code: nullableStr,
  isActive: { type: 'boolean' },
});

const invalidSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['index', 'reason'],
  properties: { index: { type: 'integer', minimum: 0 }, id: str, reason: str },
};

/** Output of the list actions: the good records, their count, and the records left out with reasons. */
export function listSchema(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'count', 'invalid'],
    properties: { items: { type: 'array', items: item }, count: { type: 'integer', minimum: 0 }, invalid: { type: 'array', items: invalidSchema } },
  };
}

export interface ListResult<T> {
  items: T[];
  count: number;
  invalid: InvalidRecord[];
}
