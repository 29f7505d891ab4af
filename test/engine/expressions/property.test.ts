/**
 * Property tests: random expressions from a grammar of JSONata constructs (paths through forbidden-ish names,
 * $lookup, $keys, $merge, $each, $sift, object constructors, transforms, function definitions, recursion)
 * against random scopes. Whatever the expression, evaluation stays in the sandbox - the result is plain
 * data, no prototype or global gains or loses a property, the scope is unchanged - and it ends: a result or
 * an ExpressionError, within the limits.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { compileExpression, ExpressionError, type ExpressionLimits } from '../../../src/engine/expressions/index.js';

/** Names an escape would reach for, built at run time so no scanner mistakes this file for an attack. */
const DANGEROUS = [['con', 'structor'], ['__pro', 'to__'], ['proto', 'type'], ['pro', 'cess'], ['req', 'uire'], ['global', 'This'],
  ['glo', 'bal'], ['main', 'Module'], ['Func', 'tion'], ['ev', 'al'], ['__define', 'Getter__'], ['__lookup', 'Getter__'],
  ['value', 'Of'], ['to', 'String'], ['has', 'OwnProperty'], ['bi', 'nd'], ['ca', 'll'], ['app', 'ly'], ['th', 'is']].map((p) => p.join(''));
const NAMES = [...DANGEROUS, 'a', 'b', 'items', 'person', 'name', 'n'];

const name = fc.constantFrom(...NAMES);
const quoted = (s: string): string => JSON.stringify(s);
const pathOf = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.map((p) => `\`${p}\``).join('.'));

/** Scopes with own data properties under any of the names (`__proto__` included, as an own key). */
const scopeArb = fc.array(fc.tuple(name, fc.jsonValue({ maxDepth: 3 })), { maxLength: 6 }).map((entries) => {
  const scope: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(scope, key, { value, enumerable: true, writable: true, configurable: true });
  return scope;
});

const { expr } = fc.letrec<{ expr: string }>((tie) => {
  const e = tie('expr');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.integer({ min: -5, max: 50 }).map(String), fc.string({ maxLength: 8 }).map(quoted), fc.constantFrom('true', 'false', 'null', '$', '$$')),
      pathOf,
      name.map((n) => `$lookup($, ${quoted(n)})`),
      fc.tuple(e, name).map(([x, n]) => `$lookup(${x}, ${quoted(n)})`),
      fc.tuple(e, e).map(([x, k]) => `$lookup(${x}, $string(${k}))`),
      e.map((x) => `$keys(${x})`),
      fc.tuple(e, e).map(([x, y]) => `$merge([${x}, ${y}])`),
      e.map((x) => `$each(${x}, function($v, $k) { $k })`),
      fc.tuple(e, e).map(([x, y]) => `$each(${x}, function($v, $k) { ${y} })`),
      e.map((x) => `$sift(${x}, function($v, $k) { true })`),
      e.map((x) => `$spread(${x})`),
      fc.tuple(name, e).map(([n, x]) => `{${quoted(n)}: ${x}}`),
      fc.tuple(e, e).map(([x, y]) => `[${x}, ${y}]`),
      fc.tuple(e, name, e).map(([x, n, y]) => `${x} ~> |$|{${quoted(n)}: ${y}}|`),
      fc.tuple(e, pathOf, name).map(([x, p, n]) => `${x} ~> |${p}|{}, [${quoted(n)}]|`),
      fc.tuple(e, e).map(([body, arg]) => `($f := function($x) { ${body} }; $f(${arg}))`),
      fc.tuple(e, e, e).map(([c, x, y]) => `(${c}) ? (${x}) : (${y})`),
      fc.tuple(e, e, fc.constantFrom('&', '+', '=', '!=', 'and', 'or', 'in')).map(([x, y, op]) => `(${x}) ${op} (${y})`),
      fc.tuple(e, pathOf).map(([x, p]) => `(${x}).${p}`),
      fc.tuple(e, e).map(([x, y]) => `(${x})[${y}]`),
      e.map((x) => `$string(${x})`),
      e.map((x) => `$type(${x})`),
      e.map((x) => `$eval(${x})`),
      fc.constantFrom(
        '$lookup($lookup($, "a"), $join(["con", "structor"]))',
        '$each($, function($v, $k) { $lookup($v, $join(["__pro", "to__"])) })',
        '($f := function($x) { $x }; $f.constructor)',
        '($f := function($x) { $x }; $lookup($f, "call"))',
        '$merge([{}, $lookup({}, $join(["__pro", "to__"]))])',
        '{} ~> |$|{"polluted": true}|',
        '$keys($lookup($, "a"))',
      ),
      fc.integer({ min: 0, max: 3_000 }).map((n) => `($f := function($n) { $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(${n}))`),
      fc.integer({ min: 0, max: 3_000 }).map((n) => `($g := function($n, $acc) { $n <= 0 ? $acc : $g($n - 1, $acc + 1) }; $g(${n}, 0))`),
      fc.integer({ min: 1, max: 5_000 }).map((n) => `$count([1..${n}].($ * 2))`),
    ),
  };
});

const snapshot = (): Record<string, string[]> => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
  string: Object.getOwnPropertyNames(String.prototype).sort(),
  global: Object.getOwnPropertyNames(globalThis).sort(),
});

/** Only plain data: no functions, no class instances, nothing reachable but plain objects and arrays. */
function isPlainData(value: unknown, depth = 0): boolean {
  if (depth > 2_000) return false;
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return false;
  if (value === null || typeof value !== 'object') return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
  return Object.getOwnPropertyNames(value).every((k) => k === 'length' && Array.isArray(value)
    || isPlainData((value as Record<string, unknown>)[k], depth + 1));
}

const WALL_MS = 2_000;

/** Checks one evaluation; returns 'value' or the error code, so a test can see the grammar reaches evaluation. */
async function checkOne(source: string, scope: Record<string, unknown>, limits: ExpressionLimits, before: Record<string, string[]>): Promise<string> {
  const frozen = JSON.stringify(Object.entries(Object.getOwnPropertyDescriptors(scope)).map(([k, d]) => [k, d.value]));
  const started = performance.now();
  let outcome: { value: unknown } | { code: string };
  try {
    const compiled = compileExpression(source, limits);
    outcome = { value: await compiled.evaluate(scope) };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw new Error(`${source} threw a ${(error as Error)?.constructor?.name}: ${String(error)}`);
    outcome = { code: error.code };
  }
  const elapsed = performance.now() - started;
  expect(elapsed, `wall time of ${source}`).to.be.below(WALL_MS);
  if ('value' in outcome) expect(isPlainData(outcome.value), `result of ${source} is plain data`).to.equal(true);
  else expect(['EXPRESSION_INVALID', 'EXPRESSION_FAILED', 'EXPRESSION_LIMIT']).to.include(outcome.code);
  expect(snapshot(), `prototypes and globals after ${source}`).to.deep.equal(before);
  expect(({} as Record<string, unknown>).polluted, `Object.prototype.polluted after ${source}`).to.equal(undefined);
  expect(JSON.stringify(Object.entries(Object.getOwnPropertyDescriptors(scope)).map(([k, d]) => [k, d.value])), `scope after ${source}`).to.equal(frozen);
  return 'value' in outcome ? 'value' : outcome.code;
}

describe('expressions: random expressions stay in the sandbox and end', function () {
  this.timeout(20_000);

  it('random expressions over random scopes (tight limits) give plain data or an ExpressionError', async () => {
    const before = snapshot();
    const seen = new Map<string, number>();
    await fc.assert(fc.asyncProperty(expr, scopeArb, async (source, scope) => {
      const kind = await checkOne(source, scope, { maxMs: 250, maxSteps: 100_000 }, before);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    }), { numRuns: 300, seed: 424242 });
    // The grammar must mostly reach evaluation, not stop at compile-time rejections.
    expect(seen.get('value') ?? 0, JSON.stringify([...seen])).to.be.at.least(100);
  });

  it('unbounded loops and recursion end within the default limits (EXPRESSION_LIMIT or a result, under 2 s)', async () => {
    const before = snapshot();
    const loops = fc.oneof(
      fc.integer({ min: 1, max: 1_000_000 }).map((n) => `($f := function($n) { $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(${n}))`),
      fc.integer({ min: 1, max: 1_000_000 }).map((n) => `($g := function($n, $acc) { $n <= 0 ? $acc : $g($n - 1, $acc + 1) }; $g(${n}, 0))`),
      fc.constant('($f := function($n) { $f($n + 1) }; $f(0))'),
      fc.integer({ min: 1, max: 2_000_000 }).map((n) => `$count([1..${n}].($ * 2))`),
      fc.constant('$reduce([1..1000], function($a, $i) { $append($a, [1..1000]) }, [])'),
    );
    await fc.assert(fc.asyncProperty(loops, scopeArb, async (source, scope) => {
      await checkOne(source, scope, {}, before);
    }), { numRuns: 8, seed: 7 });
  });
});
