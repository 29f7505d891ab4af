/** The built-in functions the fast path (fast.ts) evaluates itself, with JSONata's exact semantics. */
import { FORBIDDEN_NAMES } from './ast.js';
import { BAIL, effectiveBoolean, finish, isJsonataFunction, scalarString } from './fast-values.js';

export interface FastFunction { min: number; max: number; call: (args: unknown[]) => unknown }

function str(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw BAIL;
}

function finiteNumber(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw BAIL;
  return value;
}

function optionalNumber(value: unknown): number | undefined {
  return value === undefined ? undefined : finiteNumber(value);
}

function finiteResult(value: number): number {
  if (!Number.isFinite(value)) throw BAIL;
  return value;
}

function codePoints(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) out.push(ch);
  return out;
}

/** A string to JSONata's `a<s>` parameter: a string is a one-item array; anything but strings falls back. */
function stringArray(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw BAIL;
  for (const item of value) if (typeof item !== 'string') throw BAIL;
  return value as string[];
}

function numberArray(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (!Array.isArray(value)) throw BAIL;
  for (const item of value) if (typeof item !== 'number') throw BAIL;
  return value as number[];
}

/** JSONata's fn.number for the arguments its signature `(nsb)` admits; D3030 and NaN fall back. */
function toNumber(arg: unknown): number | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'number') return finiteNumber(arg);
  if (arg === true) return 1;
  if (arg === false) return 0;
  if (typeof arg !== 'string') throw BAIL;
  if (/^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/.test(arg) && !isNaN(parseFloat(arg)) && isFinite(arg as unknown as number)) {
    return finiteResult(parseFloat(arg));
  }
  // JSONata's own pattern, grouping quirk included.
  if (/^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/.test(arg)) return finiteResult(Number(arg));
  throw BAIL;
}

/** JSONata's fn.round: half to even, with a decimal shift done in the exponent. */
function round(arg: number, precision: number | undefined): number {
  let value = arg;
  if (precision) {
    const parts = value.toString().split('e');
    value = +(parts[0] + 'e' + (parts[1] ? +parts[1] + precision : precision));
  }
  let result = Math.round(value);
  if (Math.abs(result - value) === 0.5 && Math.abs(result % 2) === 1) result -= 1;
  if (precision) {
    const parts = result.toString().split('e');
    result = +(parts[0] + 'e' + (parts[1] ? +parts[1] - precision : -precision));
  }
  if (Object.is(result, -0)) result = 0;
  return finiteResult(result);
}

function substring(text: string, startArg: number, length: number | undefined): string {
  const chars = codePoints(text);
  const start = chars.length + startArg < 0 ? 0 : startArg;
  if (length !== undefined) {
    if (length <= 0) return '';
    const end = start >= 0 ? start + length : chars.length + start + length;
    return chars.slice(start, end).join('');
  }
  return chars.slice(start).join('');
}

/** Built-ins with their exact JSONata behaviour for the argument types handled here; other types fall back. */
export const FUNCTIONS: Record<string, FastFunction> = {
  lowercase: { min: 1, max: 1, call: ([s]) => str(s)?.toLowerCase() },
  uppercase: { min: 1, max: 1, call: ([s]) => str(s)?.toUpperCase() },
  trim: {
    min: 1, max: 1, call: ([s]) => {
      const text = str(s);
      if (text === undefined) return undefined;
      let out = text.replace(/[ \t\n\r]+/gm, ' ');
      if (out.charAt(0) === ' ') out = out.substring(1);
      if (out.charAt(out.length - 1) === ' ') out = out.substring(0, out.length - 1);
      return out;
    },
  },
  length: {
    min: 1, max: 1, call: ([s]) => {
      const text = str(s);
      if (text === undefined) return undefined;
      let n = 0;
      for (const _ of text) n++;
      return n;
    },
  },
  string: { min: 1, max: 1, call: ([v]) => scalarString(v) },
  number: { min: 1, max: 1, call: ([v]) => toNumber(v) },
  substring: {
    min: 2, max: 3, call: ([s, start, length]) => {
      const text = str(s);
      const from = finiteNumber(start);
      const count = optionalNumber(length);
      return text === undefined ? undefined : substring(text, from, count);
    },
  },
  contains: {
    min: 2, max: 2, call: ([s, token]) => {
      const text = str(s);
      const part = str(token);
      return text === undefined || part === undefined ? undefined : text.indexOf(part) !== -1;
    },
  },
  exists: { min: 1, max: 1, call: ([v]) => v !== undefined },
  boolean: { min: 1, max: 1, call: ([v]) => effectiveBoolean(v) },
  not: { min: 1, max: 1, call: ([v]) => (v === undefined ? undefined : !effectiveBoolean(v)) },
  count: { min: 1, max: 1, call: ([v]) => (v === undefined ? 0 : Array.isArray(v) ? v.length : 1) },
  lookup: {
    min: 2, max: 2, call: ([target, key]) => {
      if (typeof key !== 'string' || Array.isArray(target) || typeof target === 'function') throw BAIL;
      if (target === null || typeof target !== 'object' || FORBIDDEN_NAMES.has(key)) return undefined;
      if (isJsonataFunction(target)) throw BAIL;
      return Object.hasOwn(target, key) ? finish((target as Record<string, unknown>)[key]) : undefined;
    },
  },
  join: {
    min: 1, max: 2, call: ([list, separator]) => {
      const sep = str(separator);
      return list === undefined ? undefined : stringArray(list).join(sep ?? '');
    },
  },
  abs: { min: 1, max: 1, call: ([n]) => { const v = optionalNumber(n); return v === undefined ? undefined : Math.abs(v); } },
  floor: { min: 1, max: 1, call: ([n]) => { const v = optionalNumber(n); return v === undefined ? undefined : Math.floor(v); } },
  round: {
    min: 1, max: 2, call: ([n, precision]) => {
      const v = optionalNumber(n);
      const p = optionalNumber(precision);
      return v === undefined ? undefined : round(v, p);
    },
  },
  sum: {
    min: 1, max: 1, call: ([list]) => {
      if (list === undefined) return undefined;
      let total = 0;
      for (const n of numberArray(list)) total += n;
      return finiteResult(total);
    },
  },
};
