/** What a compiled expression keeps in memory: a package holds one per expression for as long as it is loaded. */
import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compileExpression } from '../../../src/engine/expressions/compile.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

function heldPerExpression(source: (i: number) => string): number {
  const count = 500;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = Array.from({ length: count }, (_, i) => compileExpression(source(i)));
  gc();
  const held = (process.memoryUsage().heapUsed - before) / count;
  expect(kept).to.have.length(count);
  return held;
}

describe('compiled expressions: memory', () => {
  it('an expression on the fast path holds no JSONata evaluator until it needs one', async () => {
    const source = (i: number) => `$trim((employee.preferredName ? employee.preferredName : employee.firstName) & ' ' & employee.lastName) & '${i}'`;
    // With JSONata's parsed expression and its registered functions kept, each held about 30 KB.
    expect(heldPerExpression(source)).to.be.below(12 * 1024);
    // JSONata is still there when the data needs it (a path through a list), with the sandbox's functions.
    const people = [{ name: 'a' }, { name: 'b' }];
    const fast = compileExpression('$count(people.name)');
    expect(fast.isFast).to.equal(true);
    expect(await fast.evaluate({ people })).to.equal(2);
    expect(await compileExpression("$lookup(people[1], 'name')").evaluate({ people })).to.equal('b');
  });
});
