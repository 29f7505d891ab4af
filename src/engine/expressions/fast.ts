import type { AstNode } from './ast.js';
import type { ExpressionLimits } from './limits.js';
import { FORBIDDEN_NAMES } from './ast.js';
import { toPlain } from './sandbox.js';

/**
 * A synchronous evaluator for a safe subset of JSONata (no eval, no `new Function`: the AST is compiled into
 * closures). Its contract is exactness: for every scope, a fast evaluator either returns exactly what JSONata
 * returns (after compile.ts's toPlain), or returns FALLBACK and compile.ts asks JSONata. It never reports an
 * error itself: any value that would make JSONata throw (T2001, T2009, T0410, D1001...) or that needs
 * JSONata's sequence semantics (a path that meets an array halfway) makes it fall back, so error codes,
 * messages and positions are JSONata's own.
 *
 * The subset: paths of plain names (own properties only), string/number/true/false/null literals,
 * `+ - * / %`, `&`, `= != < <= > >=`, `and`/`or`, unary minus, `? :`, blocks, array constructors, object
 * constructors with literal keys, and the built-ins in FUNCTIONS with exactly the argument counts listed.
 * Everything else (variables, predicates, wildcards, lambdas, regexes, `~>`, `in`, `..`, sorting, grouping,
 * transforms, custom functions) is not eligible: compileFast returns undefined.
 *
 * Limits: the subset has no loops, recursion or variables, so one evaluation visits each AST node at most
 * once. Eligibility is capped so that an expression visits at most half of maxSteps, nests at most half
 * as deep as maxDepth, and visits fewer than 128 nodes (JSONata only reads the clock every 256 steps), so
 * JSONata would never have hit a step, depth or time limit on it either.
 */

export type FastScope = Record<string, unknown>;
/** Returns the result, or FALLBACK when JSONata must evaluate this scope. Never throws for data reasons. */
export type FastEvaluator = (scope: FastScope) => unknown;

export const FALLBACK: unique symbol = Symbol('fast-path-fallback');

/** Thrown inside the compiled closures; caught at the top. A plain object, so throwing captures no stack. */
const BAIL = Object.freeze({ bail: true });
type Compiled = (scope: FastScope) => unknown;

const MAX_NODES = 120;

interface Budget { nodes: number; maxNodes: number; maxDepth: number }

/** Compiles an eligible expression; undefined when the AST is outside the subset (or too large for the limits). */
export function compileFast(ast: AstNode, limits: Required<ExpressionLimits>): FastEvaluator | undefined {
  const budget: Budget = {
    nodes: 0,
    maxNodes: Math.min(MAX_NODES, Math.floor(limits.maxSteps / 2)),
    maxDepth: Math.floor(limits.maxDepth / 2),
  };
  const root = build(ast, 1, budget);
  if (root === undefined) return undefined;
  return (scope) => {
    let result: unknown;
    try {
      result = root(scope);
    } catch (error) {
      if (error === BAIL) return FALLBACK;
      throw error;
    }
    return result !== null && typeof result === 'object' ? toPlain(result) : result;
  };
}

/** Own keys each node type may carry; anything else (predicate, stages, group, keepArray, focus...) is not eligible. */
const ALLOWED_KEYS: Record<string, ReadonlySet<string>> = {
  path: new Set(['type', 'steps']),
  name: new Set(['type', 'value', 'position']),
  string: new Set(['type', 'value', 'position']),
  number: new Set(['type', 'value', 'position']),
  value: new Set(['type', 'value', 'position']),
  binary: new Set(['type', 'value', 'position', 'lhs', 'rhs']),
  unary: new Set(['type', 'value', 'position', 'expression', 'expressions', 'lhs']),
  block: new Set(['type', 'position', 'expressions']),
  condition: new Set(['type', 'position', 'condition', 'then', 'else']),
  function: new Set(['type', 'value', 'position', 'arguments', 'procedure']),
  variable: new Set(['type', 'value', 'position']),
};

function hasOnlyKeys(node: AstNode): boolean {
  const allowed = ALLOWED_KEYS[node.type];
  if (allowed === undefined) return false;
  // JSONata leaves some keys present but undefined (a function node's `name`): only set keys count.
  for (const key of Object.keys(node)) {
    if (!allowed.has(key) && (node as unknown as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}

function build(node: AstNode | undefined, depth: number, budget: Budget): Compiled | undefined {
  if (node === undefined || typeof node !== 'object' || !hasOnlyKeys(node)) return undefined;
  budget.nodes += 1;
  if (budget.nodes > budget.maxNodes || depth > budget.maxDepth) return undefined;
  switch (node.type) {
    case 'string':
      return typeof node.value === 'string' ? constant(node.value) : undefined;
    case 'number':
      return typeof node.value === 'number' && Number.isFinite(node.value) ? constant(node.value) : undefined;
    case 'value':
      return node.value === true || node.value === false || node.value === null ? constant(node.value) : undefined;
    case 'path':
      return buildPath(node, depth, budget);
    case 'binary':
      return buildBinary(node, depth, budget);
    case 'unary':
      return buildUnary(node, depth, budget);
    case 'block':
      return buildBlock(node, depth, budget);
    case 'condition':
      return buildCondition(node, depth, budget);
    case 'function':
      return buildCall(node, depth, budget);
    default:
      return undefined;
  }
}

function constant(value: unknown): Compiled {
  return () => value;
}

function buildAll(nodes: AstNode[] | undefined, depth: number, budget: Budget): Compiled[] | undefined {
  if (!Array.isArray(nodes)) return undefined;
  const out: Compiled[] = [];
  for (const n of nodes) {
    const c = build(n, depth, budget);
    if (c === undefined) return undefined;
    out.push(c);
  }
  return out;
}

function buildPath(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  const steps = node.steps;
  if (!Array.isArray(steps) || steps.length === 0) return undefined;
  const names: string[] = [];
  for (const step of steps) {
    if (step.type !== 'name' || !hasOnlyKeys(step) || typeof step.value !== 'string') return undefined;
    names.push(step.value);
  }
  budget.nodes += names.length;
  if (budget.nodes > budget.maxNodes || depth + 1 > budget.maxDepth) return undefined;
  if (names.length === 1) {
    const only = names[0]!;
    return (scope) => finish(step(scope, only));
  }
  if (names.length === 2) {
    const [first, second] = names as [string, string];
    return (scope) => {
      const mid = step(scope, first);
      return mid === undefined ? undefined : finish(step(through(mid), second));
    };
  }
  return (scope) => {
    let current: unknown = scope;
    for (let i = 0; i < names.length; i++) {
      if (i > 0) {
        if (current === undefined) return undefined;
        current = through(current);
      }
      current = step(current, names[i]!);
    }
    return finish(current);
  };
}

/** JSONata's lookup of one name on one non-array value: own properties of objects only. */
function step(input: unknown, name: string): unknown {
  if (input === null || typeof input !== 'object') return undefined;
  if (isJsonataFunction(input)) throw BAIL;
  return Object.hasOwn(input, name) ? (input as Record<string, unknown>)[name] : undefined;
}

/** A value a further step reads from: an array would be mapped over (JSONata's flattening), so fall back. */
function through(value: unknown): unknown {
  if (Array.isArray(value) || typeof value === 'function') throw BAIL;
  return value;
}

/** The value at the end of a path: an array from the data is returned as it is, as JSONata does. */
function finish(value: unknown): unknown {
  if (typeof value === 'function') throw BAIL;
  if (value !== null && typeof value === 'object') {
    if (isJsonataFunction(value)) throw BAIL;
    if (Array.isArray(value) && (value as { sequence?: unknown }).sequence !== undefined) throw BAIL;
  }
  return value;
}

/**
 * JSONata treats an object marked `_jsonata_function`/`_jsonata_lambda: true` as a function (a name lookup on
 * it finds nothing). Reading a missing key walks the prototype chain, slowly on the engine's many-keyed
 * scopes, so plain objects are checked with own-property tests (a polluted Object.prototype is out of scope).
 */
function isJsonataFunction(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  const marks = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  if (proto !== Object.prototype && proto !== null && proto !== Array.prototype) {
    return marks._jsonata_function === true || marks._jsonata_lambda === true;
  }
  return (Object.hasOwn(value, '_jsonata_function') && marks._jsonata_function === true)
    || (Object.hasOwn(value, '_jsonata_lambda') && marks._jsonata_lambda === true);
}

function buildBinary(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  if (Array.isArray(node.lhs)) return undefined;
  const lhs = build(node.lhs, depth + 1, budget);
  const rhs = build(node.rhs, depth + 1, budget);
  if (lhs === undefined || rhs === undefined) return undefined;
  switch (node.value) {
    case '+': return (s) => arithmetic(lhs(s), rhs(s), (a, b) => a + b);
    case '-': return (s) => arithmetic(lhs(s), rhs(s), (a, b) => a - b);
    case '*': return (s) => arithmetic(lhs(s), rhs(s), (a, b) => a * b);
    case '/': return (s) => arithmetic(lhs(s), rhs(s), (a, b) => a / b);
    case '%': return (s) => arithmetic(lhs(s), rhs(s), (a, b) => a % b);
    case '&': return (s) => concatPart(lhs(s)) + concatPart(rhs(s));
    case '=': return (s) => equality(lhs(s), rhs(s));
    case '!=': return (s) => {
      const l = lhs(s);
      const r = rhs(s);
      return l === undefined || r === undefined ? false : !isDeepEqual(l, r);
    };
    case '<': return (s) => compare(lhs(s), rhs(s), (a, b) => a < b);
    case '<=': return (s) => compare(lhs(s), rhs(s), (a, b) => a <= b);
    case '>': return (s) => compare(lhs(s), rhs(s), (a, b) => a > b);
    case '>=': return (s) => compare(lhs(s), rhs(s), (a, b) => a >= b);
    case 'and': return (s) => boolize(lhs(s)) && boolize(rhs(s));
    case 'or': return (s) => boolize(lhs(s)) || boolize(rhs(s));
    default: return undefined;
  }
}

/** A number operand: undefined, or a finite number (anything else is a JSONata error: T2001/T2002/D1001). */
function operand(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw BAIL;
  return value;
}

function arithmetic(l: unknown, r: unknown, op: (a: number, b: number) => number): number | undefined {
  const a = operand(l);
  const b = operand(r);
  if (a === undefined || b === undefined) return undefined;
  const result = op(a, b);
  // JSONata returns Infinity/NaN here and fails only when they are used; let it decide.
  if (!Number.isFinite(result)) throw BAIL;
  return result;
}

function equality(l: unknown, r: unknown): boolean {
  return l === undefined || r === undefined ? false : isDeepEqual(l, r);
}

function compare(l: unknown, r: unknown, op: (a: never, b: never) => boolean): boolean | undefined {
  const lt = typeof l;
  const rt = typeof r;
  if ((lt !== 'undefined' && lt !== 'string' && lt !== 'number') || (rt !== 'undefined' && rt !== 'string' && rt !== 'number')) throw BAIL;
  if (lt === 'undefined' || rt === 'undefined') return undefined;
  if (lt !== rt) throw BAIL;
  return op(l as never, r as never);
}

/** JSONata's utils.isDeepEqual, verbatim in behaviour (own property names, including non-enumerable ones). */
function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
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

function concatPart(value: unknown): string {
  return value === undefined ? '' : scalarString(value)!;
}

/** JSONata's fn.boolean; non-finite numbers (D1001 in JSONata) fall back. */
function effectiveBoolean(arg: unknown): boolean | undefined {
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

function boolize(value: unknown): boolean {
  return effectiveBoolean(value) === true;
}

function buildUnary(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  if (node.value === '-') {
    const inner = build(node.expression, depth + 1, budget);
    if (inner === undefined) return undefined;
    return (s) => {
      const v = inner(s);
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw BAIL;
      return -v;
    };
  }
  if (node.value === '[') return buildArray(node, depth, budget);
  if (node.value === '{') return buildObject(node, depth, budget);
  return undefined;
}

function buildArray(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  const items = node.expressions;
  const compiled = buildAll(items, depth + 1, budget);
  if (items === undefined || compiled === undefined) return undefined;
  // JSONata keeps a nested array constructor as one item and appends (flattens one level) anything else.
  const nested = items.map((item) => item.value === '[');
  return (s) => {
    let out: unknown[] = [];
    for (let i = 0; i < compiled.length; i++) {
      const v = compiled[i]!(s);
      if (v === undefined) continue;
      if (nested[i] || !Array.isArray(v)) out.push(v);
      else out = out.concat(v);
    }
    return out;
  };
}

function buildObject(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  if (!Array.isArray(node.lhs)) return undefined;
  const keys: string[] = [];
  const values: Compiled[] = [];
  for (const pair of node.lhs) {
    const [k, v] = pair;
    if (k?.type !== 'string' || !hasOnlyKeys(k) || typeof k.value !== 'string') return undefined;
    const key = k.value;
    // Duplicate keys are JSONata's D1009; its own flags are D1013; forbidden names never get this far.
    if (keys.includes(key) || key === '_jsonata_lambda' || key === '_jsonata_function' || FORBIDDEN_NAMES.has(key)) return undefined;
    budget.nodes += 1;
    const value = build(v, depth + 1, budget);
    if (value === undefined) return undefined;
    keys.push(key);
    values.push(value);
  }
  return (s) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = values[i]!(s);
      if (v !== undefined) out[keys[i]!] = v;
    }
    return out;
  };
}

function buildBlock(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  const parts = buildAll(node.expressions, depth + 1, budget);
  if (parts === undefined || parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return (s) => {
    let result: unknown;
    for (const part of parts) result = part(s);
    return result;
  };
}

function buildCondition(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  const condition = build(node.condition, depth + 1, budget);
  const then = build(node.then, depth + 1, budget);
  const otherwise = node.else === undefined ? constant(undefined) : build(node.else, depth + 1, budget);
  if (condition === undefined || then === undefined || otherwise === undefined) return undefined;
  return (s) => (effectiveBoolean(condition(s)) ? then(s) : otherwise(s));
}

interface FastFunction { min: number; max: number; call: (args: unknown[]) => unknown }

function buildCall(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  const proc = node.procedure;
  if (proc?.type !== 'variable' || !hasOnlyKeys(proc) || typeof proc.value !== 'string') return undefined;
  if (!Object.hasOwn(FUNCTIONS, proc.value)) return undefined;
  const fn = FUNCTIONS[proc.value]!;
  budget.nodes += 1;
  const args = buildAll(node.arguments, depth + 1, budget);
  if (args === undefined || args.length < fn.min || args.length > fn.max) return undefined;
  const call = fn.call;
  if (args.length === 1) {
    const only = args[0]!;
    return (s) => call([only(s)]);
  }
  return (s) => call(args.map((a) => a(s)));
}

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
const FUNCTIONS: Record<string, FastFunction> = {
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
