import { expect } from 'chai';
import type { Runtime } from '../../../src/index.js';
import { Harness, runTest } from './helpers.js';

describe('runtime: needs read the latest real success, however many dry runs came after', () => {
  const harness = new Harness();
  let rt: Runtime;
  before(() => {
    ({ rt } = harness.open('engine-needs'));
  });
  after(() => harness.cleanup());

  it('counts a real success followed by 51 dry runs', async () => {
    await runTest(rt, 'first');
    for (let i = 0; i < 51; i++) await runTest(rt, 'first', { dryRun: true });
    expect(rt.unmetNeeds('second')).to.deep.equal([]);
    expect((await runTest(rt, 'second')).status).to.equal('succeeded');
  });
});
