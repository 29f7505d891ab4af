import { expect } from 'chai';
import type { JobRecord, Runtime, StepRecord } from '../../../src/index.js';
import type { ForeachOutput } from '../../../src/engine/interpreter/foreach.js';
import { Harness, runTest, stepAt, type Probe } from '../runtime/helpers.js';

describe('interpreter: foreach', () => {
  const harness = new Harness();
  after(() => harness.cleanup());

  /** Runs one recipe of engine-flow on a fresh runtime, so connection state belongs to this job alone. */
  async function run(name: string): Promise<{ rt: Runtime; probe: Probe; job: JobRecord; steps: StepRecord[] }> {
    const { rt, probe } = await harness.open('engine-flow');
    const job = await runTest(rt, name);
    return { rt, probe, job, steps: (await rt.steps(job.id)) };
  }

  describe('items, as and index', () => {
    let steps: StepRecord[];
    before(async () => {
      ({ steps } = await run('items'));
    });

    it('iterates the list an expression yields, binding `as` and `index`', async () => {
      const values = steps.filter((s) => s.stepId === 'norm').map((s) => (s.output as { value: unknown }).value);
      expect(values).to.deep.equal([
        { i: 0, email: 'person.1@example.com' },
        { i: 1, email: 'person.2@example.com' },
        { i: 2, email: 'person.3@example.com' },
      ]);
    });

    it('outputs the counts of the loop', async () => {
      expect(stepAt(steps, 'each').output).to.deep.include({ total: 3, succeeded: 3, failed: 0, not_attempted: 0 });
    });
  });

  describe('concurrency', () => {
    let probe: Probe;
    let job: JobRecord;
    before(async () => {
      ({ probe, job } = await run('concurrency'));
    });

    it('never has more items in flight than the limit', async () => {
      expect(probe.maxInFlight.get('wait')).to.be.at.most(3);
    });

    it('runs items in parallel up to the limit', async () => {
      expect(probe.maxInFlight.get('wait')).to.equal(3);
      expect(job.status).to.equal('succeeded');
    });
  });

  describe('on_item_error: stop', () => {
    let probe: Probe;
    let job: JobRecord;
    let steps: StepRecord[];
    before(async () => {
      ({ probe, job, steps } = await run('stop-on-error'));
    });

    it('fails the job with the item error', async () => {
      expect(job.status).to.equal('failed');
      expect(job.error).to.include({ code: 'TEST_BOOM' });
    });

    it('does not attempt the items after the failing one, nor the steps after the loop', async () => {
      expect(probe.writes).to.deep.equal([{ key: '1' }, { key: '2' }]);
    });

    it('records the loop step as failed', async () => {
      expect(stepAt(steps, 'each').status).to.equal('failed');
    });
  });

  describe('on_item_error: continue', () => {
    let probe: Probe;
    let job: JobRecord;
    let output: ForeachOutput;
    before(async () => {
      let steps: StepRecord[];
      ({ probe, job, steps } = await run('continue-on-error'));
      output = stepAt(steps, 'each').output as ForeachOutput;
    });

    it('goes on with the other items and the steps after the loop', async () => {
      expect(probe.writes).to.deep.equal([{ key: '1' }, { key: '3' }, { key: 'after' }]);
    });

    it('ends the job failed with ITEMS_FAILED', async () => {
      expect(job.status).to.equal('failed');
      expect(job.error).to.include({ code: 'ITEMS_FAILED' });
    });

    it('lists each failure with its index, item and error in the foreach output', async () => {
      expect(output).to.include({ total: 4, succeeded: 2, failed: 2 });
      expect(output.failures.map((f) => [f.index, f.item, f.error.code, f.error.message])).to.deep.equal([
        [1, 2, 'TEST_BOOM', 'even item 2'],
        [3, 4, 'TEST_BOOM', 'even item 4'],
      ]);
    });
  });

  describe('break_on', () => {
    let probe: Probe;
    let job: JobRecord;
    let output: ForeachOutput;
    before(async () => {
      let steps: StepRecord[];
      ({ probe, job, steps } = await run('break-on'));
      output = stepAt(steps, 'each').output as ForeachOutput;
    });

    it('ends the loop at the listed code, leaving later items not attempted', async () => {
      expect(output).to.include({ broken_by: 'TEST_FULL', succeeded: 1, failed: 1, not_attempted: 2 });
      expect(output.not_attempted_items).to.deep.equal([3, 4]);
    });

    it('still runs the steps after the loop', async () => {
      expect(probe.writes).to.deep.equal([{ key: '1' }, { key: 'after' }]);
    });

    it('ends the job failed', async () => {
      expect(job.status).to.equal('failed');
      expect(job.error).to.include({ code: 'ITEMS_FAILED' });
    });
  });
});
