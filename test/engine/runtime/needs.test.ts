import { expect } from 'chai';
import type { Runtime } from '../../../src/index.js';
import { Harness, rejection, runTest } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

forEachDatabase('runtime: needs', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  beforeEach(async () => {
    ({ rt } = (await harness.open('engine-needs')));
  });
  after(() => harness.cleanup());

  it('refuses a test run with NEEDS_UNMET until the needed recipe has succeeded', async () => {
    const err = await rejection(rt.test('second'));
    expect(err.code).to.equal('NEEDS_UNMET');
    expect(err.details).to.deep.equal({ unmet: ['first'] });
  });

  it('does not count a dry run of the needed recipe', async () => {
    await runTest(rt, 'first', { dryRun: true });
    expect((await rejection(rt.test('second'))).code).to.equal('NEEDS_UNMET');
  });

  it('runs once the needed recipe has succeeded in a test run', async () => {
    await runTest(rt, 'first');
    expect((await runTest(rt, 'second')).status).to.equal('succeeded');
  });

  it('runs anyway with force', async () => {
    expect((await runTest(rt, 'second', { force: true })).status).to.equal('succeeded');
  });
});
