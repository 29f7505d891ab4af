import { expect } from 'chai';
import { compileExpression } from '../../../src/engine/expressions/index.js';
import { checkFast, expectSame, fastOf, type Outcome, outcomeOf, reference, show, type Tally } from './fast-reference.js';

/** Expressions in the fast subset, over the names a, b, s, obj (and some that are never set). */
const EXPRESSIONS = [
  '1', '"x"', 'true', 'false', 'null', '-1', '1.5e3', '0.1 + 0.2',
  'a', 'obj.x', 'obj.x.y', 'a.x', 'missing.x', '`a`', '$lookup(obj, "x")', '$lookup(a, "x")', '$lookup(obj, s)',
  'a + 1', 'a - b', 'a * 2 + b', 'a / b', 'a % b', '-a', '-(a)', 'a / 0', '1 / 3', '2 * 0.1',
  'a & "x"', '"x" & a & b', 'obj.x & ""', 'a & b', 'missing & missing', '1 / 3 & ""', 'a * 1e20 & ""',
  'a = b', 'a != 1', 'a < b', 'a <= "m"', 'a > 0', 'a >= b', 'a = obj', 'obj = {"x": obj.x, "y": obj.y}',
  '[1, 2] = a', 'a = null', 'a != missing', 'a < missing', '"a" < "b"',
  'a and b', 'a or b', 'a and missing', 'missing or a', '$not(a)', '$boolean(a)', 'a ? "y" : "n"', 'a ? 1',
  '(a)', '(a; b)', '(obj.x)',
  '[a, b]', '[a, [b]]', '[[a]]', '[]', '[missing]', '[a, obj.x, 1]',
  '{"k": a, "m": b}', '{"k": missing}', '{"1": a, "b": b, "0": 1}', '{"o": {"p": a}}', '{"a": [a]}',
  '$lowercase(a)', '$uppercase(a)', '$trim(a)', '$trim(s)', '$length(a)', '$length(s)', '$string(a)', '$string(b)',
  '$number(a)', '$number(s)', '$substring(a, 1)', '$substring(a, -2, 1)', '$substring(a, b)', '$substring(s, 1, b)',
  '$substring(s, a)', '$contains(a, "x")', '$contains("abc", a)', '$contains(s, "l")', '$exists(a)', '$exists(missing)',
  '$count(a)', '$count(missing)', '$join(a)', '$join(a, ",")', '$join(["x", a], b)', '$abs(a)', '$floor(a)',
  '$round(a)', '$round(a, 2)', '$round(a, b)', '$sum(a)', '$sum([a, b])',
  '$lowercase($trim(s))', 'a * 2 + $length(obj.x)', '$uppercase(s) & "-" & $string(a)',
  '$exists(a) ? $string(a) : "none"', '$count([a, b, obj.x])', '$boolean([a, b])', '$not(obj)',
  'a in [1, 3, "x"]', 'a in b', 'a in a', 'obj in [obj]', 'obj.x in ["Mixed Case", 2]', 'missing in [1]', 'a in missing',
  '$lowercase($trim(s)) in ["hello world", "x"]', '[1] in [[1]]',
  // Maps: an object built for each item of a list.
  'a.{"v": x}', 'obj.{"v": x, "w": y}', '[a.{"v": x}]', 'obj.x.{"v": y}', 'a.{"n": $string(x), "k": 1}',
  '{"l": [a.{"v": x}]}', '[a.{"v": x}, b.{"v": x}]', 'a.{"o": {"p": x}, "m": x.y}', '$count(a.{"v": x})',
];

/** Values each name is given in turn: the shapes data really has, and the ones that make JSONata fail. */
const VALUES: unknown[] = [
  undefined, null, 0, -0, 1, 3, -2.5, 0.5, 2.5, 1.005, 1e21, 1e-7, 123456789.123456789, '', ' x ', 'ABC', 'Hello World',
  '12', '-3.5e2', '0x1F', '0b101', '12abc', ' 12', 'ünï 😀 ß', 'a\tb\n c  ', true, false, [], [1], [1, 2],
  ['a', 'b'], [''], [true], [0], [null], {}, { x: 1 }, { x: 'y' }, [{ x: 1 }, { x: 2 }], { x: { y: [1] } },
  [{ x: 1 }], [{ x: { y: 2 } }, {}], [{ x: [1, 2] }, { x: 'z' }], [{ x: 1 }, [{ x: 2 }]], [{ x: 1 }, null], [[{ x: 1 }]],
];

const BASE = { a: 3, b: 2, s: '  Hello   World ', obj: { x: 'Mixed Case', y: 1.005 } };

function scopes(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}, BASE];
  for (const v of VALUES) {
    out.push({ ...BASE, a: v });
    out.push({ ...BASE, b: v });
    out.push({ ...BASE, s: v, a: 'x' });
    out.push({ ...BASE, obj: { x: v, y: v } });
  }
  out.push({ ...BASE, obj: [{ x: 1 }, { x: 2 }] });
  out.push({ ...BASE, obj: null });
  out.push({ ...BASE, obj: 'text' });
  return out;
}

describe('expressions: fast path against JSONata (corpus)', () => {
  const all = scopes();
  /** JSONata's outcome per expression and scope, computed once for both comparisons. */
  const expected = new Map<string, Outcome[]>();

  before(async function () {
    // About 21,000 JSONata evaluations: seconds on a busy 2-core machine.
    this.timeout(60_000);
    for (const source of EXPRESSIONS) {
      const outcomes: Outcome[] = [];
      for (const scope of all) outcomes.push(await reference(source, scope));
      expected.set(source, outcomes);
    }
  });

  it('compiles every corpus expression to the fast path', () => {
    const slow = EXPRESSIONS.filter((s) => fastOf(s) === undefined);
    expect(slow).to.deep.equal([]);
  });

  it('gives exactly what JSONata gives whenever it answers, for every expression and scope', () => {
    const tally: Tally = { fast: 0, fallback: 0 };
    for (const source of EXPRESSIONS) {
      const fast = fastOf(source)!;
      all.forEach((scope, i) => checkFast(source, fast, scope, expected.get(source)![i]!, tally));
    }
    // Most cases must really take the fast path, or the test proves little.
    expect(tally.fast / (tally.fast + tally.fallback)).to.be.greaterThan(0.6);
  });

  it("compileExpression gives JSONata's value or error code for every expression and scope", async () => {
    for (const source of EXPRESSIONS) {
      const compiled = compileExpression(source);
      expect(compiled.isFast, source).to.equal(true);
      // Every third scope: the fast answers are checked above; this checks the fallback's wiring and errors.
      for (let i = 0; i < all.length; i += 3) {
        const got = await outcomeOf(() => compiled.evaluate(all[i]!));
        expectSame(got, expected.get(source)![i], () => `${source} on ${show(all[i])}`);
      }
    }
  });

  it('evaluates the benchmark expressions synchronously', () => {
    const scope = { item: { email: '  User1@Example.COM ', n: 7, name: 'Person 7' } };
    const results = ['$lowercase($trim(item.email))', 'item.n * 2 + $length(item.name)'].map((s) => compileExpression(s).evaluate(scope));
    expect(results).to.deep.equal(['user1@example.com', 22]);
  });

  it('returns results that do not share a built container between evaluations', () => {
    const compiled = compileExpression('{"k": [a]}');
    const [one, two] = [compiled.evaluate({ a: 1 }), compiled.evaluate({ a: 1 })];
    expect(one).to.deep.equal(two);
    expect(one).to.not.equal(two);
  });

  it('returns an array from the data as it is, like JSONata', () => {
    const list = [1, 2];
    expect(compileExpression('$exists(a) ? a : 0').evaluate({ a: list })).to.equal(list);
  });

  it('turns prototype-less objects from the scope into plain ones, like the JSONata path', () => {
    const bare = Object.assign(Object.create(null) as object, { x: 1 });
    const result = compileExpression('{"v": a}').evaluate({ a: bare }) as { v: object };
    expect(Object.getPrototypeOf(result.v)).to.equal(Object.prototype);
  });
});
