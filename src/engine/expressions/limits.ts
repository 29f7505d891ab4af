import { ExpressionError } from './errors.js';

export interface ExpressionLimits {
  /** Wall-clock budget of one evaluation, in milliseconds. @default 1000 */
  maxMs?: number;
  /** AST nodes one evaluation may visit (a loop over 1,000 items visits its body 1,000 times). @default 1_000_000 */
  maxSteps?: number;
  /** Nesting depth of JSONata's evaluator (non-tail recursion); kept well below V8's stack. @default 1000 */
  maxDepth?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<ExpressionLimits>> = Object.freeze({
  maxMs: 1000,
  maxSteps: 1_000_000,
  maxDepth: 1000,
});

/** Checking the clock costs more than counting, so it is read once per this many steps. */
const CLOCK_EVERY = 256;

interface EvaluationState { steps: number; started: number }
interface JsonataFrame { base: { depth: number; [STATE]?: EvaluationState } }
interface JsonataNode { position?: number }

const STATE: unique symbol = Symbol('expression-limits');

export type EntryHook = (node: JsonataNode, input: unknown, environment: JsonataFrame) => void;

/**
 * JSONata calls `Symbol.for('jsonata.__evaluate_entry')` before evaluating each AST node (its own tests use
 * it for timeboxing). The per-evaluation state lives on the evaluation's base frame under a private symbol,
 * so concurrent evaluations of one compiled expression keep separate counts. Throwing here aborts the
 * evaluation; JSONata passes the error through unchanged because its code is not one of JSONata's.
 */
export function limitHook(limits: Required<ExpressionLimits>, source: string): EntryHook {
  return (node, _input, environment) => {
    const base = environment.base;
    let state = base[STATE];
    if (state === undefined) {
      state = { steps: 0, started: Date.now() };
      base[STATE] = state;
    }
    state.steps += 1;
    const where = Math.max(0, (node.position ?? 1) - 1);
    if (state.steps > limits.maxSteps) {
      throw limitError(`the expression took more than ${limits.maxSteps} steps`, where, source, 'steps');
    }
    if (base.depth > limits.maxDepth) {
      throw limitError(`the expression nested deeper than ${limits.maxDepth} levels (unbounded recursion?)`, where, source, 'depth');
    }
    if (state.steps % CLOCK_EVERY === 0 && Date.now() - state.started > limits.maxMs) {
      throw limitError(`the expression ran longer than ${limits.maxMs} ms`, where, source, 'time');
    }
  };
}

/**
 * The time limit checked once more when an evaluation ends: the hook reads the clock only every 256 steps
 * and not inside a built-in, so a slow built-in near the end would otherwise finish as a success.
 */
export function checkElapsed(started: number, limits: Required<ExpressionLimits>, source: string): void {
  if (Date.now() - started > limits.maxMs) {
    throw new ExpressionError('EXPRESSION_LIMIT', `the expression ran longer than ${limits.maxMs} ms`, { source, limit: 'time' });
  }
}

function limitError(message: string, position: number, source: string, limit: string): ExpressionError {
  return new ExpressionError('EXPRESSION_LIMIT', `${message} at ${position}`, { position, source, limit });
}

interface JsonataError { code?: unknown; position?: unknown; value?: unknown; message?: unknown; token?: unknown }

/** JSONata codes that mean a built-in limit was hit rather than a mistake in the data. */
const LIMIT_CODES: Record<string, string> = {
  D1011: 'depth', // stack overflow in JSONata's own guard
  D1012: 'time',
  D2014: 'size', // range operator larger than 10,000,000 items
  D2015: 'size',
};

/** Maps whatever an evaluation threw to an ExpressionError, never quoting the data value involved. */
export function runtimeError(error: unknown, source: string): ExpressionError {
  if (error instanceof ExpressionError) {
    return error.details.source === undefined ? new ExpressionError(error.code, error.message, { ...error.details, source }, error.cause) : error;
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new ExpressionError('EXPRESSION_LIMIT', 'the expression nested too deeply (unbounded recursion?)', { source, limit: 'depth' }, error);
  }
  const raw = (error ?? {}) as JsonataError;
  const code = typeof raw.code === 'string' ? raw.code : undefined;
  const position = typeof raw.position === 'number' ? Math.max(0, raw.position - 1) : undefined;
  const suffix = position === undefined ? '' : ` at ${position}`;
  const message = redact(typeof raw.message === 'string' ? raw.message : String(error), raw.value);
  const details = { source, ...(position === undefined ? {} : { position }), ...(code ? { jsonataCode: code } : {}) };
  // JSONata throws plain objects that carry the offending data value: only real Errors become the cause.
  const cause = error instanceof Error ? error : undefined;
  if (code !== undefined && LIMIT_CODES[code] !== undefined) {
    return new ExpressionError('EXPRESSION_LIMIT', `${message}${suffix}`, { ...details, limit: LIMIT_CODES[code] }, cause);
  }
  return new ExpressionError('EXPRESSION_FAILED', `${message}${suffix}`, details, cause);
}

/** Strings and structures from the data are replaced; numbers and booleans say nothing private. */
function redact(message: string, value: unknown): string {
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) return message;
  let out = message;
  const shown = [safeJson(value), typeof value === 'string' && value.length >= 3 ? value : undefined];
  for (const text of shown) {
    if (text !== undefined && text.length > 0) out = out.split(text).join('<value>');
  }
  return out;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
