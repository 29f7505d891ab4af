/** Runtime.pruneJobs (the age given, else job_retention_days) and Server's prune at start and then on its period. */
import { expect } from 'chai';
import { Server, type Runtime } from '../../../src/index.js';
import type { PruneReport } from '../../../src/engine/runtime/retention.js';
import { Harness, rejection } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

const DAY = 86_400_000;

forEachDatabase('runtime: pruning job history', (db) => {
  const harness = new Harness(db);
  after(() => harness.cleanup());

  async function twoJobs(rt: Runtime): Promise<number[]> {
    const a = await rt.test('counter');
    const b = await rt.test('counter');
    return [a!.id, b!.id];
  }

  it('prunes what is older than the age given, else job_retention_days (90 days unless set)', async () => {
    const { rt } = await harness.open('engine-poll');
    const [first, second] = await twoJobs(rt);
    expect(await rt.pruneJobs()).to.include({ jobs: 0, olderThanMs: 90 * DAY, olderThanFrom: 'property', dryRun: false });
    await rt.properties.set('job_retention_days', '7');
    expect(await rt.pruneJobs({ dryRun: true })).to.include({ jobs: 0, olderThanMs: 7 * DAY, olderThanFrom: 'property', dryRun: true });
    // Eight days from now, both are older than 7 days: the latest (also the latest success) stays.
    expect(await rt.pruneJobs({ now: Date.now() + 8 * DAY })).to.include({ jobs: 1, kept: 1 });
    expect((await rt.jobs()).map((j) => j.id)).to.deep.equal([second]);
    expect(await rejection(rt.job(first!))).to.have.property('code', 'JOB_UNKNOWN');
  });

  it('refuses a negative age', async () => {
    const { rt } = await harness.open('engine-poll');
    expect(await rejection(rt.pruneJobs({ olderThanMs: -1 }))).to.have.property('code', 'PRUNE_AGE_INVALID');
  });

  it('serve prunes at start and then every pruneEveryMs', async () => {
    const { rt } = await harness.open('engine-poll');
    await twoJobs(rt);
    await rt.properties.set('job_retention_days', '1');
    const reports: PruneReport[] = [];
    const controller = new AbortController();
    let second!: () => void;
    const twice = new Promise<void>((resolve) => (second = resolve));
    const serving = new Server(rt, {
      signal: controller.signal,
      pruneEveryMs: 20,
      onPrune: (r) => {
        reports.push(r);
        if (reports.length === 2) second();
      },
    }).run();
    await twice;
    controller.abort();
    await serving;
    expect(reports[0]).to.include({ jobs: 0, olderThanMs: DAY, olderThanFrom: 'property' });
    expect(reports.length).to.be.at.least(2);
  });
});
