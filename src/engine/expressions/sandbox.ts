import { FORBIDDEN_NAMES } from './ast.js';
import { ExpressionError } from './errors.js';

/**
 * Replacements for the JSONata built-ins that touch object keys, bound on every compiled expression.
 * JSONata 2.x already reads properties with hasOwnProperty and skips function values; these close the
 * remaining gaps: forbidden keys at run time (`$lookup($, 'con' & 'structor')`), function internals
 * (`$spread($string)` exposes a JavaScript closure), `$eval` (parses text after our checks ran), and
 * `$clone` (used by transforms `| a | {...} |`: JSONata's clone builds ordinary objects, on which a computed
 * `__proto__` key would replace the prototype; ours builds prototype-less ones). `$pad` and `$distinct` are
 * replaced for cost: one call runs outside the step and time limits, so its work must be bounded.
 */

export type Sequence = unknown[] & { sequence?: boolean };

/** JSONata's function values: its built-ins, lambdas, and JavaScript functions. */
export function isFunctionLike(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  const marks = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return marks._jsonata_function === true || marks._jsonata_lambda === true;
}

function sequence(): Sequence {
  const out: Sequence = [];
  // JSONata unwraps one-element sequences; this flag is how it recognises one.
  out.sequence = true;
  return out;
}

function isReadable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !isFunctionLike(value);
}

/** `$lookup(object, key)`: own properties only, never a forbidden key; arrays are mapped like a path step. */
export function safeLookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const out = sequence();
    for (const item of input) {
      const found = safeLookup(item, key);
      if (found === undefined) continue;
      if (Array.isArray(found)) out.push(...found);
      else out.push(found);
    }
    return out;
  }
  if (!isReadable(input) || FORBIDDEN_NAMES.has(key) || !Object.hasOwn(input, key)) return undefined;
  return input[key];
}

/** `$spread(object)`: one single-key object per own key; function values are not objects. */
export function safeSpread(input: unknown): unknown {
  if (isFunctionLike(input)) return undefined;
  if (Array.isArray(input)) {
    const out = sequence();
    for (const item of input) {
      const spread = safeSpread(item);
      if (Array.isArray(spread)) out.push(...spread);
      else if (spread !== undefined) out.push(spread);
    }
    return out;
  }
  if (!isReadable(input)) return input;
  const out = sequence();
  for (const key of Object.keys(input)) {
    if (FORBIDDEN_NAMES.has(key)) continue;
    const one: Record<string, unknown> = Object.create(null);
    one[key] = input[key];
    out.push(one);
  }
  return out;
}

/** `$clone(value)`: a deep copy made of prototype-less objects and plain arrays; functions are dropped. */
export function safeClone(input: unknown): unknown {
  const active = new Set<object>();
  const copy = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
    if (isFunctionLike(value)) return undefined;
    if (active.has(value)) {
      throw new ExpressionError('EXPRESSION_FAILED', 'cannot copy a value that contains itself', {});
    }
    active.add(value);
    let out: unknown;
    if (Array.isArray(value)) {
      out = value.map(copy);
    } else {
      const object: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(value)) {
        const item = copy((value as Record<string, unknown>)[key]);
        if (item !== undefined && !FORBIDDEN_NAMES.has(key)) object[key] = item;
      }
      out = object;
    }
    active.delete(value);
    return out;
  };
  return copy(input);
}

/** The longest string `$pad` may build: a padded field is short; a billion-character one would stall the process. */
export const MAX_PAD_WIDTH = 1_000_000;

/** `$pad(str, width, char)`: JSONata's, with the width bounded (its own builds any width in one call, outside the limits). */
export function safePad(str: string | undefined, width: number, char?: string): string | undefined {
  if (str === undefined) return undefined;
  const w = Math.trunc(width);
  if (!(Math.abs(w) <= MAX_PAD_WIDTH)) {
    throw new ExpressionError('EXPRESSION_LIMIT', `$pad was asked for a width above ${MAX_PAD_WIDTH}`, { limit: 'size' });
  }
  const fill = char === undefined || char.length === 0 ? ' ' : char;
  const padLength = Math.abs(w) - [...str].length;
  if (padLength <= 0) return str;
  const padding = [...fill.repeat(padLength)].slice(0, padLength).join('');
  return w > 0 ? str + padding : padding + str;
}

/** A text equal for exactly the values JSONata's deep equality calls equal (keys in any order); undefined for functions. */
function distinctKey(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : `${typeof value}:${String(value)}`;
  if (isFunctionLike(value)) return undefined;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const k = distinctKey(item);
      if (k === undefined) return undefined;
      parts.push(JSON.stringify(k));
    }
    return `[${parts.join(',')}]`;
  }
  for (const key of Object.keys(value).sort()) {
    const k = distinctKey((value as Record<string, unknown>)[key]);
    if (k === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(k)}`);
  }
  return `{${parts.join(',')}}`;
}

/** `$distinct(array)`: JSONata's compares each item with every one kept (minutes for 100,000 items); this hashes. */
export function safeDistinct(input: unknown): unknown {
  if (!Array.isArray(input) || input.length <= 1) return input;
  const out: Sequence = (input as Sequence).sequence === true ? sequence() : [];
  const seen = new Set<string>();
  for (const item of input) {
    const key = distinctKey(item);
    if (key !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(item);
  }
  return out;
}

/** `$eval` is removed: its text would be parsed after the compile-time checks. The AST check reports it first. */
export function disabledEval(): never {
  throw new ExpressionError('EXPRESSION_INVALID', 'the function $eval is not available in recipes', {});
}

export interface FunctionOverride {
  name: string;
  implementation: (...args: never[]) => unknown;
  signature: string;
}

/** Signatures copied from JSONata's own definitions, so argument checking is unchanged. */
export const SANDBOX_FUNCTIONS: readonly FunctionOverride[] = [
  { name: 'lookup', implementation: safeLookup, signature: '<x-s:x>' },
  { name: 'spread', implementation: safeSpread, signature: '<x-:a<o>>' },
  { name: 'clone', implementation: safeClone, signature: '<(oa)-:o>' },
  { name: 'eval', implementation: disabledEval, signature: '<sx?:x>' },
  { name: 'pad', implementation: safePad, signature: '<s-ns?:s>' },
  { name: 'distinct', implementation: safeDistinct, signature: '<x:x>' },
];

/**
 * Turns a JSONata result into plain data: sequences become plain arrays, prototype-less objects become
 * plain objects without forbidden keys, function values become undefined. Values that came from the scope
 * unchanged are returned as they are (copy on write), so a large untouched subtree costs a walk, not a copy.
 */
export function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (isFunctionLike(value)) return undefined;
  if (Array.isArray(value)) return plainArray(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== null && proto !== Object.prototype) return value; // Date, Buffer... from the scope
  const source = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined = proto === null ? {} : undefined;
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = source[key];
    const plain = toPlain(item);
    if (out === undefined && plain !== item) {
      out = {};
      for (let j = 0; j < i; j++) {
        const earlier = keys[j]!;
        if (!FORBIDDEN_NAMES.has(earlier)) out[earlier] = source[earlier];
      }
    }
    if (out !== undefined && plain !== undefined && !FORBIDDEN_NAMES.has(key)) out[key] = plain;
  }
  return out ?? value;
}

function plainArray(value: unknown[]): unknown[] {
  const marked = value as Sequence & { keepSingleton?: unknown; outerWrapper?: unknown; tupleStream?: unknown };
  const internal = marked.sequence !== undefined || marked.keepSingleton !== undefined
    || marked.outerWrapper !== undefined || marked.tupleStream !== undefined;
  let out: unknown[] | undefined = internal ? [] : undefined;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const plain = toPlain(item);
    if (out === undefined && plain !== item) out = value.slice(0, i);
    out?.push(plain);
  }
  return out ?? value;
}
