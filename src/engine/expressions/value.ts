import { compileExpression, type CompiledExpression, isExpressionString, literalString, type Scope } from './compile.js';
import { ExpressionError } from './errors.js';
import type { ExpressionLimits } from './limits.js';

export interface CompiledValue {
  /** Union of the refs of every expression in the value. */
  readonly refs: ReadonlySet<string>;
  /** Union of the properties of every expression in the value. */
  readonly properties: ReadonlySet<string>;
  /** Every expression with its JSON pointer inside the value (`/email`, `/locations/0`; `` for the value itself). */
  readonly expressions: ReadonlyArray<{ path: string; expr: CompiledExpression }>;
  /** True when the value holds no expression: evaluate returns the same literal every time, synchronously. */
  readonly isStatic: boolean;
  /**
   * Builds the concrete value: expressions replaced by their results, '==x' strings by '=x'. Synchronous
   * when every expression is a plain path that stays on objects; otherwise a Promise. An object key whose
   * expression yields undefined is left out, and so is an undefined array item (as in a JSONata array
   * constructor). Parts without expressions are shared with the compiled value: do not mutate the result.
   * Rejects with the expression's ExpressionError, with `details.path` set.
   */
  evaluate(scope: Scope): unknown | Promise<unknown>;
}

/** A problem found by compileValue, as plain data (safe to serialize). */
export interface ValueProblem { path: string; position?: number; message: string; code: string }

type Template =
  | { kind: 'static'; value: unknown }
  | { kind: 'expr'; path: string; expr: CompiledExpression }
  | { kind: 'object'; entries: Array<[string, Template]> }
  | { kind: 'array'; items: Template[] };

/**
 * Compiles a whole step input (objects and arrays with expression strings at any depth) once.
 * Every expression is compiled; if any fails, the first ExpressionError is thrown with `details.path`
 * (a JSON pointer within the value, for mapping to file:line:col) and `details.problems` listing all of
 * them, so a loader can report every bad expression in one pass.
 */
export function compileValue(value: unknown, limits?: ExpressionLimits): CompiledValue {
  const expressions: Array<{ path: string; expr: CompiledExpression }> = [];
  const failures: ExpressionError[] = [];

  const build = (node: unknown, path: string): Template => {
    if (typeof node === 'string') {
      if (!isExpressionString(node)) return { kind: 'static', value: literalString(node) };
      try {
        const expr = compileExpression(node.slice(1), limits);
        expressions.push({ path, expr });
        return { kind: 'expr', path, expr };
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        failures.push(error.at(path));
        return { kind: 'static', value: undefined };
      }
    }
    if (Array.isArray(node)) {
      const items = node.map((item, i) => build(item, `${path}/${i}`));
      return items.every((t) => t.kind === 'static') && items.every((t, i) => t.value === node[i])
        ? { kind: 'static', value: node }
        : { kind: 'array', items };
    }
    if (isPlainObject(node)) {
      const entries = Object.keys(node).map((key): [string, Template] => [key, build(node[key], `${path}/${escapePointer(key)}`)]);
      return entries.every(([key, t]) => t.kind === 'static' && t.value === node[key])
        ? { kind: 'static', value: node }
        : { kind: 'object', entries };
    }
    return { kind: 'static', value: node };
  };

  const template = build(value, '');
  if (failures.length > 0) {
    const first = failures[0]!;
    const problems: ValueProblem[] = failures.map((f) => ({
      path: String(f.details.path),
      ...(f.details.position === undefined ? {} : { position: f.details.position }),
      message: f.message,
      code: f.code,
    }));
    throw new ExpressionError(first.code, first.message, { ...first.details, problems }, first.cause);
  }

  const refs = new Set<string>();
  const properties = new Set<string>();
  for (const { expr } of expressions) {
    expr.refs.forEach((r) => refs.add(r));
    expr.properties.forEach((p) => properties.add(p));
  }
  const isStatic = expressions.length === 0;
  // Without expressions the result never changes (only '==' escapes differ from the input): build it once.
  const literal = isStatic ? run(template, {}) : undefined;
  return Object.freeze({
    refs,
    properties,
    expressions,
    isStatic,
    evaluate: isStatic ? () => literal : (scope: Scope) => run(template, scope),
  });
}

function run(template: Template, scope: Scope): unknown | Promise<unknown> {
  const pending: Promise<void>[] = [];
  const fill = (t: Template, place: (v: unknown) => void): void => {
    switch (t.kind) {
      case 'static':
        place(t.value);
        return;
      case 'expr': {
        let result: unknown;
        try {
          result = t.expr.evaluate(scope);
        } catch (error) {
          throw located(error, t.path);
        }
        if (result instanceof Promise) {
          pending.push(result.then(place, (error: unknown) => { throw located(error, t.path); }));
        } else {
          place(result);
        }
        return;
      }
      case 'array': {
        const out: unknown[] = new Array(t.items.length);
        t.items.forEach((item, i) => fill(item, (v) => { out[i] = v; }));
        // Holes left by undefined results are removed once everything has settled (see compact).
        place(out);
        arrays.push(out);
        return;
      }
      case 'object': {
        // Keys are set once everything has settled, in the recipe's order, whichever expression finished first.
        const out: Record<string, unknown> = {};
        const values: unknown[] = new Array(t.entries.length);
        t.entries.forEach(([, item], i) => fill(item, (v) => { values[i] = v; }));
        place(out);
        objects.push({ out, keys: t.entries.map(([key]) => key), values });
        return;
      }
    }
  };
  const arrays: unknown[][] = [];
  const objects: { out: Record<string, unknown>; keys: string[]; values: unknown[] }[] = [];
  let root: unknown;
  try {
    fill(template, (v) => { root = v; });
  } catch (error) {
    // Expressions already started may fail later too; nobody will await them now.
    for (const p of pending) p.catch(() => undefined);
    throw error;
  }
  const finish = (): unknown => {
    for (const o of objects) o.keys.forEach((key, i) => setKey(o.out, key, o.values[i]));
    for (const a of arrays) compact(a);
    return root;
  };
  return pending.length === 0 ? finish() : Promise.all(pending).then(finish);
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) return;
  // A literal '__proto__' key in a recipe must stay data, not replace the object's prototype.
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function compact(array: unknown[]): void {
  let write = 0;
  for (let read = 0; read < array.length; read++) {
    if (array[read] !== undefined) array[write++] = array[read];
  }
  array.length = write;
}

function located(error: unknown, path: string): unknown {
  return error instanceof ExpressionError ? error.at(path) : error;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
