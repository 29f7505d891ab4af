/**
 * GoCo's wire format, as docs/goco-api.md models it - the ONLY file that knows GoCo's paths, query parameters,
 * envelope, pagination fields and record field names. When GoCo's real OpenAPI spec is at hand, this file
 * (and its tests) is what changes; everything else speaks model.ts.
 *
 * Modelled facts the pagers rely on:
 * - lists take `limit` and `offset` and answer `{"data": [...], "pagination": {"limit", "offset", "total"}}`;
 *   the server may clamp `limit` and says so in `pagination.limit`;
 * - `updated_since` (employees only) is inclusive and sorts by `updatedAt` then `id`, both ascending;
 * - a single record answers `{"data": {...}}`; errors `{"error": {"code", "message"}}`.
 */
import type { EmployeeStatus, EmploymentType, PayType } from './model.js';
import {
  EMPLOYEE_STATUSES, EMPLOYMENT_TYPES, PAY_TYPES, type Address, type Department, type Employee, type Location,
} from './model.js';

export type Collection = 'employees' | 'locations' | 'departments';

export const paths = {
  list: (collection: Collection): string => collection,
  employee: (id: string): string => `employees/${encodeURIComponent(id)}`,
};

/** The oldest `updated_since` there is: with it, the API lists every employee in change order. */
export const BEGINNING = '1970-01-01T00:00:00.000Z';

export interface PageRequest {
  limit: number;
  offset: number;
  /** Inclusive lower bound on `updatedAt` (employees only), already normalised. */
  updatedSince?: string | undefined;
}

export function pageParams(request: PageRequest): Record<string, string | number | undefined> {
  return { limit: request.limit, offset: request.offset, updated_since: request.updatedSince };
}

export interface Page {
  records: unknown[];
  /** Page size the server used (its clamp of what was asked). */
  limit: number;
  /** Records matching the query, as the server counted them when cutting this page. */
  total: number | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Reads a list envelope; returns a problem sentence instead when it is not one. */
export function readPage(body: unknown, asked: number): Page | string {
  if (!isObject(body) || !Array.isArray(body.data)) return 'expected an object with a "data" array';
  const pagination = isObject(body.pagination) ? body.pagination : {};
  const served = isCount(pagination.limit) && pagination.limit > 0 ? Math.min(pagination.limit, asked) : asked;
  return { records: body.data, limit: served, total: isCount(pagination.total) ? pagination.total : undefined };
}

/** Reads a single-record envelope. */
export function readOne(body: unknown): unknown {
  return isObject(body) ? body.data : undefined;
}

/** An ISO 8601 date-time with a zone, normalised to `toISOString()` form; undefined when it is not one. */
export function normaliseTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** The order key of an employee record: enough for the pagers even when the rest of the record is bad. */
export interface ChangeKey {
  updatedAt: string;
  id: string;
}

export function changeKey(raw: unknown): ChangeKey | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  const updatedAt = normaliseTimestamp(raw.updatedAt);
  return updatedAt === undefined ? undefined : { updatedAt, id: raw.id };
}

/** The id of any record, when it has a readable one. */
export function recordId(raw: unknown): string | undefined {
  return isObject(raw) && typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined;
}

// ---- records: wire -> model, each problem named ----

export type Parsed<T> = { ok: true; value: T } | { ok: false; id?: string; reason: string };

/**
 * Shares one copy of each value a list repeats (names, job titles, dates, location, department and manager
 * ids): JSON.parse makes a string per occurrence, and at 100,000 employees the copies were a third of the
 * list's memory. Stops adding once `limit` distinct values are held, so a list of unique values costs little.
 */
export class Strings {
  readonly #seen = new Map<string, string>();
  constructor(private readonly limit = 50_000) {}

  share(value: string): string {
    const known = this.#seen.get(value);
    if (known !== undefined) return known;
    if (this.#seen.size < this.limit) this.#seen.set(value, value);
    return value;
  }
}

/** Collects field problems so one reason lists them all. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly raw: Record<string, unknown>, private readonly strings?: Strings) {}

  /** A string field whose values repeat across records. */
  shared(field: string): string {
    const value = this.string(field);
    return this.strings ? this.strings.share(value) : value;
  }

  optionalShared(field: string): string | null {
    const value = this.optionalString(field);
    return value === null || !this.strings ? value : this.strings.share(value);
  }

  private bad(field: string, expected: string): null {
    const value = this.raw[field];
    const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    this.problems.push(`${field} must be ${expected} (got ${got})`);
    return null;
  }

  string(field: string): string {
    const value = this.raw[field];
    return typeof value === 'string' ? value : (this.bad(field, 'a string') ?? '');
  }

  optionalString(field: string): string | null {
    const value = this.raw[field];
    if (value === undefined || value === null) return null;
    return typeof value === 'string' ? value : this.bad(field, 'a string or null');
  }

  /** Numbers are accepted and kept as text: an employee number of 1042 is the code "1042". */
  code(field: string): string | null {
    const value = this.raw[field];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return this.optionalString(field);
  }

  optionalNumber(field: string): number | null {
    const value = this.raw[field];
    if (value === undefined || value === null) return null;
    return typeof value === 'number' && Number.isFinite(value) ? value : this.bad(field, 'a number or null');
  }

  /** Absent or null reads as `fallback`. */
  flag(field: string, fallback: boolean): boolean {
    const value = this.raw[field];
    if (value === undefined || value === null) return fallback;
    return typeof value === 'boolean' ? value : (this.bad(field, 'a boolean') ?? fallback);
  }

  oneOf<T extends string>(field: string, values: readonly T[], optional: boolean): T | null {
    const value = this.raw[field];
    if (optional && (value === undefined || value === null)) return null;
    // The constant, not the parsed copy: every record then shares it.
    const known = typeof value === 'string' ? (values as readonly string[]).indexOf(value) : -1;
    if (known >= 0) return values[known] as T;
    if (typeof value === 'string') {
      this.problems.push(`${field} '${value.slice(0, 40)}' is not one of ${values.join(', ')}`);
      return null;
    }
    return this.bad(field, `one of ${values.join(', ')}${optional ? ' or null' : ''}`);
  }

  result<T>(value: T): Parsed<T> {
    const id = this.raw.id as string;
    return this.problems.length === 0 ? { ok: true, value } : { ok: false, id, reason: this.problems.join('; ') };
  }
}

function start(raw: unknown, strings?: Strings): Reader | Parsed<never> {
  if (!isObject(raw)) return { ok: false, reason: 'record is not an object' };
  if (typeof raw.id !== 'string' || raw.id === '') return { ok: false, reason: 'record has no id' };
  return new Reader(raw, strings);
}

/** `strings`: one per list, so the employees of a list share repeated values. */
export function toEmployee(raw: unknown, strings?: Strings): Parsed<Employee> {
  const r = start(raw, strings);
  if (!(r instanceof Reader)) return r;
  const updatedAt = normaliseTimestamp((raw as Record<string, unknown>).updatedAt);
  if (updatedAt === undefined) r.problems.push('updatedAt must be an ISO 8601 date-time with a time zone');
  const employee: Employee = {
    id: (raw as { id: string }).id,
    employeeNumber: r.code('employeeNumber'),
    firstName: r.shared('firstName'),
    lastName: r.shared('lastName'),
    preferredName: r.optionalShared('preferredName'),
    workEmail: r.optionalString('workEmail'),
    personalEmail: r.optionalString('personalEmail'),
    mobilePhone: r.code('mobilePhone'),
    workPhone: r.code('workPhone'),
    status: r.oneOf<EmployeeStatus>('status', EMPLOYEE_STATUSES, false) as EmployeeStatus,
    employmentType: r.oneOf<EmploymentType>('employmentType', EMPLOYMENT_TYPES, true),
    payType: r.oneOf<PayType>('payType', PAY_TYPES, true),
    hourlyRate: r.optionalNumber('hourlyRate'),
    hireDate: r.optionalShared('hireDate'),
    terminationDate: r.optionalShared('terminationDate'),
    jobTitle: r.optionalShared('jobTitle'),
    workLocationId: r.optionalShared('workLocationId'),
    departmentId: r.optionalShared('departmentId'),
    managerId: r.optionalShared('managerId'),
    syncToWhenIWork: r.flag('syncToWhenIWork', true),
    updatedAt: updatedAt ?? '',
  };
  return r.result(employee);
}

function toAddress(raw: unknown, r: Reader): Address | null {
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) {
    r.problems.push('address must be an object or null');
    return null;
  }
  const a = new Reader(raw);
  const address: Address = {
    line1: a.optionalString('line1'),
    line2: a.optionalString('line2'),
    city: a.optionalString('city'),
    state: a.optionalString('state'),
    postalCode: a.code('postalCode'),
    country: a.optionalString('country'),
  };
  r.problems.push(...a.problems.map((p) => `address.${p}`));
  return address;
}

export function toLocation(raw: unknown): Parsed<Location> {
  const r = start(raw);
  if (!(r instanceof Reader)) return r;
  const record = raw as Record<string, unknown>;
  return r.result<Location>({
    id: record.id as string,
    name: r.string('name'),
    code: r.code('code'),
    address: toAddress(record.address, r),
    timeZone: r.optionalString('timeZone'),
    isActive: r.flag('isActive', true),
  });
}

export function toDepartment(raw: unknown): Parsed<Department> {
  const r = start(raw);
  if (!(r instanceof Reader)) return r;
  return r.result<Department>({
    id: (raw as { id: string }).id,
    name: r.string('name'),
    code: r.code('code'),
    isActive: r.flag('isActive', true),
  });
}
