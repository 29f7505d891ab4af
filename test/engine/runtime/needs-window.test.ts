import { expect } from 'chai';
import type { Runtime } from '../../../src/index.js';
import { forEachDatabase } from '../../support/databases.js';
import { Harness, runTest } from './helpers.js';

forEachDatabase('runtime: needs read the latest real success, however many dry runs came after', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  before(async () => {
    ({ rt } = await harness.open('engine-needs'));
  });
  after(() => harness.cleanup());

  it('counts a real success followed by 51 dry runs', async () => {
    await runTest(rt, 'first');
    for (let i = 0; i < 51; i++) await runTest(rt, 'first', { dryRun: true });
    expect(await rt.unmetNeeds('second')).to.deep.equal([]);
    expect((await runTest(rt, 'second')).status).to.equal('succeeded');
  });
});
