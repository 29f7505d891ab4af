/**
 * Shared by the fast-path tests: the reference (JSONata itself, with the sandbox's functions and the same
 * error mapping as compile.ts) and the comparison a fast result must pass.
 */
import { expect } from 'chai';
import jsonata from 'jsonata';
import { type AstNode, moveKeepArrayToPathNodes } from '../../../src/engine/expressions/ast.js';
import { ExpressionError } from '../../../src/engine/expressions/errors.js';
import { compileFast, FALLBACK, type FastEvaluator } from '../../../src/engine/expressions/fast.js';
import { DEFAULT_LIMITS, runtimeError } from '../../../src/engine/expressions/limits.js';
import { isFunctionLike, SANDBOX_FUNCTIONS, toPlain } from '../../../src/engine/expressions/sandbox.js';

export type Outcome = { value: unknown } | { code: string; jsonataCode: string | undefined };

const parsed = new Map<string, jsonata.Expression>();

/** What compile.ts's JSONata path yields: the plain result, or the mapped error's codes. */
export async function reference(source: string, scope: Record<string, unknown>): Promise<Outcome> {
  let expr = parsed.get(source);
  if (expr === undefined) {
    expr = jsonata(source);
    for (const f of SANDBOX_FUNCTIONS) expr.registerFunction(f.name, f.implementation as (...a: unknown[]) => unknown, f.signature);
    parsed.set(source, expr);
  }
  try {
    const result: unknown = await expr.evaluate(scope);
    if (isFunctionLike(result)) return { code: 'EXPRESSION_FAILED', jsonataCode: undefined };
    return { value: toPlain(result) };
  } catch (error) {
    const mapped = runtimeError(error, source);
    return { code: mapped.code, jsonataCode: mapped.details.jsonataCode };
  }
}

/** What compileExpression's evaluate yields, in the same shape. */
export async function outcomeOf(run: () => unknown): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return { code: error.code, jsonataCode: error.details.jsonataCode };
  }
}

export function fastOf(source: string): FastEvaluator | undefined {
  const ast = jsonata(source).ast() as AstNode;
  moveKeepArrayToPathNodes(ast);
  return compileFast(ast, DEFAULT_LIMITS);
}

/** Deep equality that also tells -0 from 0, NaN from undefined, and checks key order. */
export function expectSame(actual: unknown, expected: unknown, where: string | (() => string)): void {
  if (shape(actual) === shape(expected) && sameValues(actual, expected)) return;
  const text = typeof where === 'string' ? where : where();
  expect(actual, text).to.deep.equal(expected);
  expect(shape(actual), text).to.equal(shape(expected));
}

function sameValues(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k, i) => k === kb[i] && sameValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function shape(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))) return `#${Object.is(v, -0) ? '-0' : String(v)}`;
    return v === undefined ? '#undefined' : v;
  }) ?? '#undefined';
}

export interface Tally { fast: number; fallback: number }

/**
 * Checks one fast evaluation against JSONata's outcome on the same scope: a fast result must equal JSONata's
 * result exactly (and JSONata must not have failed); FALLBACK is always allowed.
 */
export function checkFast(source: string, fast: FastEvaluator, scope: Record<string, unknown>, expected: Outcome, tally: Tally): void {
  const got = fast(scope);
  if (got === FALLBACK) {
    tally.fallback++;
    return;
  }
  tally.fast++;
  const where = () => `${source} on ${show(scope)}`;
  if (!('value' in expected)) expect.fail(`${where()}: fast path gave ${show(got)} but JSONata failed with ${expected.jsonataCode ?? expected.code}`);
  expectSame(got, expected.value, where);
}

export function show(value: unknown): string {
  try {
    return shape(value);
  } catch {
    return String(value);
  }
}
