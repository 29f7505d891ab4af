import { expect } from 'chai';
import jsonata from 'jsonata';
import type { AstNode } from '../../../src/engine/expressions/ast.js';
import { compileFast, FALLBACK } from '../../../src/engine/expressions/fast.js';
import { compileExpression, DEFAULT_LIMITS, ExpressionError } from '../../../src/engine/expressions/index.js';
import { fastOf, reference } from './fast-reference.js';

const INELIGIBLE = [
  'items[x > 1]', 'a.b[0]', 'a.b[]', '$map(a, function($v) { $v })', 'function($x) { $x }', '$', '$$.a', '$x', '*', '**', 'a.*',
  'a.b.%.c', 'a^(b)', 'a{b: c}', 'a.(b)', '$uppercase~>$lowercase', '"a" ~> $uppercase()', '[1..3]', '$match(a, /x/)',
  '$contains(a, /x/)', '$substring(?, 1)', '($x := 1; $x)', '$trim()', '$lowercase(a, b)', '$string(a, true)', '$ceil(a)',
  '$sum(a, b)', '$keys(a)', '$now()', '{"a": 1, "a": 2}', '{a: 1}', '{"_jsonata_lambda": 1}', 'a ~> | b | {"c": 1} |', 'a@$x',
  'a#$i', 'a.b.c#$i', '$eval("1")', '()', 'a.{x: y}', 'a.{"k": x}.b', 'a.({"k": x})', 'a.{"k": x}[0]', 'a[].{"k": x}',
];

function astOf(source: string): AstNode {
  return jsonata(source).ast() as AstNode;
}

describe('expressions: fast path eligibility', () => {
  for (const source of INELIGIBLE) {
    it(`leaves ${source} to JSONata`, () => {
      expect(fastOf(source)).to.equal(undefined);
    });
  }

  it('marks fast expressions on the compiled expression', () => {
    const flags = ['$trim(a)', 'a + 1', 'a.b', 'a[0]', '$map(a, $string)'].map((s) => compileExpression(s).isFast);
    expect(flags).to.deep.equal([true, true, true, false, false]);
  });

  it('falls back at run time when a path meets an array halfway', async () => {
    const scope = { a: { b: [{ c: 'X' }, { c: 'Y' }] } };
    const compiled = compileExpression('$lowercase(a.b.c)');
    expect(fastOf('$lowercase(a.b.c)')!(scope)).to.equal(FALLBACK);
    const expected = await reference('$lowercase(a.b.c)', scope);
    expect(await outcome(() => compiled.evaluate(scope))).to.deep.equal(expected);
  });

  it('returns a Promise (JSONata) for a fallback and a plain value otherwise', () => {
    const compiled = compileExpression('$string(a.b.c)');
    expect(compiled.evaluate({ a: { b: { c: 1 } } })).to.equal('1');
    const pending = compiled.evaluate({ a: { b: [{ c: 1 }, { c: 2 }] } });
    expect(pending).to.be.instanceOf(Promise);
    return (pending as Promise<unknown>).then((v) => expect(v).to.equal('[1,2]'));
  });

  it("reports JSONata's error code when the data makes the expression fail", async () => {
    const error = await outcome(() => compileExpression('a + 1').evaluate({ a: 'text' }));
    expect(error).to.deep.equal({ code: 'EXPRESSION_FAILED', jsonataCode: 'T2001' });
  });

  it('never reads inherited properties', () => {
    const inherited = Object.create({ secret: 'x' }) as object;
    const results = ['$string(o.secret)', '$lookup(o, "secret")', '$exists(o.toString)'].map((s) => fastOf(s)!({ o: inherited }));
    expect(results).to.deep.equal([undefined, undefined, false]);
  });

  it('reads nothing under a forbidden key built at run time', () => {
    expect(fastOf('$lookup(o, "con" & "structor")')!({ o: {} })).to.equal(undefined);
  });

  it('treats objects JSONata marks as functions by falling back', () => {
    expect(fastOf('$string(o.x)')!({ o: { _jsonata_function: true, x: 1 } })).to.equal(FALLBACK);
    // The scope itself, for a name read from it, and for a map's items.
    expect(fastOf('o')!({ _jsonata_lambda: true, o: 1 })).to.equal(FALLBACK);
    expect(fastOf('o.x & ""')!({ _jsonata_function: true, o: { x: 1 } })).to.equal(FALLBACK);
    expect(fastOf('l.{"v": x.y}')!({ l: [{ x: { y: 1 } }, { _jsonata_function: true, x: { y: 2 } }] })).to.equal(FALLBACK);
    expect(fastOf('o.x & ""')!({ o: { x: 1 } })).to.equal('1');
  });

  it('is not eligible when the step limit is smaller than twice the expression', () => {
    const limits = { ...DEFAULT_LIMITS, maxSteps: 8 };
    expect([compileFast(astOf('1 + 2'), limits) !== undefined, compileFast(astOf('$trim(a) & $trim(b)'), limits)]).to.deep.equal([true, undefined]);
  });

  it('is not eligible when the depth limit is smaller than twice the nesting', () => {
    const limits = { ...DEFAULT_LIMITS, maxDepth: 6 };
    expect([compileFast(astOf('-1'), limits) !== undefined, compileFast(astOf('-(-(-(-1)))'), limits)]).to.deep.equal([true, undefined]);
  });

  it("leaves a map to JSONata when JSONata's count of steps could pass the limit, so limits hold as before", async () => {
    // a.{"v": x}: JSONata visits the path and its name once, then 4 nodes per item ('{', key, path, name);
    // the fast path counts the 6 nodes of the expression plus 4 per item. With 40 steps allowed, JSONata
    // answers up to 9 items and stops at 10; the fast path answers up to 8 and leaves 9 to JSONata.
    const compiled = compileExpression('a.{"v": x}', { maxSteps: 40 });
    const results = [];
    for (const n of [2, 8, 9, 10]) {
      const scope = { a: Array.from({ length: n }, (_, x) => ({ x })) };
      const result = compiled.evaluate(scope);
      results.push({ n, fast: !(result instanceof Promise), outcome: await outcome(() => result) });
    }
    const list = (n: number) => Array.from({ length: n }, (_, v) => ({ v }));
    expect(results).to.deep.equal([
      { n: 2, fast: true, outcome: { value: list(2) } },
      { n: 8, fast: true, outcome: { value: list(8) } },
      { n: 9, fast: false, outcome: { value: list(9) } },
      { n: 10, fast: false, outcome: { code: 'EXPRESSION_LIMIT', jsonataCode: undefined } },
    ]);
  });

  it('counts the steps of every map in one evaluation together', () => {
    const compiled = compileExpression('[a.{"v": x}, b.{"v": x}]', { maxSteps: 61 });
    const items = (n: number) => Array.from({ length: n }, (_, x) => ({ x }));
    // 13 nodes in all (the array; each map's path, name, object, key, value path and name) plus 4 per item.
    expect(compiled.evaluate({ a: items(6), b: items(6) })).to.not.be.instanceOf(Promise);
    const both = compiled.evaluate({ a: items(6), b: items(7) });
    expect(both).to.be.instanceOf(Promise);
    return both;
  });

  it('is not eligible past 120 counted nodes, so JSONata would never have read its clock', () => {
    const long = Array.from({ length: 70 }, (_, i) => `${i}`).join(' + ');
    expect([fastOf('1 + 2'), fastOf(long)].map((f) => f !== undefined)).to.deep.equal([true, false]);
  });
});

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return { code: error.code, jsonataCode: error.details.jsonataCode };
  }
}
