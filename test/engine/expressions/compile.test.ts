import { expect } from 'chai';
import {
  compileExpression,
  ExpressionError,
  isExpressionString,
  literalString,
  registerFunction,
  unregisterFunction,
} from '../../../src/engine/expressions/index.js';

function compileError(source: string): ExpressionError {
  try {
    compileExpression(source);
  } catch (error) {
    expect(error).to.be.instanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error(`compiled: ${source}`);
}

async function runtimeError(source: string, scope: Record<string, unknown> = {}): Promise<ExpressionError> {
  try {
    await compileExpression(source).evaluate(scope);
  } catch (error) {
    expect(error).to.be.instanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error(`evaluated: ${source}`);
}

describe('expressions: compile and evaluate', () => {
  describe('isExpressionString and literalString', () => {
    it('accepts a string starting with one =', () => {
      expect(isExpressionString('=person.firstName')).to.equal(true);
    });

    it('rejects a string starting with ==', () => {
      expect(isExpressionString('==literal')).to.equal(false);
    });

    it('rejects plain strings and non-strings', () => {
      expect([isExpressionString('person'), isExpressionString(1), isExpressionString(undefined)]).to.deep.equal([false, false, false]);
    });

    it('turns == into a literal =', () => {
      expect(literalString('==a=b')).to.equal('=a=b');
    });

    it('leaves other literals alone', () => {
      expect(literalString('a==b')).to.equal('a==b');
    });
  });

  describe('compile errors', () => {
    it('reports an unexpected token with its 0-based position', () => {
      const error = compileError('$lowercase(a))');
      expect([error.code, error.details.position, error.message]).to.deep.equal(['EXPRESSION_INVALID', 13, "unexpected token ')' at 13"]);
    });

    it('reports an unterminated string', () => {
      const error = compileError("person.firstName & 'abc");
      expect(error.code).to.equal('EXPRESSION_INVALID');
      expect(error.details.position).to.be.a('number');
    });

    it('reports a missing closing bracket', () => {
      const error = compileError('items[0');
      expect(error.message).to.match(/^expected "\]" before end of expression at \d+$/);
    });

    it('reports an empty expression', () => {
      expect(compileError('  ').message).to.equal('the expression is empty');
    });

    it('reports an unknown function with its position', () => {
      const error = compileError('$trim($lowercse(x))');
      expect([error.message, error.details.position]).to.deep.equal(["unknown function '$lowercse' at 6", 6]);
    });

    it('accepts functions the expression defines itself', () => {
      expect(() => compileExpression('($up := function($s){ $uppercase($s) }; $up(name))')).to.not.throw();
    });

    it('is a user error that carries the source', () => {
      const error = compileError('a +');
      expect([error.kind, error.details.source]).to.deep.equal(['user', 'a +']);
    });
  });

  describe('evaluation', () => {
    const scope = {
      person: { firstName: 'Ann', workEmail: '  Ann@Example.COM ', workLocationId: '7', active: true },
      mappings: { location: { '7': 99 } },
      plan: { counts: { to_create: 3 } },
      properties: { default_phone_region: 'US' },
      users: { items: [{ email: 'a@x', status: 'active' }, { email: 'b@x', status: 'gone' }] },
    };

    const cases: Array<[string, unknown]> = [
      ['$lowercase($trim(person.workEmail))', 'ann@example.com'],
      ['$lookup(mappings.location, person.workLocationId)', 99],
      ['plan.counts.to_create > 0', true],
      ["person.active ? 'yes' : 'no'", 'yes'],
      ["person.firstName & ' <' & $lowercase($trim(person.workEmail)) & '>'", 'Ann <ann@example.com>'],
      ['$count(users.items)', 2],
      ['$exists(person.middleName)', false],
      ['users.items.email', ['a@x', 'b@x']],
      ["users.items[status='active'].email", 'a@x'],
      ["users.items[status='active'][]", [{ email: 'a@x', status: 'active' }]],
      ["$exists(person.nickname) ? person.nickname : person.firstName", 'Ann'],
      ["plan.counts.to_create > 0 and $not(person.active)", false],
      ["person ~> | $ | {'firstName': 'Bob'}, ['workEmail'] |", { firstName: 'Bob', workLocationId: '7', active: true }],
      ["$merge([person, {'active': false}]).active", false],
    ];
    for (const [source, expected] of cases) {
      it(`${source} -> ${JSON.stringify(expected)}`, async () => {
        expect(await compileExpression(source).evaluate(scope)).to.deep.equal(expected);
      });
    }

    it('returns a one-element match as the element, not an array (the JSONata gotcha)', async () => {
      const result = await compileExpression("users.items[status='active']").evaluate(scope);
      expect(result).to.deep.equal({ email: 'a@x', status: 'active' });
    });

    it('returns sequences as plain arrays', async () => {
      const result = await compileExpression('users.items.email').evaluate(scope);
      expect(Object.keys(result as object)).to.deep.equal(['0', '1']);
    });

    it('evaluates the same compiled expression concurrently', async () => {
      const expr = compileExpression('$uppercase(name)');
      const names = Array.from({ length: 50 }, (_, i) => `n${i}`);
      const results = await Promise.all(names.map((name) => expr.evaluate({ name })));
      expect(results).to.deep.equal(names.map((n) => n.toUpperCase()));
    });
  });

  describe('plain path fast path', () => {
    const scope = { a: { b: { c: 1 } }, list: { items: [7] }, empty: { items: [] }, nil: null };

    it('marks a dotted path as plain', () => {
      expect(compileExpression('a.b.c').isPlainPath).to.equal(true);
    });

    it('marks a backtick-quoted step as plain', async () => {
      const expr = compileExpression('a.`b`.c');
      expect([expr.isPlainPath, expr.evaluate(scope)]).to.deep.equal([true, 1]);
    });

    it('does not mark predicates, functions or [] as plain', () => {
      const plain = ['a[0]', '$trim(a)', 'a.b[]', '$.a', 'a{b: c}', 'true'].map((s) => compileExpression(s).isPlainPath);
      expect(plain).to.deep.equal([false, false, false, false, false, false]);
    });

    it('evaluates synchronously', () => {
      expect(compileExpression('a.b.c').evaluate(scope)).to.equal(1);
    });

    it('returns a one-element array as it is', () => {
      const items = compileExpression('list.items').evaluate(scope);
      expect(items).to.equal(scope.list.items);
    });

    it('returns an empty array as it is', () => {
      expect(compileExpression('empty.items').evaluate(scope)).to.equal(scope.empty.items);
    });

    it('returns undefined for a missing step', () => {
      expect(compileExpression('a.x.c').evaluate(scope)).to.equal(undefined);
    });

    it('returns undefined when a step meets null or a scalar', () => {
      expect([compileExpression('nil.x').evaluate(scope), compileExpression('a.b.c.d').evaluate(scope)]).to.deep.equal([undefined, undefined]);
    });

    it('reads own properties only', () => {
      const inherited = Object.create({ secret: 1 }) as Record<string, unknown>;
      expect(compileExpression('o.secret').evaluate({ o: inherited })).to.equal(undefined);
    });

    it('does not read toString or hasOwnProperty from the prototype', () => {
      expect([compileExpression('a.toString').evaluate(scope), compileExpression('hasOwnProperty').evaluate(scope)]).to.deep.equal([undefined, undefined]);
    });

    it('maps over an array in the middle of the path, as JSONata does', async () => {
      const result = await compileExpression('users.email').evaluate({ users: [{ email: 'a' }, { email: 'b' }] });
      expect(result).to.deep.equal(['a', 'b']);
    });
  });

  describe('runtime errors', () => {
    it('maps a JSONata type error to EXPRESSION_FAILED with a position', async () => {
      const error = await runtimeError("a + 'x'", { a: 1 });
      expect([error.code, error.details.jsonataCode, error.details.position]).to.deep.equal(['EXPRESSION_FAILED', 'T2002', 2]);
    });

    it('does not quote the data value in the message', async () => {
      const error = await runtimeError('$number(token)', { token: 'sk_live_abcdef' });
      expect(error.message).to.not.include('sk_live_abcdef');
    });

    it('passes $error messages through', async () => {
      const error = await runtimeError("$error('no location mapping')");
      expect(error.message).to.include('no location mapping');
    });
  });

  describe('registerFunction', () => {
    after(() => {
      unregisterFunction('shout');
    });

    it('makes a pure function callable from expressions compiled afterwards', async () => {
      registerFunction('shout', (s: string) => `${s.toUpperCase()}!`, '<s:s>');
      expect(await compileExpression('$shout(name)').evaluate({ name: 'hi' })).to.equal('HI!');
    });

    it('refuses to replace a built-in', () => {
      expect(() => registerFunction('lookup', () => 1)).to.throw(/reserved/);
    });

    it('refuses forbidden names', () => {
      expect(() => registerFunction('constructor', () => 1)).to.throw(/reserved/);
    });
  });
});
