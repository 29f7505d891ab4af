import { once } from 'node:events';
import { expect } from 'chai';
import type { Runtime } from '../../../src/index.js';
import { Harness, runTest, type Probe } from './helpers.js';

describe('runtime: cancelling a job', () => {
  const harness = new Harness();
  after(() => harness.cleanup());

  let rt: Runtime;
  let probe: Probe;
  beforeEach(async () => {
    ({ rt, probe } = (await harness.open('engine-flow')));
  });

  /** Runs `recipe` and cancels every job once its wait step is in flight; the job as it ended. */
  const cancelledWhileWaiting = async (recipe: string) => {
    const waiting = probe.started('wait');
    const running = runTest(rt, recipe);
    await waiting;
    rt.cancelAll();
    return running;
  };

  it('rt.cancel(jobId) while a wait step is in flight ends the job stopped after that step', async () => {
    const started = once(rt, 'job:start');
    const waiting = probe.started('wait');
    const running = runTest(rt, 'cancel');
    const [{ jobId }] = await started;
    await waiting;
    expect(rt.cancel(jobId)).to.equal(true);
    const job = await running;
    expect(job.status).to.equal('stopped');
    expect((await rt.steps(job.id)).map((s) => [s.stepId, s.status])).to.deep.equal([
      ['before', 'succeeded'],
      ['pause', 'succeeded'],
    ]);
  });

  it('a loop stopped mid-way records itself as stopped, with JOB_STOPPED and why as its error', async () => {
    const job = await cancelledWhileWaiting('cancel-loop');
    expect(job.status).to.equal('stopped');
    const each = (await rt.steps(job.id)).find((s) => s.stepId === 'each');
    expect(each?.status).to.equal('stopped');
    expect(each?.error).to.deep.include({ code: 'JOB_STOPPED', kind: 'operational', message: 'The job was cancelled after the step in flight.' });
  });

  it('aborting RunOptions.signal does the same', async () => {
    const controller = new AbortController();
    const waiting = probe.started('wait');
    const running = runTest(rt, 'cancel', { signal: controller.signal });
    await waiting;
    controller.abort();
    const job = await running;
    expect(job.status).to.equal('stopped');
    expect((await rt.steps(job.id)).map((s) => s.stepId)).to.deep.equal(['before', 'pause']);
  });

  it('lets the step in flight see the abort through ctx.signal', async () => {
    const job = await cancelledWhileWaiting('cancel');
    const pause = (await rt.steps(job.id)).find((s) => s.stepId === 'pause');
    expect(pause?.output).to.include({ aborted: true });
  });

  it('runs none of the later steps', async () => {
    await cancelledWhileWaiting('cancel');
    expect(probe.writes).to.deep.equal([]);
  });

  it('reports false for a job that is not running', async () => {
    const job = await runTest(rt, 'outputs');
    expect(rt.cancel(job.id)).to.equal(false);
  });
});
