/** Regular expressions run on RE2 (linear time); built-ins stay inside the limits. */
import { expect } from 'chai';
import { compileExpression, ExpressionError } from '../../../src/engine/expressions/index.js';

const run = (source: string, scope: Record<string, unknown> = {}, limits = {}) => compileExpression(source, limits).evaluate(scope);

function compileError(source: string): ExpressionError {
  try {
    compileExpression(source);
  } catch (error) {
    expect(error).to.be.instanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error(`${source} compiled`);
}

async function limitOf(source: string, limits = {}): Promise<unknown> {
  try {
    await run(source, {}, limits);
  } catch (error) {
    expect((error as ExpressionError).code).to.equal('EXPRESSION_LIMIT');
    return (error as ExpressionError).details.limit;
  }
  throw new Error('no limit was hit');
}

describe('expressions: regular expressions on a linear-time engine', () => {
  it('a catastrophic pattern on a long string finishes at once with the right answer', async () => {
    const started = Date.now();
    expect(await run('$match(x, /(a+)+$/)', { x: 'a'.repeat(30) + 'b' })).to.equal(undefined);
    expect(await run('$contains(x, /^(a|aa)+$/)', { x: 'a'.repeat(5000) + '!' })).to.equal(false);
    expect(await run('$match(x, /(a+)+$/).match', { x: 'b' + 'a'.repeat(30) })).to.equal('a'.repeat(30));
    expect(Date.now() - started).to.be.below(500);
  });

  it('$match, $replace, $split and $contains give the results JavaScript regexes gave', async () => {
    expect(await run('$match(x, /(?<y>\\d{4})-(\\d\\d)?/)', { x: '2024- 1999-12' })).to.deep.equal([
      { match: '2024-', index: 0, groups: ['2024', undefined] },
      { match: '1999-12', index: 6, groups: ['1999', '12'] },
    ]);
    expect(await run('$replace(x, /(\\w+)@(\\w+)/, "$2 at $1")', { x: 'me@home you@work' })).to.equal('home at me work at you');
    expect(await run('$split(x, /[,;] */)', { x: 'a, b;c' })).to.deep.equal(['a', 'b', 'c']);
    expect(await run('$contains(x, /É/i)', { x: 'café' })).to.equal(true);
    expect(await run('$match(x, /^b$/m).index', { x: 'a\nb\nc' })).to.equal(2);
    expect(await run('$replace(x, /\\u00e9/, "e")', { x: 'été' })).to.equal('ete');
    expect(await run('x ~> /b+/', { x: 'abbc' })).to.deep.include({ match: 'bb', start: 1, end: 3 });
    expect(await run('$match(x, /😀(.)/).groups[0]', { x: 'x😀y' })).to.equal('y');
  });

  for (const [what, source, position] of [
    ['a backreference', '$match(x, /(a)\\1/)', 10],
    ['a lookahead', 'x ~> /a(?=b)/', 5],
    ['a lookbehind', '$replace(x, /(?<!a)b/, "")', 12],
  ] as const) {
    it(`${what} is refused when the expression is compiled, with its position`, () => {
      const error = compileError(source);
      expect(error.code).to.equal('EXPRESSION_INVALID');
      expect(error.details.position).to.equal(position);
      expect(error.message).to.match(/regular expression .*not supported.*without backreferences or lookaround\) at \d+$/);
    });
  }
});

describe('expressions: built-ins inside the limits', () => {
  it('a slow built-in at the end of an evaluation is a time limit, not a success', async () => {
    // A few AST nodes, so the hook never reads the clock; the range and its text take far more than 1 ms.
    expect(await limitOf('$string([1..300000])', { maxMs: 1 })).to.equal('time');
  });

  it('$pad refuses a width above a million characters', async () => {
    expect(await limitOf('$pad("x", 1000000000)')).to.equal('size');
    expect(await limitOf('$pad("x", -1000000000)')).to.equal('size');
  });

  it('$pad keeps JSONata results for ordinary widths', async () => {
    expect(await run('[$pad("foo", 5), $pad("foo", -5), $pad("foo", -5, "#"), $pad("foo", 7, "ab"), $pad("fooo", 2), $pad("é", 3, "😀")]')).to.deep.equal([
      'foo  ', '  foo', '##foo', 'fooabab', 'fooo', 'é😀😀',
    ]);
  });

  it('$distinct of 200,000 items takes linear time and keeps JSONata deep equality', async () => {
    const started = Date.now();
    expect(await run('$count($distinct([1..200000]))')).to.equal(200000);
    expect(Date.now() - started).to.be.below(900);
    expect(await run('$distinct([1, "1", 1, {"a": 1, "b": [2]}, {"b": [2], "a": 1}, [1, 2], [2, 1], [1, 2], null, null])')).to.deep.equal([
      1, '1', { a: 1, b: [2] }, [1, 2], [2, 1], null,
    ]);
  });
});
