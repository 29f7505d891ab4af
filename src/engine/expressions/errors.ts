import { RecipeError } from '../errors.js';

/**
 * Stable codes:
 * - `EXPRESSION_INVALID`: the text does not compile, or uses a forbidden name or function (found at load time).
 * - `EXPRESSION_FAILED`: the expression threw while evaluating (type error, `$error(...)`, bad argument).
 * - `EXPRESSION_LIMIT`: evaluation ran past its step, time or depth limit.
 */
export type ExpressionErrorCode = 'EXPRESSION_INVALID' | 'EXPRESSION_FAILED' | 'EXPRESSION_LIMIT';

export interface ExpressionErrorDetails {
  /** 0-based offset into the expression source (without the leading '='), when known. */
  position?: number;
  /** The expression source (recipe text, never data), so the message can be shown next to it. */
  source?: string;
  /** JSON pointer of the expression inside a compiled value, e.g. `/email` (set by compileValue). */
  path?: string;
  /** JSONata's own error code (S0201, T2001, D1011...), for people who know JSONata. */
  jsonataCode?: string;
  [key: string]: unknown;
}

/**
 * Every failure of this module. Always a user error: the recipe author wrote the expression.
 * Messages never quote data values (a scope may hold anything an API returned); JSONata's messages
 * are passed through with the offending value replaced by `<value>`.
 */
export class ExpressionError extends RecipeError {
  declare readonly code: ExpressionErrorCode;
  declare readonly details: ExpressionErrorDetails;

  constructor(code: ExpressionErrorCode, message: string, details: ExpressionErrorDetails, cause?: unknown) {
    super(code, message, { kind: 'user', details, cause });
    this.name = 'ExpressionError';
  }

  /** The same error located inside a compiled value (a step input). */
  at(path: string): ExpressionError {
    const copy = new ExpressionError(this.code, this.message, { ...this.details, path }, this.cause);
    copy.stack = this.stack;
    return copy;
  }
}
