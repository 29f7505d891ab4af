/** The GoCo connector's actions: read-only lists and look-ups. */
import { isRecipeError } from '../../engine/errors.js';
import type { ActionContext, ActionDef } from '../../engine/types.js';
import type { GocoClient } from './client.js';
import { collect } from './collect.js';
import { badInput, badRecord } from './errors.js';
import {
  departmentSchema, employeeSchema, listSchema, locationSchema, type Department, type Employee, type ListResult,
  type Location,
} from './model.js';
import { walkByOffset, walkByUpdate, type FetchPage } from './pager.js';
import { normaliseTimestamp, Strings, toDepartment, toEmployee, toLocation, type Collection, type Parsed } from './wire.js';

type Ctx = ActionContext<GocoClient>;

export function pageFetcher(collection: Collection, ctx: Ctx): FetchPage {
  return (request) => ctx.connection.page(collection, request, ctx.signal);
}

/** An ISO 8601 date-time input, normalised; GOCO_BAD_INPUT otherwise. */
export function timestampInput(field: string, value: string): string {
  const normalised = normaliseTimestamp(value);
  if (normalised === undefined) throw badInput(field, `must be an ISO 8601 date-time with a time zone, e.g. 2026-05-01T00:00:00Z`);
  return normalised;
}

const timestampSchema = { type: 'string', minLength: 1, description: 'ISO 8601 date-time with a time zone, e.g. 2026-05-01T00:00:00Z.' };

export interface ListEmployeesInput {
  updated_since?: string;
  include_terminated?: boolean;
}

const listEmployees: ActionDef<ListEmployeesInput, ListResult<Employee>, GocoClient> = {
  title: 'List employees',
  description: 'Every GoCo employee (or those changed since a time), read page by page. Records GoCo sends in an unusable shape are left out and listed in `invalid`.',
  input: {
    type: 'object',
    additionalProperties: false,
    properties: {
      updated_since: { ...timestampSchema, description: 'Only employees changed at or after this time (ISO 8601 with a time zone).' },
      include_terminated: { type: 'boolean', default: true, description: 'Include employees whose status is terminated.' },
    },
  },
  output: listSchema(employeeSchema),
  async run(input, ctx) {
    const since = input.updated_since === undefined ? undefined : timestampInput('updated_since', input.updated_since);
    const { pageSize } = ctx.connection.settings;
    const fetch = pageFetcher('employees', ctx);
    const chunks = since === undefined
      ? walkByOffset(fetch, pageSize, 'list employees')
      : walkByUpdate(fetch, { pageSize, since, what: 'list employees' });
    const includeTerminated = input.include_terminated ?? true;
    const strings = new Strings();
    return collect(chunks, {
      parse: (raw) => toEmployee(raw, strings),
      idOf: (e) => e.id,
      noun: 'employee',
      ...(includeTerminated ? {} : { keep: (e: Employee) => e.status !== 'terminated' }),
    }, ctx);
  },
};

const getEmployee: ActionDef<{ id: string; missing_ok?: boolean }, Employee | null, GocoClient> = {
  title: 'Get employee',
  description: 'One GoCo employee by id, as GoCo has it now; fails with GOCO_NOT_FOUND when there is none (or gives null with missing_ok).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: {
      id: { type: 'string', minLength: 1, description: 'The GoCo employee id (a UUID).' },
      missing_ok: { type: 'boolean', default: false, description: 'Give null instead of failing when GoCo has no such employee (any more).' },
    },
  },
  output: { anyOf: [employeeSchema, { type: 'null' }] },
  async run(input, ctx) {
    if (typeof input.id !== 'string' || input.id.trim() === '') throw badInput('id', 'must be a non-empty string');
    let raw: unknown;
    try {
      raw = await ctx.connection.employee(input.id, ctx.signal);
    } catch (error) {
      if (input.missing_ok === true && isRecipeError(error, 'GOCO_NOT_FOUND')) return null;
      throw error;
    }
    const parsed = toEmployee(raw);
    if (!parsed.ok) throw badRecord('employee', input.id, parsed.reason);
    return parsed.value;
  },
};

function simpleList<T extends { id: string }>(collection: Collection, noun: string, title: string,
  parse: (raw: unknown) => Parsed<T>, item: Record<string, unknown>): ActionDef<Record<string, never>, ListResult<T>, GocoClient> {
  return {
    title,
    description: `Every GoCo ${noun}, read page by page; unusable records are listed in \`invalid\`.`,
    input: { type: 'object', additionalProperties: false, properties: {} },
    output: listSchema(item),
    run(_input, ctx) {
      const chunks = walkByOffset(pageFetcher(collection, ctx), ctx.connection.settings.pageSize, `list ${collection}`);
      return collect(chunks, { parse, idOf: (v) => v.id, noun }, ctx);
    },
  };
}

export const actions = {
  list_employees: listEmployees,
  get_employee: getEmployee,
  list_locations: simpleList<Location>('locations', 'location', 'List locations', toLocation, locationSchema),
  list_departments: simpleList<Department>('departments', 'department', 'List departments', toDepartment, departmentSchema),
} satisfies Record<string, ActionDef<any, any, GocoClient>>;
