/**
 * Issue 15's guarantees with worker processes on a real PostgreSQL:
 * - one job per (project, recipe) at a time across the fleet, while other recipes of the project run beside it;
 * - a job that keeps killing its worker fails after RETRY_LIMIT + 1 attempts, and other projects' jobs run meanwhile;
 * - fairness: a long sync of one project does not hold up the small projects queued behind it.
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../../src/emulators/index.js';
import { generateSeed } from '../../../src/emulators/seed/index.js';
import { RETRY_LIMIT } from '../../../src/engine/queue/job-queue.js';
import type { JobRecord } from '../../../src/engine/store/index.js';
import { until } from '../../cli/helpers.js';
import { ALL } from '../../faults/package-run.js';
import { skipBecause } from '../../skip.js';
import { postgresUnavailable } from '../../support/postgres.js';
import { soakDescribe } from '../helpers.js';
import { FleetHarness } from './fleet-support.js';

const seed = (n: number, employees: number) => generateSeed({ seed: n, employees, wiwUsers: Math.round(employees * 0.6) });

/** When a job's first attempt started and its last ended, in ms. */
async function span(fleet: FleetHarness, job: JobRecord): Promise<[number, number]> {
  const attempts = await fleet.attempts(job.id);
  return [Date.parse(attempts[0]!.startedAt), Date.parse(attempts.at(-1)!.finishedAt!)];
}

soakDescribe('fleet guarantees', function () {
  this.timeout(900_000);
  const pairs: EmulatorPair[] = [];
  let fleet: FleetHarness | undefined;

  before(function () {
    const reason = postgresUnavailable();
    if (reason) skipBecause(this, reason);
  });
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
    for (const p of pairs.splice(0)) await p.close();
  });

  it('runs one job per (project, recipe) at a time across workers, and other recipes of the project beside it', async () => {
    fleet = await FleetHarness.create();
    const pair = await startEmulators({ seed: seed(31, 300), wiwFaults: { latencyMs: 10 } });
    pairs.push(pair);
    await fleet.addProject('acme', pair);
    const first = await fleet.enqueue('acme', ALL);
    const second = await fleet.enqueue('acme', ALL);
    const other = await fleet.enqueue('acme', 'department-sync');
    await Promise.all([fleet.worker(2), fleet.worker(2)]);
    const [a, b, c] = await fleet.finished([first, second, other]);
    expect([a!.status, b!.status, c!.status]).to.deep.equal(['succeeded', 'succeeded', 'succeeded']);
    const [a0, a1] = await span(fleet, a!);
    const [b0, b1] = await span(fleet, b!);
    const [c0, c1] = await span(fleet, c!);
    expect(b0 >= a1 || a0 >= b1, `all-employees-sync jobs ${a!.id} [${a0}, ${a1}] and ${b!.id} [${b0}, ${b1}] overlap`).to.equal(true);
    // department-sync ran while one of them ran.
    expect((c0 < a1 && c1 > a0) || (c0 < b1 && c1 > b0), 'department-sync ran beside all-employees-sync').to.equal(true);
  });

  it(`fails a job that kills its worker on each of ${RETRY_LIMIT + 1} attempts, while other projects' jobs run`, async () => {
    fleet = await FleetHarness.create({ RECIPES_QUEUE_EXPIRY_SECONDS: '4', RECIPES_QUEUE_MAINTENANCE_SECONDS: '1' });
    const slow = await startEmulators({ seed: seed(41, 200), wiwFaults: { latencyMs: 50 } });
    const fine = await startEmulators({ seed: seed(42, 100) });
    pairs.push(slow, fine);
    await fleet.addProject('poison', slow);
    await fleet.addProject('healthy', fine);
    const poison = await fleet.enqueue('poison', ALL);
    const workers = [await fleet.worker(2), await fleet.worker(2)];
    const healthy: number[] = [];
    // Each time a worker takes the poison job up, that worker dies (as if the job ran it out of memory).
    for (let attempt = 1; attempt <= RETRY_LIMIT + 1; attempt++) {
      const pid = await until(async () => {
        const tried = await fleet!.attempts(poison);
        const running = tried.find((t) => t.attempt === attempt && t.outcome === null);
        return running?.pid;
      }, `attempt ${attempt} of the poison job`, 120_000);
      const victim = workers.find((w) => w.child.pid === pid)!;
      await victim.stop('SIGKILL');
      workers.splice(workers.indexOf(victim), 1, await fleet.worker(2));
      healthy.push(await fleet.enqueue('healthy', 'department-sync'));
    }
    const [job] = await fleet.finished([poison], 180_000);
    expect(job).to.deep.include({ status: 'failed' });
    expect((job!.error as { code: string }).code).to.equal('JOB_ATTEMPTS_EXHAUSTED');
    const attempts = await fleet.attempts(poison);
    expect(attempts.map((a) => a.outcome)).to.deep.equal(Array(RETRY_LIMIT + 1).fill('lost'));
    const others = await fleet.finished(healthy);
    expect(others.map((j) => j.status)).to.deep.equal(healthy.map(() => 'succeeded'));
    // Not tried again: still failed after another expiry and maintenance pass.
    await new Promise((r) => setTimeout(r, 6000));
    expect((await fleet.attempts(poison)).length).to.equal(RETRY_LIMIT + 1);
  });

  it('a long sync of one project does not hold up 20 small projects queued behind it', async () => {
    fleet = await FleetHarness.create();
    const big = await startEmulators({ seed: seed(51, 1500), wiwFaults: { latencyMs: 20 } });
    pairs.push(big);
    await fleet.addProject('big', big);
    const bigJob = await fleet.enqueue('big', ALL);
    const small: number[] = [];
    for (let i = 0; i < 20; i++) {
      const pair = await startEmulators({ seed: seed(60 + i, 40) });
      pairs.push(pair);
      await fleet.addProject(`small${i}`, pair);
      small.push(await fleet.enqueue(`small${i}`, ALL));
    }
    await fleet.worker(4);
    const done = await fleet.finished([bigJob, ...small]);
    const [bigStart, bigEnd] = await span(fleet, done[0]!);
    for (const job of done.slice(1)) {
      expect(job.status).to.equal('succeeded');
      const [start] = await span(fleet, job);
      // The big job holds one of the worker's 4 slots; the small ones share the other 3.
      expect(start, `project ${job.project} started only after the big sync ended`).to.be.below(bigEnd);
    }
    expect(bigStart).to.be.below(Math.min(...(await Promise.all(done.slice(1).map((j) => span(fleet!, j)))).map((s) => s[1])));
  });
});
