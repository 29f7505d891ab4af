import { expect } from 'chai';
import fc from 'fast-check';
import { FALLBACK } from '../../../src/engine/expressions/fast.js';
import { expectSame, fastOf, reference, show } from './fast-reference.js';

const LEAVES = ['a', 'b', 's', 'x', 'obj.x', 'obj', 'obj.y.z', 'missing', '1', '0', '-1', '2.5', '0.1', '"x"', '""', '" A  b "', '"12"',
  'true', 'false', 'null', '[]', '{}'];
const ONE_ARG = ['lowercase', 'uppercase', 'trim', 'length', 'string', 'number', 'exists', 'boolean', 'not', 'count', 'join',
  'abs', 'floor', 'round', 'sum'];
const BINARY = ['+', '-', '*', '/', '%', '&', '=', '!=', '<', '<=', '>', '>=', 'in', 'and', 'or'];

/** Random expressions of the fast subset (every one must compile to the fast path). */
const expression = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...LEAVES),
    fc.tuple(fc.constantFrom(...BINARY), tie('e'), tie('e')).map(([op, l, r]) => `(${l} ${op} ${r})`),
    fc.tuple(fc.constantFrom(...ONE_ARG), tie('e')).map(([f, x]) => `$${f}(${x})`),
    tie('e').map((x) => `-(${x})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, t, e]) => `(${c} ? ${t} : ${e})`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `[${x}, ${y}]`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `{"k": ${x}, "1": ${y}}`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `$substring(${x}, ${y})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([x, y, z]) => `$substring(${x}, ${y}, ${z})`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `$contains(${x}, ${y})`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `$join(${x}, ${y})`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `$round(${x}, ${y})`),
    fc.tuple(tie('e'), tie('e')).map(([x, y]) => `$lookup(${x}, ${y})`),
    fc.tuple(fc.constantFrom('a', 'b', 'obj', 'obj.y', 'list'), tie('e')).map(([p, x]) => `${p}.{"k": ${x}, "x": x}`),
  ),
})).e;

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, 0.5, 1.5, 2.5, 1e21, 1e-7, 0.1 + 0.2),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', ' x ', '12', '0x1F', 'ü😀', 'a\tb  c', 'Hello'),
);
const item = fc.dictionary(fc.constantFrom('x', 'y', 'z'), scalar, { maxKeys: 2 });
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: item },
);
const scope = fc.record(
  { a: value, b: value, s: value, list: fc.array(fc.oneof({ weight: 5, arbitrary: item }, { weight: 1, arbitrary: value }), { maxLength: 4 }), obj: fc.oneof(value, fc.record({ x: value, y: fc.oneof(value, fc.record({ z: value })) }, { requiredKeys: [] })) },
  { requiredKeys: [] },
);

describe('expressions: fast path against JSONata (generated)', () => {
  it('compiles every generated subset expression to the fast path', () => {
    fc.assert(fc.property(expression, (source) => fastOf(source) !== undefined), { numRuns: 300 });
  });

  it('equals JSONata on random expressions and scopes whenever it answers', async () => {
    let fast = 0;
    await fc.assert(
      fc.asyncProperty(expression, scope, async (source, data) => {
        const got = fastOf(source)!(data);
        if (got === FALLBACK) return;
        fast++;
        const expected = await reference(source, data);
        if (!('value' in expected)) expect.fail(`${source} on ${show(data)}: fast path gave ${show(got)}, JSONata failed with ${expected.jsonataCode}`);
        expectSame(got, expected.value, () => `${source} on ${show(data)}`);
      }),
      { numRuns: 1500 },
    );
    expect(fast).to.be.greaterThan(100);
  });
});
