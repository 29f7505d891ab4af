/**
 * Safe expressions for recipe inputs: strings starting with '=' are JSONata, evaluated in a sandbox with
 * step, time and depth limits. See README.md in this folder for the syntax a recipe author needs.
 */
export { compileExpression, isExpressionString, literalString } from './compile.js';
export type { CompiledExpression, Scope } from './compile.js';
export { compileValue } from './value.js';
export type { CompiledValue, ValueProblem } from './value.js';
export { ExpressionError } from './errors.js';
export type { ExpressionErrorCode, ExpressionErrorDetails } from './errors.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { ExpressionLimits } from './limits.js';
export { registerFunction, unregisterFunction } from './functions.js';
export type { CustomFunction } from './functions.js';
export { WHOLE_SCOPE } from './ast.js';
