import { expect } from 'chai';
import type { JobRecord, Runtime, RuntimeEvents } from '../../../src/index.js';
import { Harness, runTest } from './helpers.js';

describe('runtime: events', () => {
  const harness = new Harness();
  let rt: Runtime;
  let job: JobRecord;
  const seen: { name: keyof RuntimeEvents; payload: unknown }[] = [];
  before(async () => {
    ({ rt } = (await harness.open('engine-flow')));
    for (const name of ['job:start', 'step', 'progress', 'job:end'] as const) {
      rt.on(name, (payload: unknown) => seen.push({ name, payload }));
    }
    job = await runTest(rt, 'events');
  });
  after(() => harness.cleanup());

  const of = (name: keyof RuntimeEvents) => seen.filter((e) => e.name === name).map((e) => e.payload);

  it("emits 'job:start' first, with the job id and recipe", async () => {
    expect(seen[0]).to.deep.equal({ name: 'job:start', payload: { jobId: job.id, recipe: 'events', test: true, dryRun: false } });
  });

  it("emits 'step' for every recorded step, in order", async () => {
    const paths = of('step').map((p) => (p as { record: { path: string } }).record.path);
    expect(paths).to.deep.equal(['each[0].say', 'each[1].say', 'each[2].say', 'each']);
  });

  it("emits 'progress' for the loop, up to its total", async () => {
    const progress = of('progress') as { step: string; done: number; total: number }[];
    expect(progress.map((p) => [p.step, p.done, p.total])).to.deep.equal([
      ['each', 1, 3],
      ['each', 2, 3],
      ['each', 3, 3],
    ]);
  });

  it("emits 'job:end' last, with the finished job record", async () => {
    expect(seen.at(-1)?.name).to.equal('job:end');
    expect(seen.at(-1)?.payload).to.deep.equal(job);
  });
});
