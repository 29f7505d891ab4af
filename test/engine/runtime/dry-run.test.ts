import { expect } from 'chai';
import type { JobRecord, Runtime, StepRecord } from '../../../src/index.js';
import { Harness, runTest, stepAt, type Probe } from './helpers.js';

describe('runtime: dry run', () => {
  const harness = new Harness();
  let rt: Runtime;
  let probe: Probe;
  let job: JobRecord;
  let steps: StepRecord[];
  before(async () => {
    ({ rt, probe } = harness.open('engine-flow'));
    job = await runTest(rt, 'writer', { dryRun: true });
    steps = rt.steps(job.id);
  });
  after(() => harness.cleanup());

  it('does not call write actions', () => {
    expect(probe.handles.flatMap((h) => h.calls)).to.deep.equal([]);
  });

  it('records a write step as planned, with the input it would have sent', () => {
    const put = stepAt(steps, 'put');
    expect(put.status).to.equal('planned');
    expect(put.output).to.deep.include({ dry_run: true, planned: { key: 'k1', value: 'reads still run' } });
  });

  it('merges the action plan into the planned output', () => {
    expect(stepAt(steps, 'put').output).to.deep.include({ key: 'k1', written: false });
  });

  it('still runs read actions', () => {
    expect(stepAt(steps, 'read').status).to.equal('succeeded');
  });

  it('does not write mappings', () => {
    expect(stepAt(steps, 'remember').status).to.equal('planned');
    expect(rt.store.mappings(rt.package.name).all('thing')).to.deep.equal({});
  });

  it('marks the job as a dry run that succeeded', () => {
    expect(job).to.include({ status: 'succeeded', dryRun: true, test: true });
  });
});

describe('runtime: mappings', () => {
  const harness = new Harness();
  let rt: Runtime;
  after(() => harness.cleanup());
  before(() => {
    ({ rt } = harness.open('engine-flow'));
  });

  it('makes a mappings.put visible to $lookup later in the same job', async () => {
    const job = await runTest(rt, 'remember');
    expect(stepAt(rt.steps(job.id), 'same_job').output).to.deep.equal({ text: 'w42' });
  });

  it('makes it visible to the next job', async () => {
    const job = await runTest(rt, 'recall');
    expect(stepAt(rt.steps(job.id), 'read').output).to.deep.equal({ text: 'w42' });
  });

  it('keeps it in the store', () => {
    expect(rt.store.mappings(rt.package.name).get('thing', 'g1')).to.equal('w42');
  });
});
