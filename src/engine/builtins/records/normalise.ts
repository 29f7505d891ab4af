/**
 * The normalisers records.match and records.diff compare with. Each turns a raw value into a comparable
 * string, or undefined when there is nothing to compare (missing, blank, an invalid phone).
 */
import { normalizePhone } from './phone.js';

export const NORMALISERS = ['exact', 'text', 'code', 'email', 'phone', 'name'] as const;
export type NormaliserName = (typeof NORMALISERS)[number];

export type Normaliser = (raw: unknown) => string | undefined;

function text(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return undefined;
}

/** exact: the value as a string (numbers too), unchanged; blank is nothing. */
export function exact(raw: unknown): string | undefined {
  const s = text(raw);
  return s === undefined || s.trim() === '' ? undefined : s;
}

/** text: trimmed; blank is nothing. */
export function trimmed(raw: unknown): string | undefined {
  const s = text(raw)?.trim();
  return s === undefined || s === '' ? undefined : s;
}

/** code: trimmed, case-folded ("e12" and " E12" are one employee code). */
export function code(raw: unknown): string | undefined {
  const s = text(raw)?.trim().toLowerCase();
  return s === undefined || s === '' ? undefined : s;
}

/** email: trimmed, case-folded. */
export const email = code;

/** name: NFC, trimmed, case-folded, inner whitespace collapsed. */
export function name(raw: unknown): string | undefined {
  const s = text(raw)?.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  return s === undefined || s === '' ? undefined : s;
}

export function normaliser(kind: NormaliserName, region = 'US'): Normaliser {
  switch (kind) {
    case 'exact': return exact;
    case 'text': return trimmed;
    case 'code': return code;
    case 'email': return email;
    case 'name': return name;
    case 'phone': return (raw) => (typeof raw === 'string' || typeof raw === 'number' ? normalizePhone(raw, region) : undefined);
  }
}
