import type { AstNode } from './ast.js';
import type { ExpressionLimits } from './limits.js';
import { FORBIDDEN_NAMES } from './ast.js';
import { toPlain } from './sandbox.js';
import { BAIL, arithmetic, boolize, compare, concatPart, effectiveBoolean, equality, finish, isDeepEqual, isJsonataFunction } from './fast-values.js';
import { FUNCTIONS } from './fast-functions.js';

/**
 * A synchronous evaluator for a safe subset of JSONata (no eval, no `new Function`: the AST is compiled into
 * closures). Its contract is exactness: for every scope, a fast evaluator either returns exactly what JSONata
 * returns (after compile.ts's toPlain), or returns FALLBACK and compile.ts asks JSONata. It never reports an
 * error itself: any value that would make JSONata throw (T2001, T2009, T0410, D1001...) or that needs
 * JSONata's sequence semantics (a path that meets an array halfway) makes it fall back, so error codes,
 * messages and positions are JSONata's own.
 *
 * The subset: paths of plain names (own properties only), string/number/true/false/null literals,
 * `+ - * / %`, `&`, `= != < <= > >=`, `in`, `and`/`or`, unary minus, `? :`, blocks, array constructors, object
 * constructors with literal keys, and the built-ins in FUNCTIONS with exactly the argument counts listed.
 * Everything else (variables, predicates, wildcards, lambdas, regexes, `~>`, `..`, sorting, grouping,
 * transforms, custom functions) is not eligible: compileFast returns undefined.
 *
 * One loop is in the subset: a map, `names.{ "k": v, ... }`, an object built for each item of the list the
 * names lead to (how a summary lists 70,000 people; JSONata took 0.4 s and 20 MB of garbage for that).
 *
 * Limits: apart from maps, the subset has no loops, recursion or variables, so one evaluation visits each
 * AST node at most once. Eligibility is capped so that an expression visits at most half of maxSteps, nests
 * at most half as deep as maxDepth, and visits fewer than 128 nodes (JSONata only reads the clock every 256
 * steps), so JSONata would never have hit a step, depth or time limit on it either. A map counts, before it
 * runs, the visits JSONata would make (at most the object's counted nodes per item) and falls back when the
 * evaluation's total could pass maxSteps, so JSONata would not have stopped it for steps. It may finish a
 * map that JSONata, some 30 times slower, would have stopped at maxMs: that limit is there to stop runaway
 * expressions, and a map with a bounded count of steps is not one.
 */

export type FastScope = Record<string, unknown>;
/** Returns the result, or FALLBACK when JSONata must evaluate this scope. Never throws for data reasons. */
export type FastEvaluator = (scope: FastScope) => unknown;

export const FALLBACK: unique symbol = Symbol('fast-path-fallback');

type Compiled = (scope: FastScope) => unknown;

const MAX_NODES = 120;

interface Budget {
  nodes: number;
  maxNodes: number;
  maxDepth: number;
  maxSteps: number;
  /**
   * Steps the maps of the evaluation in progress have counted. One counter per compiled expression is
   * enough: an evaluation runs to its end synchronously, so two never overlap.
   */
  mapSteps: number;
}

/** Compiles an eligible expression; undefined when the AST is outside the subset (or too large for the limits). */
export function compileFast(ast: AstNode, limits: Required<ExpressionLimits>): FastEvaluator | undefined {
  const budget: Budget = {
    nodes: 0,
    maxNodes: Math.min(MAX_NODES, Math.floor(limits.maxSteps / 2)),
    maxDepth: Math.floor(limits.maxDepth / 2),
    maxSteps: limits.maxSteps,
    mapSteps: 0,
  };
  const root = build(ast, 1, budget);
  if (root === undefined) return undefined;
  return (scope) => {
    // The scope is looked at once here: the compiled closures read their first name from it unchecked.
    if (scope === null || typeof scope !== 'object' || Array.isArray(scope) || isJsonataFunction(scope)) return FALLBACK;
    let result: unknown;
    budget.mapSteps = budget.nodes;
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
  const last = steps[steps.length - 1]!;
  const isMap = steps.length > 1 && last.type === 'unary' && last.value === '{';
  const names = namesOf(isMap ? steps.slice(0, -1) : steps);
  if (names === undefined) return undefined;
  budget.nodes += names.length;
  if (budget.nodes > budget.maxNodes || depth + 1 > budget.maxDepth) return undefined;
  const read = reader(names);
  if (isMap) return buildMap(read, last, depth, budget);
  return (scope) => finish(read(scope));
}

function namesOf(steps: AstNode[]): string[] | undefined {
  const names: string[] = [];
  for (const step of steps) {
    if (step.type !== 'name' || !hasOnlyKeys(step) || typeof step.value !== 'string') return undefined;
    names.push(step.value);
  }
  return names;
}

/**
 * Reads a path of names; the value at the end is returned as it is (the caller decides about arrays). A
 * compiled closure's scope is an object already checked (the evaluation's scope, or a map's item), so the
 * first name is read from it directly: most paths are two names long, and the scope is the engine's large
 * object, where each check costs most.
 */
function reader(names: string[]): Compiled {
  if (names.length === 1) {
    const only = names[0]!;
    return (scope) => own(scope, only);
  }
  if (names.length === 2) {
    const [first, second] = names as [string, string];
    return (scope) => {
      const mid = own(scope, first);
      return mid === undefined ? undefined : step(through(mid), second);
    };
  }
  return (scope) => {
    let current: unknown = own(scope, names[0]!);
    for (let i = 1; i < names.length; i++) {
      if (current === undefined) return undefined;
      current = step(through(current), names[i]!);
    }
    return current;
  };
}

function own(scope: FastScope, name: string): unknown {
  return Object.hasOwn(scope, name) ? scope[name] : undefined;
}

/**
 * `names.{...}`: the object evaluated with each item of the list as its context. As in JSONata: nothing for
 * a missing value or an empty list, the object itself for one item (or a value that is not a list), an
 * array for more. An item that is not an object falls back: JSONata would group over an array item, and
 * builds objects from scalars in ways not worth copying.
 */
function buildMap(read: Compiled, object: AstNode, depth: number, budget: Budget): Compiled | undefined {
  const before = budget.nodes;
  const each = build(object, depth + 1, budget);
  if (each === undefined) return undefined;
  // JSONata visits each item's object node, its keys and its values: at most what was counted here.
  const perItem = budget.nodes - before;
  return (scope) => {
    const found = read(scope);
    if (found === undefined) return undefined;
    const items = Array.isArray(found) ? found : [found];
    if ((items as { sequence?: unknown }).sequence !== undefined || isJsonataFunction(items)) throw BAIL;
    budget.mapSteps += items.length * perItem;
    if (budget.mapSteps > budget.maxSteps) throw BAIL;
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (item === null || typeof item !== 'object' || Array.isArray(item) || isJsonataFunction(item)) throw BAIL;
      out[i] = each(item as FastScope);
    }
    return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
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
    // JSONata's evaluateIncludesExpression: a value not a list is a list of one; identity, not deep equality.
    case 'in': return (s) => {
      const l = lhs(s);
      const r = rhs(s);
      if (l === undefined || r === undefined) return false;
      return Array.isArray(r) ? r.includes(l) && (l === l) : r === l;
    };
    case 'and': return (s) => boolize(lhs(s)) && boolize(rhs(s));
    case 'or': return (s) => boolize(lhs(s)) || boolize(rhs(s));
    default: return undefined;
  }
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
  // Sized for one value per item: a list grown from [] by push reserves 17 slots at its first push (a
  // person's [work email, personal email], built 100,000 times, would take five times the memory).
  return (s) => {
    const out: unknown[] = new Array(compiled.length);
    let size = 0;
    for (let i = 0; i < compiled.length; i++) {
      const v = compiled[i]!(s);
      if (v === undefined) continue;
      if (nested[i] || !Array.isArray(v)) out[size++] = v;
      else for (let j = 0; j < v.length; j++) out[size++] = v[j];
    }
    out.length = size;
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

function buildCall(node: AstNode, depth: number, budget: Budget): Compiled | undefined {
  const proc = node.procedure;
  if (proc?.type !== 'variable' || !hasOnlyKeys(proc) || typeof proc.value !== 'string') return undefined;
  if (!Object.hasOwn(FUNCTIONS, proc.value)) return undefined;
  const fn = FUNCTIONS[proc.value]!;
  budget.nodes += 1;
  const args = buildAll(node.arguments, depth + 1, budget);
  if (args === undefined || args.length < fn.min || args.length > fn.max) return undefined;
  const call = fn.call;
  // One argument list per call site, filled for each call (100,000 records x a few calls made a list each):
  // a built-in never keeps it or calls back into an expression, an argument is another node (never this
  // call), and an evaluation runs to its end synchronously, so no two calls share it at once.
  const list = new Array<unknown>(args.length).fill(undefined);
  if (args.length === 1) {
    const only = args[0]!;
    return (s) => {
      list[0] = only(s);
      const result = call(list);
      list[0] = undefined;
      return result;
    };
  }
  return (s) => {
    for (let i = 0; i < args.length; i++) list[i] = args[i]!(s);
    const result = call(list);
    list.fill(undefined);
    return result;
  };
}

