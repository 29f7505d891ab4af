import { expect } from 'chai';
import type { Runtime } from '../../../src/index.js';
import { Harness, runTest } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

forEachDatabase('runtime: test() on a poll recipe', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  const cursor = async () => (await rt['store'].getRecipe(rt.project, 'counter')).cursor;
  beforeEach(async () => {
    ({ rt } = (await harness.open('engine-poll')));
  });
  after(() => harness.cleanup());

  it('processes the earliest event as trigger data and stores its cursor', async () => {
    const job = await runTest(rt, 'counter');
    expect(job).to.include({ status: 'succeeded', test: true, eventId: '1' });
    expect(job.trigger).to.deep.equal({ n: 1 });
    expect(await cursor()).to.equal(1);
  });

  it('processes the next event after the cursor on the next call', async () => {
    await runTest(rt, 'counter');
    const job = await runTest(rt, 'counter');
    expect(job.summary).to.deep.equal({ n: 2 });
    expect(await cursor()).to.equal(2);
  });

  it('returns undefined and creates no job when no event is left', async () => {
    for (let i = 0; i < 3; i++) await runTest(rt, 'counter');
    expect(await rt.test('counter')).to.equal(undefined);
    expect(await rt.jobs('counter')).to.have.length(3);
  });

  it('does not move the cursor on a dry run', async () => {
    await runTest(rt, 'counter', { dryRun: true });
    expect(await cursor()).to.equal(undefined);
  });

  it('reruns a job with its stored trigger data, leaving the cursor alone', async () => {
    const first = await runTest(rt, 'counter');
    await runTest(rt, 'counter');
    const rerun = await rt.rerun(first.id);
    expect(rerun).to.include({ rerunOf: first.id, eventId: '1', status: 'succeeded' });
    expect(rerun.summary).to.deep.equal({ n: 1 });
    expect(await cursor()).to.equal(2);
  });
});
