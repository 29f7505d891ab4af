/**
 * JSONata's value semantics for the fast path (fast.ts): arithmetic, comparison, string conversion and
 * truthiness exactly as JSONata defines them, or BAIL where JSONata would throw or needs its sequences.
 */

/** Thrown inside the compiled closures; caught at the top. A plain object, so throwing captures no stack. */
export const BAIL = Object.freeze({ bail: true });

/**
 * JSONata treats an object marked `_jsonata_function`/`_jsonata_lambda: true` as a function (a name lookup on
 * it finds nothing). Reading a missing key walks the prototype chain, slowly on the engine's many-keyed
 * scopes, so plain objects are checked with own-property tests (a polluted Object.prototype is out of scope).
 */
export function isJsonataFunction(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  const marks = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  if (proto !== Object.prototype && proto !== null && proto !== Array.prototype) {
    return marks._jsonata_function === true || marks._jsonata_lambda === true;
  }
  return (Object.hasOwn(value, '_jsonata_function') && marks._jsonata_function === true)
    || (Object.hasOwn(value, '_jsonata_lambda') && marks._jsonata_lambda === true);
}

/** A number operand: undefined, or a finite number (anything else is a JSONata error: T2001/T2002/D1001). */
export function operand(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw BAIL;
  return value;
}

export function arithmetic(l: unknown, r: unknown, op: (a: number, b: number) => number): number | undefined {
  const a = operand(l);
  const b = operand(r);
  if (a === undefined || b === undefined) return undefined;
  const result = op(a, b);
  // JSONata returns Infinity/NaN here and fails only when they are used; let it decide.
  if (!Number.isFinite(result)) throw BAIL;
  return result;
}

export function equality(l: unknown, r: unknown): boolean {
  return l === undefined || r === undefined ? false : isDeepEqual(l, r);
}

export function compare(l: unknown, r: unknown, op: (a: never, b: never) => boolean): boolean | undefined {
  const lt = typeof l;
  const rt = typeof r;
  if ((lt !== 'undefined' && lt !== 'string' && lt !== 'number') || (rt !== 'undefined' && rt !== 'string' && rt !== 'number')) throw BAIL;
  if (lt === 'undefined' || rt === 'undefined') return undefined;
  if (lt !== rt) throw BAIL;
  return op(l as never, r as never);
}

/** JSONata's utils.isDeepEqual, verbatim in behaviour (own property names, including non-enumerable ones). */
export function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs === 'object' && typeof rhs === 'object' && lhs !== null && rhs !== null) {
    if (Array.isArray(lhs) && Array.isArray(rhs)) {
      if (lhs.length !== rhs.length) return false;
      for (let i = 0; i < lhs.length; i++) if (!isDeepEqual(lhs[i], rhs[i])) return false;
      return true;
    }
    const lkeys = Object.getOwnPropertyNames(lhs).sort();
    const rkeys = Object.getOwnPropertyNames(rhs).sort();
    if (lkeys.length !== rkeys.length) return false;
    for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
    for (const key of lkeys) {
      if (!isDeepEqual((lhs as Record<string, unknown>)[key], (rhs as Record<string, unknown>)[key])) return false;
    }
    return true;
  }
  return false;
}

/** `$string` of a scalar, as JSONata writes it; structures and non-finite numbers fall back. */
export function scalarString(value: unknown): string | undefined {
  switch (typeof value) {
    case 'undefined': return undefined;
    case 'string': return value;
    case 'boolean': return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw BAIL;
      // JSONata stringifies non-integers at 15 significant digits (JSON.stringify then matches String()).
      return String(Number.isInteger(value) ? value : Number(value.toPrecision(15)));
    case 'object':
      if (value === null) return 'null';
      throw BAIL;
    default:
      throw BAIL;
  }
}

export function concatPart(value: unknown): string {
  return value === undefined ? '' : scalarString(value)!;
}

/** JSONata's fn.boolean; non-finite numbers (D1001 in JSONata) fall back. */
export function effectiveBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return effectiveBoolean(arg[0]) === true;
    let any = false;
    for (const item of arg) if (effectiveBoolean(item)) any = true;
    return any;
  }
  switch (typeof arg) {
    case 'string': return arg.length > 0;
    case 'number':
      if (Number.isNaN(arg)) return false;
      if (!Number.isFinite(arg)) throw BAIL;
      return arg !== 0;
    case 'boolean': return arg;
    case 'object':
      if (arg === null) return false;
      if (isJsonataFunction(arg)) throw BAIL;
      return Object.keys(arg).length > 0;
    default:
      throw BAIL;
  }
}

export function boolize(value: unknown): boolean {
  return effectiveBoolean(value) === true;
}

/** The value at the end of a path: an array from the data is returned as it is, as JSONata does. */
export function finish(value: unknown): unknown {
  if (typeof value === 'function') throw BAIL;
  if (value !== null && typeof value === 'object') {
    if (isJsonataFunction(value)) throw BAIL;
    if (Array.isArray(value) && (value as { sequence?: unknown }).sequence !== undefined) throw BAIL;
  }
  return value;
}
