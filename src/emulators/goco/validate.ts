/**
 * Checks the bodies of the admin routes (the in-process API is typed and trusts its caller). Unknown fields
 * are refused so a typo in a benchmark script fails loudly instead of silently changing nothing.
 */
import { GocoApiError } from './errors.js';
import {
  EMPLOYEE_STATUSES,
  EMPLOYMENT_TYPES,
  PAY_TYPES,
  type DepartmentPatch,
  type EmployeePatch,
  type LocationPatch,
} from './types.js';

type Rule = (value: unknown) => boolean;

const str: Rule = (v) => typeof v === 'string';
const strOrNull: Rule = (v) => v === null || typeof v === 'string';
const date: Rule = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && Number.isFinite(Date.parse(v));
const dateOrNull: Rule = (v) => v === null || date(v);
const oneOf = (values: readonly string[]): Rule => (v) => typeof v === 'string' && values.includes(v);
const numOrNull: Rule = (v) => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const bool: Rule = (v) => typeof v === 'boolean';
/** `null` removes `syncToWhenIWork`, which GoCo reads as "yes". */
const boolOrNull: Rule = (v) => v === null || typeof v === 'boolean';
const address: Rule = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const a = v as Record<string, unknown>;
  const keys = ['line1', 'line2', 'city', 'state', 'postalCode', 'country'];
  return Object.keys(a).every((k) => keys.includes(k)) && keys.every((k) => (k === 'line2' ? strOrNull(a[k] ?? null) : str(a[k])));
};

const EMPLOYEE_RULES: Record<string, Rule> = {
  id: str,
  employeeNumber: strOrNull,
  firstName: str,
  lastName: str,
  preferredName: strOrNull,
  workEmail: strOrNull,
  personalEmail: strOrNull,
  mobilePhone: strOrNull,
  workPhone: strOrNull,
  status: oneOf(EMPLOYEE_STATUSES),
  employmentType: oneOf(EMPLOYMENT_TYPES),
  payType: oneOf(PAY_TYPES),
  hourlyRate: numOrNull,
  hireDate: date,
  terminationDate: dateOrNull,
  jobTitle: strOrNull,
  workLocationId: strOrNull,
  departmentId: strOrNull,
  managerId: strOrNull,
  syncToWhenIWork: boolOrNull,
};
const LOCATION_RULES: Record<string, Rule> = { id: str, name: str, code: str, address, timeZone: str, isActive: bool };
const DEPARTMENT_RULES: Record<string, Rule> = { id: str, name: str, code: str, isActive: bool };

function check(body: unknown, rules: Record<string, Rule>, what: string, allowId: boolean, required: string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GocoApiError(400, 'invalid_body', `${what}: body must be a JSON object`);
  }
  const record = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    const rule = rules[key];
    if (!rule || (key === 'id' && !allowId)) throw new GocoApiError(400, 'invalid_body', `${what}: unknown field '${key}'`);
    if (!rule(value)) throw new GocoApiError(400, 'invalid_body', `${what}: field '${key}' has an invalid value`);
  }
  for (const key of required) {
    if (!(key in record)) throw new GocoApiError(400, 'invalid_body', `${what}: field '${key}' is required`);
  }
  return record;
}

/** A hire body: `firstName` and `lastName` required, an `id` may be chosen. */
export const hireBody = (body: unknown) =>
  check(body, EMPLOYEE_RULES, 'hire', true, ['firstName', 'lastName']) as EmployeePatch & { firstName: string; lastName: string; id?: string };
export const employeePatchBody = (body: unknown) => check(body, EMPLOYEE_RULES, 'employee update', false, []) as EmployeePatch;
export const locationBody = (body: unknown) =>
  check(body, LOCATION_RULES, 'location', true, ['name', 'code', 'address', 'timeZone']) as Required<Omit<LocationPatch, 'isActive'>> &
    Pick<LocationPatch, 'isActive'> & { id?: string };
export const locationPatchBody = (body: unknown) => check(body, LOCATION_RULES, 'location update', false, []) as LocationPatch;
export const departmentBody = (body: unknown) =>
  check(body, DEPARTMENT_RULES, 'department', true, ['name', 'code']) as Required<Omit<DepartmentPatch, 'isActive'>> &
    Pick<DepartmentPatch, 'isActive'> & { id?: string };
export const departmentPatchBody = (body: unknown) => check(body, DEPARTMENT_RULES, 'department update', false, []) as DepartmentPatch;
/** Terminate/rehire bodies: an optional effective `date`. */
export const dateBody = (body: unknown): { date?: string } =>
  body === undefined ? {} : (check(body, { date }, 'date body', false, []) as { date?: string });
