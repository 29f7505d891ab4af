import { FORBIDDEN_FUNCTIONS, FORBIDDEN_NAMES } from './ast.js';
import { SANDBOX_FUNCTIONS } from './sandbox.js';

/** JSONata 2.x built-in functions (its `staticFrame` bindings plus `$now`/`$millis`), for the unknown-function check. */
export const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set([
  'sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore', 'substringAfter',
  'lowercase', 'uppercase', 'length', 'trim', 'pad', 'match', 'contains', 'replace', 'split', 'join',
  'formatNumber', 'formatBase', 'formatInteger', 'parseInteger', 'number', 'floor', 'ceil', 'round', 'abs',
  'sqrt', 'power', 'random', 'boolean', 'not', 'map', 'zip', 'filter', 'single', 'reduce', 'sift', 'keys',
  'lookup', 'append', 'exists', 'spread', 'merge', 'reverse', 'each', 'error', 'assert', 'type', 'sort',
  'shuffle', 'distinct', 'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl',
  'decodeUrlComponent', 'decodeUrl', 'toMillis', 'fromMillis', 'clone', 'now', 'millis',
]);

/** A pure function callable from expressions as `$name(...)`. `this` is JSONata's focus; do not rely on it. */
export type CustomFunction = (...args: never[]) => unknown;

export interface RegisteredFunction {
  implementation: CustomFunction;
  /** JSONata signature, e.g. `<s-s?:s>`; JSONata checks arguments against it before the call. */
  signature: string | undefined;
}

const registry = new Map<string, RegisteredFunction>();
const SANDBOXED = new Set(SANDBOX_FUNCTIONS.map((f) => f.name));

/**
 * Adds `$name` to every expression compiled afterwards (compiled ones keep the functions they were built
 * with). Meant for small pure helpers such as `$normalizePhone`: no I/O, no state, same output for the same
 * input. Registering a name twice replaces it; built-ins cannot be replaced.
 * @example registerFunction('normalizePhone', (raw: string, region?: string) => ..., '<s-s?:s>')
 */
export function registerFunction(name: string, implementation: CustomFunction, signature?: string): void {
  const bare = name.startsWith('$') ? name.slice(1) : name;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(bare)) throw new TypeError(`invalid function name '${name}'`);
  if (FORBIDDEN_NAMES.has(bare) || FORBIDDEN_FUNCTIONS.has(bare) || BUILTIN_FUNCTIONS.has(bare) || SANDBOXED.has(bare)) {
    throw new TypeError(`the function name '${name}' is reserved`);
  }
  if (typeof implementation !== 'function') throw new TypeError(`function '${name}' must be a function`);
  registry.set(bare, { implementation, signature });
}

/** The functions registered so far; compileExpression binds them on each expression it builds. */
export function registeredFunctions(): ReadonlyMap<string, RegisteredFunction> {
  return registry;
}

/** For tests: removes a function added with registerFunction. */
export function unregisterFunction(name: string): boolean {
  return registry.delete(name.startsWith('$') ? name.slice(1) : name);
}
