/** The user fields create_user and update_user take, and the request body built from them. */
import type { JsonSchema } from '../../../engine/types.js';
import { EMPLOYMENT_TYPES, idListSchema, text, toIdList } from '../schemas.js';

export interface UserFields {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone_number?: string | null;
  employee_code?: string | number | null;
  locations?: (number | string | null)[] | null;
  positions?: (number | string | null)[] | null;
  hourly_rate?: number | null;
  employment_type?: (typeof EMPLOYMENT_TYPES)[number] | null;
  role?: 1 | 2 | 3 | 5 | null;
}

export const userFieldSchemas: Record<keyof UserFields, JsonSchema> = {
  first_name: { type: ['string', 'null'], },
  last_name: { type: ['string', 'null'] },
  email: { type: ['string', 'null'], description: 'Sent trimmed; a blank email is not sent.' },
  phone_number: { type: ['string', 'null'], description: 'Preferably E.164, e.g. +16125550142.' },
  employee_code: { type: ['string', 'number', 'null'], description: 'The employee code: the id a sync keeps for the person.' },
  locations: { ...idListSchema, description: 'WIW location ids; nulls (unmapped) are dropped.' },
  positions: { ...idListSchema, description: 'WIW position ids; nulls (unmapped) are dropped.' },
  hourly_rate: { type: ['number', 'null'], minimum: 0 },
  employment_type: { enum: [...EMPLOYMENT_TYPES, null] },
  role: { enum: [1, 2, 3, 5, null], description: '1 admin, 2 manager, 3 employee, 5 supervisor.' },
};

/** The WIW body for `fields`: null, absent and blank values are left out, ids become integers. */
export function userBody(fields: UserFields): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of ['first_name', 'last_name', 'phone_number', 'employee_code'] as const) {
    const value = text(fields[key]);
    if (value !== undefined) body[key] = value;
  }
  const email = text(fields.email);
  if (email !== undefined) body.email = email;
  const locations = toIdList(fields.locations, 'locations');
  if (locations !== undefined) body.locations = locations;
  const positions = toIdList(fields.positions, 'positions');
  if (positions !== undefined) body.positions = positions;
  if (typeof fields.hourly_rate === 'number') body.hourly_rate = fields.hourly_rate;
  if (fields.employment_type !== null && fields.employment_type !== undefined) body.employment_type = fields.employment_type;
  if (fields.role !== null && fields.role !== undefined) body.role = fields.role;
  return body;
}

export function fullName(fields: { first_name?: unknown; last_name?: unknown }): string {
  return [text(fields.first_name), text(fields.last_name)].filter((s) => s !== undefined).join(' ') || 'the user';
}
