import { expect } from 'chai';
import { compileValue, ExpressionError } from '../../../src/engine/expressions/index.js';

const scope = {
  person: { firstName: 'Ann', workEmail: ' Ann@X.COM ', workLocationId: '7', tags: ['t'] },
  mappings: { location: { '7': 99 } },
};

function valueError(value: unknown): ExpressionError {
  try {
    compileValue(value);
  } catch (error) {
    expect(error).to.be.instanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('compiled');
}

describe('expressions: compileValue', () => {
  it('builds a nested input from expressions at any depth', async () => {
    const compiled = compileValue({
      first_name: '=person.firstName',
      email: '=$lowercase($trim(person.workEmail))',
      locations: ['=$lookup(mappings.location, person.workLocationId)'],
      meta: { source: 'goco', tags: '=person.tags' },
    });
    expect(await compiled.evaluate(scope)).to.deep.equal({
      first_name: 'Ann',
      email: 'ann@x.com',
      locations: [99],
      meta: { source: 'goco', tags: ['t'] },
    });
  });

  it('lists every expression with its JSON pointer', () => {
    const compiled = compileValue({ a: '=person.firstName', 'b/c': ['x', '=mappings.location'] });
    expect(compiled.expressions.map((e) => [e.path, e.expr.source])).to.deep.equal([
      ['/a', 'person.firstName'],
      ['/b~1c/1', 'mappings.location'],
    ]);
  });

  it('unions refs and properties', () => {
    const compiled = compileValue({ a: '=person.firstName', b: '=properties.region', c: '=mappings.x' });
    expect([[...compiled.refs].sort(), [...compiled.properties]]).to.deep.equal([['mappings', 'person', 'properties'], ['region']]);
  });

  it('is synchronous when every expression is a plain path', () => {
    const result = compileValue({ a: '=person.firstName', b: ['=person.tags'] }).evaluate(scope);
    expect(result).to.deep.equal({ a: 'Ann', b: [['t']] });
  });

  it('returns the very same value when nothing is an expression', () => {
    const input = { a: 'x', b: [1, { c: true }] };
    const compiled = compileValue(input);
    expect([compiled.isStatic, compiled.evaluate(scope) === input]).to.deep.equal([true, true]);
  });

  it('turns == into a literal = and keeps other literals', () => {
    const compiled = compileValue({ formula: '==SUM(A1:A3)', plain: 'a=b', n: 3 });
    expect([compiled.isStatic, compiled.evaluate(scope)]).to.deep.equal([true, { formula: '=SUM(A1:A3)', plain: 'a=b', n: 3 }]);
  });

  it('compiles a single expression string', async () => {
    expect(await compileValue('=$uppercase(person.firstName)').evaluate(scope)).to.equal('ANN');
  });

  it('leaves out keys whose expression yields undefined', async () => {
    expect(await compileValue({ a: '=person.middleName', b: 1 }).evaluate(scope)).to.deep.equal({ b: 1 });
  });

  it('leaves out undefined array items', () => {
    expect(compileValue(['=person.middleName', '=person.firstName']).evaluate(scope)).to.deep.equal(['Ann']);
  });

  it('keeps a literal __proto__ key as data', () => {
    const input = JSON.parse('{"__proto__": "=person.firstName"}') as unknown;
    const result = compileValue(input).evaluate(scope) as Record<string, unknown>;
    expect([Object.getPrototypeOf(result) === Object.prototype, Object.hasOwn(result, '__proto__')]).to.deep.equal([true, true]);
  });

  it('reports a compile error with the JSON pointer of the bad expression', () => {
    const error = valueError({ ok: '=a.b', steps: [{ email: '=$lowercase(a))' }] });
    expect([error.code, error.details.path, error.details.position]).to.deep.equal(['EXPRESSION_INVALID', '/steps/0/email', 13]);
  });

  it('lists every bad expression in details.problems', () => {
    const error = valueError({ a: '=a)', b: '=x.constructor' });
    expect((error.details.problems as Array<{ path: string }>).map((p) => p.path)).to.deep.equal(['/a', '/b']);
  });

  it('rejects an evaluation failure with the JSON pointer', async () => {
    try {
      await compileValue({ x: { y: "=$error('boom')" } }).evaluate(scope);
      expect.fail('evaluated');
    } catch (error) {
      expect([(error as ExpressionError).code, (error as ExpressionError).details.path]).to.deep.equal(['EXPRESSION_FAILED', '/x/y']);
    }
  });

  it('does not share built containers between evaluations', async () => {
    const compiled = compileValue({ a: { b: '=person.firstName' } });
    const [one, two] = [compiled.evaluate(scope), compiled.evaluate(scope)] as Array<{ a: unknown }>;
    expect(one!.a).to.not.equal(two!.a);
  });
});
