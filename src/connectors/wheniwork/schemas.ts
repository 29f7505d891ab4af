/** JSON Schemas shared by several actions, and the small coercions their inputs need. */
import type { JsonSchema } from '../../engine/types.js';
import { UserError } from '../../engine/errors.js';

/** WIW ids are integers; ids read from mappings arrive as strings, so both are accepted. */
export const idSchema: JsonSchema = {
  anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\s*\\d+\\s*$' }],
};

/** Id lists as recipes build them: `["=mappings.location[person.workLocationId]"]` may hold a null. */
export const idListSchema: JsonSchema = {
  type: ['array', 'null'],
  items: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\s*\\d*\\s*$' }, { type: 'null' }] },
};

export const EMPLOYMENT_TYPES = ['hourly', 'hourly_exempt', 'salaried', 'salaried_exempt', 'shareholder'] as const;

export const userSchema: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'integer' },
    account_id: { type: 'integer' },
    role: { type: 'integer' },
    email: { type: ['string', 'null'] },
    first_name: { type: ['string', 'null'] },
    last_name: { type: ['string', 'null'] },
    phone_number: { type: ['string', 'null'] },
    employee_code: { type: ['string', 'null'] },
    locations: { type: 'array', items: { type: 'integer' } },
    positions: { type: 'array', items: { type: 'integer' } },
    hourly_rate: { type: ['number', 'null'] },
    employment_type: { type: ['string', 'null'] },
    activated: { type: 'boolean' },
    is_deleted: { type: 'boolean' },
  },
};

export const locationSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'integer' },
    account_id: { type: 'integer' },
    name: { type: 'string' },
    address: { type: ['string', 'null'] },
    is_deleted: { type: 'boolean' },
  },
};

export const positionSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'integer' },
    account_id: { type: 'integer' },
    name: { type: 'string' },
    color: { type: ['string', 'null'] },
    is_deleted: { type: 'boolean' },
  },
};

export function toId(value: unknown, field = 'id'): number {
  const id = typeof value === 'number' ? value : Number(String(value ?? '').trim());
  if (!Number.isSafeInteger(id) || id < 1 || String(value ?? '').trim() === '') {
    throw new UserError('WIW_BAD_INPUT', `${field} must be a When I Work id (a whole number), got ${JSON.stringify(value)}`);
  }
  return id;
}

/** Drops nulls and empty strings (an unmapped location), keeps each id once. */
export function toIdList(value: readonly unknown[] | null | undefined, field: string): number[] | undefined {
  if (value === null || value === undefined) return undefined;
  const out: number[] = [];
  for (const item of value) {
    if (item === null || item === undefined || String(item).trim() === '') continue;
    const id = toId(item, field);
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** A trimmed string, or undefined for null, absent and blank values ("fields given as null are not sent"). */
export function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}
