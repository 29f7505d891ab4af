/**
 * Reading request bodies the way the emulator's (invented) validation works: wrong types are 400s with a
 * message naming the field; unknown fields are ignored, as WIW's PHP API ignores them.
 */
import type { EmulatorRequest } from '../shared/http.js';
import { invalidField, WIW_CODES, wiwError } from './errors.js';

export type Body = Record<string, unknown>;

export function bodyObject(req: EmulatorRequest): Body {
  const b = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw wiwError(400, WIW_CODES.INVALID_BODY, 'The request body must be a JSON object.');
  }
  return b as Body;
}

/** A string field; null clears it to ''. Undefined when absent. */
export function optString(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (v === null) return '';
  if (typeof v !== 'string') throw invalidField(`The ${key} field must be a string.`);
  return v;
}

/** A required, non-blank string field. */
export function reqString(body: Body, key: string, label = key): string {
  const v = optString(body, key);
  if (v === undefined || v.trim() === '') throw invalidField(`The ${label} field is required.`);
  return v;
}

export function optNumber(body: Body, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalidField(`The ${key} field must be a non-negative number.`);
  return v;
}

export function optBool(body: Body, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidField(`The ${key} field must be true or false.`);
  return v;
}

export function optEnum<T extends string | number>(body: Body, key: string, allowed: readonly T[]): T | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!allowed.includes(v as T)) throw invalidField(`The ${key} field must be one of ${allowed.join(', ')}.`);
  return v as T;
}

/** An array of ids that must all be keys of `known` (the account's non-deleted locations or positions). */
export function optIdList(body: Body, key: string, known: (id: number) => boolean): number[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) throw invalidField(`The ${key} field must be an array of integer ids.`);
  const unknown = (v as number[]).filter((id) => !known(id));
  if (unknown.length > 0) {
    throw wiwError(400, WIW_CODES.UNKNOWN_REFERENCE, `Unknown ${key} id(s) for this account: ${unknown.join(', ')}.`);
  }
  return [...new Set(v as number[])];
}

/** `a,b,c` query lists of integers; non-numeric parts are ignored. */
export function queryIds(value: string | null): number[] | undefined {
  if (value === null || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n));
}

/** Query booleans: "true"/"1" are true, "false"/"0" false; absent gives the default. */
export function queryBool(value: string | null, fallback: boolean): boolean {
  if (value === null) return fallback;
  return value === 'true' || value === '1';
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(email: string): void {
  if (email !== '' && !EMAIL_SHAPE.test(email.trim())) throw invalidField('The email field must be a valid email address.');
}

/** Any formatting is accepted and stored as sent; it must hold 7 to 15 digits (the E.164 range). */
export function checkPhone(phone: string): void {
  if (phone === '') return;
  const digits = phone.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15 || /[^0-9+()\-.\s]/.test(phone)) {
    throw invalidField('The phone_number field must be a valid phone number.');
  }
}
