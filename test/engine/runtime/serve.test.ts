import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Server, type JobRecord, type Runtime } from '../../../src/index.js';
import { Harness, rejection } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

/** Resolves with the first `count` finished jobs of `recipe`. */
function jobsEnded(rt: Runtime, recipe: string, count: number): Promise<JobRecord[]> {
  return new Promise((resolve) => {
    const got: JobRecord[] = [];
    const onEnd = (job: JobRecord) => {
      if (job.recipe !== recipe) return;
      got.push(job);
      if (got.length < count) return;
      rt.off('job:end', onEnd);
      resolve(got);
    };
    rt.on('job:end', onEnd);
  });
}

forEachDatabase('runtime: serve', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  let dataDir: string;
  let counterJobs: JobRecord[];
  let lateJobs: JobRecord[];
  let lockedError: Error & { code?: string };
  let lockHeldWhileServing: boolean;
  let settled: unknown;

  before(async () => {
    ({ rt, dataDir } = (await harness.open('engine-poll')));
    const other = await harness.open('engine-poll', { dataDir });
    await rt.start('counter');
    const controller = new AbortController();
    const counterEnded = jobsEnded(rt, 'counter', 3);
    const serving = new Server(rt, { signal: controller.signal, watchMs: 5 }).run();
    counterJobs = await counterEnded;
    lockHeldWhileServing = db.kind === 'postgres' || existsSync(join(dataDir, 'serve.lock')); // PostgreSQL: an advisory lock, no file

    lockedError = await rejection(new Server(other.rt, { signal: new AbortController().signal }).run());

    // Started from another runtime on the same data dir, as `recipes start` in a second terminal would.
    const lateEnded = jobsEnded(rt, 'late', 2);
    await other.rt.start('late');
    lateJobs = await lateEnded;

    controller.abort();
    settled = await serving;
  });
  after(() => harness.cleanup());

  it('runs one job per event of a started poll recipe, oldest first', async () => {
    expect(counterJobs.map((j) => [j.status, j.summary])).to.deep.equal([
      ['succeeded', { n: 1 }],
      ['succeeded', { n: 2 }],
      ['succeeded', { n: 3 }],
    ]);
  });

  it('records served jobs as real runs, not tests', async () => {
    expect(counterJobs.every((j) => !j.test && !j.dryRun)).to.equal(true);
  });

  it('refuses a second server on the same data dir with SERVE_LOCKED', async () => {
    expect(lockHeldWhileServing).to.equal(true);
    expect(lockedError.code).to.equal('SERVE_LOCKED');
  });

  it('picks up a recipe started while serving', async () => {
    expect(lateJobs.map((j) => j.eventId)).to.deep.equal(['1', '2']);
  });

  it('resolves run() once the signal aborts', async () => {
    expect(settled).to.equal(undefined);
  });

  it('releases the lock on the way out', async () => {
    expect(existsSync(join(dataDir, 'serve.lock'))).to.equal(false);
  });

  it('stores each recipe cursor', async () => {
    expect((await rt['store'].getRecipe(rt.project, 'counter')).cursor).to.equal(3);
    expect((await rt['store'].getRecipe(rt.project, 'late')).cursor).to.equal(2);
  });

  it('leaves no job running', async () => {
    expect((await rt.jobs()).filter((j) => j.status === 'running')).to.deep.equal([]);
  });
});
