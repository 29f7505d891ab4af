import { createRequire } from 'node:module';
import type JsonataModule from 'jsonata';
import { type AstNode, checkAst, checkFunctionNames, collectScopeUse, moveKeepArrayToPathNodes } from './ast.js';
import { ExpressionError } from './errors.js';
import { compileFast, FALLBACK } from './fast.js';
import { BUILTIN_FUNCTIONS, registeredFunctions } from './functions.js';
import { checkElapsed, DEFAULT_LIMITS, type ExpressionLimits, limitHook, runtimeError } from './limits.js';
import { checkRegexes, Re2RegExp } from './regex.js';
import { isFunctionLike, SANDBOX_FUNCTIONS, toPlain } from './sandbox.js';

export type Scope = Record<string, unknown>;

// JSONata is loaded when the first expression is compiled: a command that compiles none (a package already
// checked, see loader/checked-package.ts) never pays for it.
let jsonataModule: typeof JsonataModule | undefined;
function jsonata(source: string, options: { RegexEngine: RegExpConstructor }): JsonataModule.Expression {
  jsonataModule ??= createRequire(import.meta.url)('jsonata') as typeof JsonataModule;
  return jsonataModule(source, options);
}

export interface CompiledExpression {
  /** The JSONata text, without the leading '='. */
  readonly source: string;
  /**
   * Top-level scope names the expression reads (`person.firstName` -> person), for the loader's check that a
   * step only reads outputs of earlier steps. Names inside predicates, later path steps and group-by keys are
   * not refs. `'$'` means the expression reads the whole scope (`$`, `$$`, `*`, `**`, `$keys($)`).
   */
  readonly refs: ReadonlySet<string>;
  /** Names read as `properties.NAME` or `$lookup(properties, 'NAME')`, for the "undeclared property" check. */
  readonly properties: ReadonlySet<string>;
  /** True when it reads `properties` other than by literal names (whole, computed key, `*`): see `properties`. */
  readonly readsPropertiesWhole: boolean;
  /**
   * True for a dotted path of names (`a.b.c`, backticks allowed): evaluated without JSONata, synchronously,
   * by own-property navigation; an array found at the end is returned as it is. If the path has to go
   * through an array (`users.items.email`), JSONata's mapping applies and evaluate returns a Promise.
   */
  readonly isPlainPath: boolean;
  /**
   * True when the expression is in fast.ts's subset (literals, plain paths, arithmetic, comparisons, `&`,
   * `? :`, constructors, simple built-ins): evaluate returns its result synchronously, unless the data needs
   * JSONata's own semantics (a path through an array, a value JSONata would reject), when it returns a Promise.
   */
  readonly isFast: boolean;
  /**
   * Evaluates against a scope, which is never modified. Results are plain data (no JSONata sequences, no
   * prototype-less objects, no functions) and may share structure with the scope: do not mutate them.
   * Rejects with ExpressionError (EXPRESSION_FAILED or EXPRESSION_LIMIT).
   */
  evaluate(scope: Scope): unknown | Promise<unknown>;
}

/** True for an expression string: starts with '=' but not '==' (which escapes a literal '='). */
export function isExpressionString(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=') && !value.startsWith('==');
}

/** The literal a non-expression string stands for: '==x' is '=x', anything else is itself. */
export function literalString(value: string): string {
  return value.startsWith('==') ? value.slice(1) : value;
}

/**
 * Parses and checks one expression (text after the '='). Throws ExpressionError `EXPRESSION_INVALID` with a
 * 0-based `details.position` for syntax errors, forbidden names (`constructor`, `__proto__`, `prototype`),
 * `$eval` and unknown functions. Compile once, evaluate many times; evaluations may run concurrently.
 */
export function compileExpression(source: string, limits: ExpressionLimits = {}): CompiledExpression {
  if (source.trim() === '') {
    throw new ExpressionError('EXPRESSION_INVALID', 'the expression is empty', { position: 0, source });
  }
  const ast = parse(source).ast() as AstNode;
  checkAst(ast, source);
  checkRegexes(ast, source);
  const functions = registeredFunctions();
  checkFunctionNames(ast, source, (name) => BUILTIN_FUNCTIONS.has(name) || functions.has(name));
  moveKeepArrayToPathNodes(ast);
  const use = collectScopeUse(ast);
  const effective = { ...DEFAULT_LIMITS, ...definedOnly(limits) };

  // JSONata's own evaluator is built at its first use, from a second parse: a parsed expression with its
  // functions registered holds some 30 KB, and most expressions of a package run on the fast path or never.
  let expression: JsonataModule.Expression | undefined;
  const jsonataExpression = (): JsonataModule.Expression => {
    if (expression !== undefined) return expression;
    const e = parse(source);
    moveKeepArrayToPathNodes(e.ast() as AstNode);
    for (const f of SANDBOX_FUNCTIONS) e.registerFunction(f.name, callable(f.implementation), f.signature);
    for (const [name, f] of functions) e.registerFunction(name, callable(f.implementation), f.signature);
    // The hook is bound under a Symbol, which no expression can name, so no expression can rebind it.
    e.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, limitHook(effective, source));
    return (expression = e);
  };

  const viaJsonata = async (scope: Scope): Promise<unknown> => {
    let result: unknown;
    const started = Date.now();
    try {
      result = await jsonataExpression().evaluate(scope);
    } catch (error) {
      throw runtimeError(error, source);
    }
    checkElapsed(started, effective, source);
    if (isFunctionLike(result)) {
      throw new ExpressionError('EXPRESSION_FAILED', 'the expression evaluates to a function; call it, e.g. $trim(x)', { source });
    }
    return toPlain(result);
  };

  const names = plainPathNames(ast);
  const fast = names === undefined ? compileFast(ast, effective) : undefined;
  let evaluate: (scope: Scope) => unknown;
  if (names !== undefined) {
    evaluate = (scope) => {
      const found = readPlainPath(scope, names);
      return found === CROSSES_ARRAY ? viaJsonata(scope) : found;
    };
  } else if (fast !== undefined) {
    evaluate = (scope) => {
      const found = fast(scope);
      return found === FALLBACK ? viaJsonata(scope) : found;
    };
  } else {
    evaluate = viaJsonata;
  }

  return Object.freeze({
    source,
    refs: use.refs,
    properties: use.properties,
    readsPropertiesWhole: use.propertiesWhole,
    isPlainPath: names !== undefined,
    isFast: names !== undefined || fast !== undefined,
    evaluate,
  });
}

/** Functions are declared with `never[]` parameters so any typed function can be registered; JSONata checks types. */
function callable(f: (...args: never[]) => unknown): (...args: unknown[]) => unknown {
  return f as (...args: unknown[]) => unknown;
}

function definedOnly(limits: ExpressionLimits): ExpressionLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}

interface JsonataSyntaxError { code?: string; position?: number; token?: unknown; message?: string }

function parse(source: string): JsonataModule.Expression {
  try {
    return jsonata(source, { RegexEngine: Re2RegExp as unknown as RegExpConstructor });
  } catch (error) {
    const raw = (error ?? {}) as JsonataSyntaxError;
    // JSONata reports the position after the offending token; '(end)' is a marker with no text of its own.
    const token = typeof raw.token === 'string' && raw.token !== '(end)' ? raw.token : '';
    const position = Math.max(0, Math.min(source.length, (raw.position ?? 0) - token.length));
    const text = raw.code === 'S0201' || raw.code === 'S0211'
      ? `unexpected token '${token}'`
      : lowerFirst(raw.message ?? 'syntax error');
    return throwInvalid(`${text} at ${position}`, position, source, raw.code);
  }
}

function throwInvalid(message: string, position: number, source: string, jsonataCode?: string): never {
  throw new ExpressionError('EXPRESSION_INVALID', message, { position, source, ...(jsonataCode ? { jsonataCode } : {}) });
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** The step names of a path made only of names, with no predicate, `[]`, focus, index or group-by. */
function plainPathNames(ast: AstNode): readonly string[] | undefined {
  if (ast.type !== 'path' || ast.group || ast.keepArray || ast.predicate) return undefined;
  const steps = ast.steps ?? [];
  const names: string[] = [];
  for (const step of steps) {
    if (step.type !== 'name' || typeof step.value !== 'string') return undefined;
    if (step.stages || step.predicate || step.group || step.keepArray || step.tuple || step.focus || step.index) return undefined;
    names.push(step.value);
  }
  return names.length > 0 ? names : undefined;
}

const CROSSES_ARRAY: unique symbol = Symbol('crosses-array');

/**
 * The fast path: own properties only (never the prototype chain), missing -> undefined, the value at the end
 * returned as it is (an array stays an array even with one element, as in JSONata for a plain path).
 */
function readPlainPath(scope: Scope, names: readonly string[]): unknown {
  let current: unknown = scope;
  for (let i = 0; i < names.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) return CROSSES_ARRAY;
    const name = names[i]!;
    if (!Object.hasOwn(current, name)) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return typeof current === 'function' ? undefined : current;
}
