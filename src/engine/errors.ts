/**
 * The engine's error hierarchy. Every error carries a stable `code`, a `kind` saying whose problem it is,
 * an optional `cause`, and `details` that say where. Messages never contain a secret: callers pass values
 * through `details` only when they are safe to show.
 *
 * - `user`: the admin or recipe author can fix it (invalid recipe, missing property, wrong password).
 * - `operational`: the outside world failed (API down, rate limited, seat limit reached).
 * - `bug`: the program is wrong; reported with its code so it can be filed.
 */
export type ErrorKind = 'user' | 'operational' | 'bug';

export interface RecipeErrorOptions {
  kind?: ErrorKind;
  cause?: unknown;
  details?: Record<string, unknown>;
  /** Whether repeating the same call may succeed (rate limits, 503s, resets). */
  retryable?: boolean;
  /** A sentence telling the user what to do next. */
  hint?: string;
}

export class RecipeError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: RecipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecipeError';
    this.code = code;
    this.kind = options.kind ?? 'operational';
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

export class UserError extends RecipeError {
  constructor(code: string, message: string, options: Omit<RecipeErrorOptions, 'kind'> = {}) {
    super(code, message, { ...options, kind: 'user' });
    this.name = 'UserError';
  }
}

export interface SerializedError {
  code: string;
  kind: ErrorKind;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
  cause?: SerializedError;
}

/** Turns anything thrown into the shape stored in job records. Non-RecipeErrors are bugs unless coded. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error instanceof RecipeError) {
    const out: SerializedError = { code: error.code, kind: error.kind, message: error.message };
    if (error.hint) out.hint = error.hint;
    if (Object.keys(error.details).length > 0) out.details = error.details;
    if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
    return out;
  }
  if (error instanceof Error) {
    const raw = (error as Error & { code?: unknown }).code;
    // An uncoded error thrown on its own is a bug; as the cause of a coded one it only says what happened
    // underneath (a SyntaxError from a truncated body, a socket error), named by its class.
    const code = typeof raw === 'string' ? raw : depth > 0 ? error.name : 'INTERNAL';
    const out: SerializedError = { code, kind: code === 'INTERNAL' ? 'bug' : 'operational', message: error.message };
    if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
    return out;
  }
  return { code: 'INTERNAL', kind: 'bug', message: String(error) };
}

export function isRecipeError(error: unknown, code?: string): error is RecipeError {
  return error instanceof RecipeError && (code === undefined || error.code === code);
}
