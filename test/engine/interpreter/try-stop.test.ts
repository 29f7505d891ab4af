import { expect } from 'chai';
import type { JobRecord, Runtime, StepRecord } from '../../../src/index.js';
import { Harness, runTest, stepAt, type Probe } from '../runtime/helpers.js';

describe('interpreter: try/retry/catch and stop', () => {
  const harness = new Harness();
  let rt: Runtime;
  let probe: Probe;
  before(async () => {
    ({ rt, probe } = (await harness.open('engine-flow')));
  });
  after(() => harness.cleanup());

  describe('retry', () => {
    let job: JobRecord;
    let steps: StepRecord[];
    before(async () => {
      job = await runTest(rt, 'retry');
      steps = await rt.steps(job.id);
    });

    it('succeeds on the third attempt of a step that fails twice', async () => {
      expect(job.status).to.equal('succeeded');
      expect(job.summary).to.deep.equal({ attempts: 3, call_attempts: 3 });
    });

    it('records each failed attempt of the body step', async () => {
      expect(steps.filter((s) => s.path === 'attempt.try.call').map((s) => s.status)).to.deep.equal(['failed', 'failed', 'succeeded']);
    });
  });

  describe('retry.on and catch', () => {
    let job: JobRecord;
    let steps: StepRecord[];
    before(async () => {
      job = await runTest(rt, 'retry-codes');
      steps = await rt.steps(job.id);
    });

    it('does not retry an error whose code is not listed', async () => {
      expect(probe.handles[0]?.flaky.get('codes')).to.equal(1);
    });

    it('gives the catch steps the error code', async () => {
      expect(job.summary).to.deep.equal({ code: 'TEST_FLAKY', caught: true });
    });

    it('lets the job succeed once the error is caught', async () => {
      expect(job.status).to.equal('succeeded');
      expect(stepAt(steps, 'attempt').output).to.deep.include({ caught: true });
    });
  });

  describe('stop', () => {
    it('ends the job succeeded with its message, skipping the steps after it', async () => {
      const job = await runTest(rt, 'stop-ok');
      expect(job.status).to.equal('succeeded');
      expect(job.summary).to.deep.equal({ message: 'nothing to do' });
      expect((await rt.steps(job.id)).map((s) => s.stepId)).to.deep.equal(['done']);
    });

    it('ends the job failed with its (evaluated) message', async () => {
      const job = await runTest(rt, 'stop-failed');
      expect(job.status).to.equal('failed');
      expect(job.error).to.include({ code: 'STOPPED_BY_RECIPE', message: '3 people have no email' });
      expect((await rt.steps(job.id)).map((s) => s.stepId)).to.deep.equal(['count', 'give_up']);
    });
  });
});
