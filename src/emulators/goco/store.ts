/**
 * The GoCo emulator's data: employees, locations and departments in memory, the mutations HR makes, and the
 * paginated reads the API serves. Every employee change takes a fresh stamp from one monotonic clock.
 *
 * Read order (the contract the connector may rely on):
 * - without `updatedSince`: by `id` ascending (plain string order);
 * - with `updatedSince`: records with `updatedAt >= updatedSince` (inclusive, so a `(updatedAt, id)` cursor
 *   loses nothing to ties), by `updatedAt` ascending then `id` ascending.
 * Pages are cut from the live data at each request, as offset APIs do: a change between two page requests can
 * shift records across a page boundary (one skipped or seen twice). Sorted views are cached and rebuilt lazily
 * after a change, so paging through 100,000 employees costs one sort, not one per page.
 */
import { createRng, type Rng } from '../shared/rng.js';
import { GocoApiError, notFound } from './errors.js';
import { MonotonicClock, uuidFrom } from './ids.js';
import type {
  DepartmentInput,
  DepartmentPatch,
  EmployeePatch,
  GocoDepartment,
  GocoEmployee,
  GocoLocation,
  GocoSeed,
  HireInput,
  LocationInput,
  LocationPatch,
} from './types.js';

export interface PageQuery {
  limit: number;
  offset: number;
  /** ISO 8601; employees only. */
  updatedSince?: string;
}

export interface Page<T> {
  data: T[];
  pagination: { limit: number; offset: number; total: number };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byUpdated = (a: GocoEmployee, b: GocoEmployee) =>
  a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : byId(a, b);

/** Collection with lazily rebuilt sorted views. */
class Table<T extends { id: string }> {
  readonly rows = new Map<string, T>();
  private sortedById: T[] | null = null;

  changed(): void {
    this.sortedById = null;
  }

  ordered(): T[] {
    this.sortedById ??= [...this.rows.values()].sort(byId);
    return this.sortedById;
  }
}

function page<T>(rows: T[], start: number, query: PageQuery): Page<T> {
  const from = start + query.offset;
  return {
    data: rows.slice(from, from + query.limit),
    pagination: { limit: query.limit, offset: query.offset, total: rows.length - start },
  };
}

export class GocoStore {
  private readonly employees = new Table<GocoEmployee>();
  private readonly locations = new Table<GocoLocation>();
  private readonly departments = new Table<GocoDepartment>();
  private employeesByUpdate: GocoEmployee[] | null = null;
  private readonly clock = new MonotonicClock();
  /** Ids of hires and additions: seeded so a scripted scenario gives the same ids every run. */
  private readonly idRng: Rng;

  constructor(seed: GocoSeed, idSeed = 0x60c0) {
    this.idRng = createRng(idSeed);
    for (const l of seed.locations) this.locations.rows.set(l.id, structuredClone(l));
    for (const d of seed.departments) this.departments.rows.set(d.id, structuredClone(d));
    for (const e of seed.employees) {
      // One stamp format everywhere, so stamps order as strings.
      const copy = { ...structuredClone(e), updatedAt: new Date(e.updatedAt).toISOString() };
      this.employees.rows.set(e.id, copy);
      this.clock.observe(copy.updatedAt);
    }
  }

  // ---- reads ----

  listEmployees(query: PageQuery): Page<GocoEmployee> {
    if (query.updatedSince === undefined) return page(this.employees.ordered(), 0, query);
    this.employeesByUpdate ??= [...this.employees.rows.values()].sort(byUpdated);
    const rows = this.employeesByUpdate;
    const since = new Date(query.updatedSince).toISOString();
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((rows[mid] as GocoEmployee).updatedAt < since) lo = mid + 1;
      else hi = mid;
    }
    return page(rows, lo, query);
  }

  listLocations(query: PageQuery): Page<GocoLocation> {
    return page(this.locations.ordered(), 0, query);
  }

  listDepartments(query: PageQuery): Page<GocoDepartment> {
    return page(this.departments.ordered(), 0, query);
  }

  employee(id: string): GocoEmployee {
    const found = this.employees.rows.get(id);
    if (!found) throw notFound('employee', id);
    return found;
  }

  location(id: string): GocoLocation {
    const found = this.locations.rows.get(id);
    if (!found) throw notFound('location', id);
    return found;
  }

  department(id: string): GocoDepartment {
    const found = this.departments.rows.get(id);
    if (!found) throw notFound('department', id);
    return found;
  }

  /** A deep copy of everything, in id order: safe to keep while the store changes. */
  snapshot(): GocoSeed {
    return structuredClone({
      employees: this.employees.ordered(),
      locations: this.locations.ordered(),
      departments: this.departments.ordered(),
    });
  }

  // ---- employee mutations (each bumps updatedAt) ----

  /**
   * Adds an employee. Defaults: status `active`, `full_time`, `hourly`, hire date today, `employeeNumber` one
   * past the highest numeric number in use (pass `employeeNumber: null` for none), other fields null.
   */
  hire(input: HireInput): GocoEmployee {
    const id = input.id ?? uuidFrom(this.idRng);
    if (this.employees.rows.has(id)) throw new GocoApiError(409, 'conflict', `employee '${id}' already exists`);
    const employee: GocoEmployee = {
      id,
      employeeNumber: input.employeeNumber === undefined ? this.nextEmployeeNumber() : input.employeeNumber,
      firstName: input.firstName,
      lastName: input.lastName,
      preferredName: null,
      workEmail: null,
      personalEmail: null,
      mobilePhone: null,
      workPhone: null,
      status: 'active',
      employmentType: 'full_time',
      payType: 'hourly',
      hourlyRate: null,
      hireDate: this.clock.today(),
      terminationDate: null,
      jobTitle: null,
      workLocationId: null,
      departmentId: null,
      managerId: null,
      updatedAt: '',
    };
    return this.applyEmployee(employee, { ...input, id: undefined } as EmployeePatch, true);
  }

  updateEmployee(id: string, patch: EmployeePatch): GocoEmployee {
    return this.applyEmployee(this.employee(id), patch, false);
  }

  /** Sets status `terminated` and the termination date (default today); 409 when already terminated. */
  terminate(id: string, date?: string): GocoEmployee {
    const employee = this.employee(id);
    if (employee.status === 'terminated') throw new GocoApiError(409, 'conflict', `employee '${id}' is already terminated`);
    return this.applyEmployee(employee, { status: 'terminated', terminationDate: date ?? this.clock.today() }, false);
  }

  /** Brings a terminated employee back (same id): status `active`, new hire date, no termination date. */
  rehire(id: string, date?: string): GocoEmployee {
    const employee = this.employee(id);
    if (employee.status !== 'terminated') throw new GocoApiError(409, 'conflict', `employee '${id}' is not terminated`);
    return this.applyEmployee(employee, { status: 'active', terminationDate: null, hireDate: date ?? this.clock.today() }, false);
  }

  // ---- location and department mutations ----

  addLocation(input: LocationInput): GocoLocation {
    const id = input.id ?? uuidFrom(this.idRng);
    if (this.locations.rows.has(id)) throw new GocoApiError(409, 'conflict', `location '${id}' already exists`);
    const location: GocoLocation = { ...structuredClone(input), id, isActive: input.isActive ?? true };
    this.locations.rows.set(id, location);
    this.locations.changed();
    return location;
  }

  updateLocation(id: string, patch: LocationPatch): GocoLocation {
    const location = this.location(id);
    Object.assign(location, structuredClone({ ...patch, id }));
    this.locations.changed();
    return location;
  }

  addDepartment(input: DepartmentInput): GocoDepartment {
    const id = input.id ?? uuidFrom(this.idRng);
    if (this.departments.rows.has(id)) throw new GocoApiError(409, 'conflict', `department '${id}' already exists`);
    const department: GocoDepartment = { ...input, id, isActive: input.isActive ?? true };
    this.departments.rows.set(id, department);
    this.departments.changed();
    return department;
  }

  updateDepartment(id: string, patch: DepartmentPatch): GocoDepartment {
    const department = this.department(id);
    Object.assign(department, { ...patch, id });
    this.departments.changed();
    return department;
  }

  // ---- internals ----

  private applyEmployee(employee: GocoEmployee, patch: EmployeePatch, isNew: boolean): GocoEmployee {
    this.checkReferences(patch);
    const { syncToWhenIWork, ...rest } = patch;
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined) (employee as unknown as Record<string, unknown>)[key] = value;
    }
    if (syncToWhenIWork === null) delete employee.syncToWhenIWork;
    else if (syncToWhenIWork !== undefined) employee.syncToWhenIWork = syncToWhenIWork;
    employee.updatedAt = this.clock.next();
    if (isNew) {
      this.employees.rows.set(employee.id, employee);
      this.employees.changed();
    }
    this.employeesByUpdate = null;
    return employee;
  }

  /** HR cannot point an employee at a location, department or manager that does not exist. */
  private checkReferences(patch: EmployeePatch): void {
    const refs: Array<[string | null | undefined, Map<string, unknown>, string]> = [
      [patch.workLocationId, this.locations.rows, 'workLocationId'],
      [patch.departmentId, this.departments.rows, 'departmentId'],
      [patch.managerId, this.employees.rows, 'managerId'],
    ];
    for (const [value, table, field] of refs) {
      if (typeof value === 'string' && !table.has(value)) {
        throw new GocoApiError(400, 'unknown_reference', `${field} '${value}' does not exist`);
      }
    }
  }

  private nextEmployeeNumber(): string {
    let max = 0;
    for (const e of this.employees.rows.values()) {
      const n = e.employeeNumber !== null && /^\d+$/.test(e.employeeNumber) ? Number(e.employeeNumber) : 0;
      if (n > max) max = n;
    }
    return String(max + 1);
  }
}
