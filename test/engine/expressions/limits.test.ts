import { expect } from 'chai';
import { compileExpression, ExpressionError } from '../../../src/engine/expressions/index.js';

async function limitOf(source: string, limits = {}): Promise<unknown> {
  try {
    await compileExpression(source, limits).evaluate({});
  } catch (error) {
    expect(error).to.be.instanceOf(ExpressionError);
    expect((error as ExpressionError).code).to.equal('EXPRESSION_LIMIT');
    return (error as ExpressionError).details.limit;
  }
  throw new Error('no limit was hit');
}

describe('expressions: limits', () => {
  it('stops endless tail recursion', async () => {
    expect(await limitOf('($f := function($x){ $f($x+1) }; $f(0))', { maxSteps: 100_000 })).to.equal('steps');
  });

  it('stops deep non-tail recursion', async () => {
    expect(await limitOf('($f := function($x){ 1 + $f($x+1) }; $f(0))')).to.equal('depth');
  });

  it('stops a huge loop by the step limit', async () => {
    // A generous time limit, so a loaded machine cannot make the clock win over the step count.
    expect(await limitOf('[1..10000000].($ * 2)', { maxMs: 60_000 })).to.equal('steps');
  });

  it('stops a long loop by the time limit', async () => {
    expect(await limitOf('($f := function($x){ $f($x+1) }; $f(0))', { maxMs: 50, maxSteps: 1e12 })).to.equal('time');
  });

  it("maps JSONata's range size guard to EXPRESSION_LIMIT", async () => {
    expect(await limitOf('[1..20000000]')).to.equal('size');
  });

  it('counts steps per evaluation, not per compiled expression', async () => {
    const expr = compileExpression('[1..50].($ * 2)', { maxSteps: 1000 });
    for (let i = 0; i < 30; i++) await expr.evaluate({});
  });

  it('keeps a working process after a limit', async () => {
    await limitOf('[1..10000000].($ * 2)', { maxSteps: 10_000 });
    expect(await compileExpression('1 + 1').evaluate({})).to.equal(2);
  });
});
