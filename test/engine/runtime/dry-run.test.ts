import { expect } from 'chai';
import type { JobRecord, Runtime, StepRecord } from '../../../src/index.js';
import { Harness, runTest, stepAt, type Probe } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

forEachDatabase('runtime: dry run', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  let probe: Probe;
  let job: JobRecord;
  let steps: StepRecord[];
  before(async () => {
    ({ rt, probe } = (await harness.open('engine-flow')));
    job = await runTest(rt, 'writer', { dryRun: true });
    steps = await rt.steps(job.id);
  });
  after(() => harness.cleanup());

  it('does not call write actions', async () => {
    expect(probe.handles.flatMap((h) => h.calls)).to.deep.equal([]);
  });

  it('records a write step as planned, with the input it would have sent', async () => {
    const put = stepAt(steps, 'put');
    expect(put.status).to.equal('planned');
    expect(put.output).to.deep.include({ dry_run: true, planned: { key: 'k1', value: 'reads still run' } });
  });

  it('merges the action plan into the planned output', async () => {
    expect(stepAt(steps, 'put').output).to.deep.include({ key: 'k1', written: false });
  });

  it('still runs read actions', async () => {
    expect(stepAt(steps, 'read').status).to.equal('succeeded');
  });

  it('does not write mappings', async () => {
    expect(stepAt(steps, 'remember').status).to.equal('planned');
    expect(await rt['store'].mappings(rt.project).all('thing')).to.deep.equal({});
  });

  it('marks the job as a dry run that succeeded', async () => {
    expect(job).to.include({ status: 'succeeded', dryRun: true, test: true });
  });
});

forEachDatabase('runtime: mappings', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  after(() => harness.cleanup());
  before(async () => {
    ({ rt } = (await harness.open('engine-flow')));
  });

  it('makes a mappings.put visible to $lookup later in the same job', async () => {
    const job = await runTest(rt, 'remember');
    expect(stepAt((await rt.steps(job.id)), 'same_job').output).to.deep.equal({ text: 'w42' });
  });

  it('makes it visible to the next job', async () => {
    const job = await runTest(rt, 'recall');
    expect(stepAt((await rt.steps(job.id)), 'read').output).to.deep.equal({ text: 'w42' });
  });

  it('keeps it in the store', async () => {
    expect(await rt['store'].mappings(rt.project).get('thing', 'g1')).to.equal('w42');
  });
});
