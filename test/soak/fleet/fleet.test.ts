/**
 * Issue 15's proof: 20 projects of 500 employees each (each its own pair of emulators), all-employees-sync
 * queued for every one, run by 3 `recipes worker` processes on one PostgreSQL; every project must end exactly
 * as a single-process run of the same seed ends, with no duplicate user. Then the same with one worker
 * SIGKILLed while its job creates users: another worker takes the job up once its queue entry expires
 * (RECIPES_QUEUE_EXPIRY_SECONDS, 10 s here), runs it again from the start, and the record shows both attempts.
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../../src/emulators/index.js';
import { generateSeed } from '../../../src/emulators/seed/index.js';
import { ALL, duplicates, expectedRun, normalise, type Expected } from '../../faults/package-run.js';
import { skipBecause } from '../../skip.js';
import { postgresUnavailable } from '../../support/postgres.js';
import { soakDescribe } from '../helpers.js';
import { FleetHarness } from './fleet-support.js';
import { until } from '../../cli/helpers.js';

const PROJECTS = Number(process.env.FLEET_PROJECTS ?? 20);
const EMPLOYEES = Number(process.env.FLEET_EMPLOYEES ?? 500);
/** Four seeds, so projects differ; each project uses seed 200 + (i mod 4). */
const SEEDS = 4;
const seedOf = (i: number) => generateSeed({ seed: 200 + (i % SEEDS), employees: EMPLOYEES, wiwUsers: Math.round(EMPLOYEES * 0.6) });
const EXPIRY = { RECIPES_QUEUE_EXPIRY_SECONDS: '10', RECIPES_QUEUE_MAINTENANCE_SECONDS: '2' };

const usersOf = (pair: EmulatorPair) => (pair.wiw.snapshot().accounts[0]?.users.length ?? 0);

soakDescribe(`fleet: ${PROJECTS} projects x ${EMPLOYEES} employees on 3 workers`, function () {
  this.timeout(900_000);
  const expected: Expected[] = [];

  before(async function () {
    const reason = postgresUnavailable();
    if (reason) skipBecause(this, reason);
    for (let i = 0; i < SEEDS; i++) expected.push(await expectedRun(() => startEmulators({ seed: seedOf(i) })));
  });

  /** Sets up the projects, queues all-employees-sync for each; answers the job ids by project. */
  async function queueAll(fleet: FleetHarness, pairs: EmulatorPair[]): Promise<Map<string, number>> {
    for (let i = 0; i < PROJECTS; i++) {
      pairs.push(await startEmulators({ seed: seedOf(i) }));
      await fleet.addProject(`p${i}`, pairs[i] as EmulatorPair);
    }
    const ids = new Map<string, number>();
    for (let i = 0; i < PROJECTS; i++) ids.set(`p${i}`, await fleet.enqueue(`p${i}`, ALL));
    return ids;
  }

  function expectEachProjectAsExpected(pairs: EmulatorPair[]): void {
    pairs.forEach((pair, i) => {
      const snapshot = pair.wiw.snapshot();
      expect(duplicates(snapshot, pair.accountId), `p${i} duplicates`).to.deep.equal([]);
      expect(normalise(snapshot, pair.accountId), `p${i} WIW state`).to.deep.equal((expected[i % SEEDS] as Expected).state);
    });
  }

  describe('three workers', () => {
    let fleet: FleetHarness;
    const pairs: EmulatorPair[] = [];
    after(async () => {
      await fleet?.close();
      for (const p of pairs) await p.close();
    });

    it('every project ends exactly in its expected state, each job run once by one worker', async () => {
      fleet = await FleetHarness.create();
      const ids = await queueAll(fleet, pairs);
      const workers = await Promise.all([fleet.worker(), fleet.worker(), fleet.worker()]);
      const jobs = await fleet.finished([...ids.values()]);
      expect(jobs.map((j) => j.status)).to.deep.equal(jobs.map(() => 'succeeded'));
      expectEachProjectAsExpected(pairs);
      const pids = new Set(workers.map((w) => w.child.pid));
      for (const job of jobs) {
        const attempts = await fleet.attempts(job.id);
        expect(attempts.map((a) => a.outcome), `job ${job.id}`).to.deep.equal(['succeeded']);
        expect(pids.has(attempts[0]?.pid), `job ${job.id} ran on a worker`).to.equal(true);
      }
      // Work is spread: with more jobs than one worker's slots, every worker ran some.
      if (PROJECTS > 8) expect(new Set(jobs.map((j) => j.pid)).size).to.equal(3);
      for (const w of workers) expect(await w.stop('SIGTERM')).to.equal(0);
    });
  });

  describe('one worker SIGKILLed mid-job', () => {
    let fleet: FleetHarness;
    const pairs: EmulatorPair[] = [];
    after(async () => {
      await fleet?.close();
      for (const p of pairs) await p.close();
    });

    it('another worker takes the job up within the expiry, the account ends as without the kill, and the record shows both attempts', async () => {
      fleet = await FleetHarness.create(EXPIRY);
      const ids = await queueAll(fleet, pairs);
      const before = pairs.map(usersOf);
      const workers = await Promise.all([fleet.worker(), fleet.worker(), fleet.worker()]);
      // The first job seen running once it has created users in its project's WIW account; its worker is killed.
      const killed = await until(async () => {
        for (const [project, id] of ids) {
          const job = (await fleet.jobs(project, ALL)).find((j) => j.id === id);
          const i = Number(project.slice(1));
          if (job?.status === 'running' && usersOf(pairs[i] as EmulatorPair) > (before[i] as number) + 5) return { id, pid: job.pid };
        }
        return undefined;
      }, 'a job creating users', 120_000);
      const victim = workers.find((w) => w.child.pid === killed.pid) as (typeof workers)[number];
      const others = workers.filter((w) => w !== victim);
      const killedAt = Date.now();
      await victim.stop('SIGKILL');
      const jobs = await fleet.finished([...ids.values()]);
      expect(jobs.map((j) => j.status)).to.deep.equal(jobs.map(() => 'succeeded'));
      expectEachProjectAsExpected(pairs);
      const attempts = await fleet.attempts(killed.id);
      expect(attempts.map((a) => a.outcome)).to.deep.equal(['lost', 'succeeded']);
      expect(attempts[0]!.pid).to.equal(victim.child.pid);
      expect((attempts[0]!.error as { code: string }).code).to.equal('WORKER_LOST');
      expect(others.map((w) => w.child.pid)).to.include(attempts[1]!.pid);
      // Taken up within the expiry (10 s) plus a maintenance pass (2 s) and a draw, with room for a busy machine.
      expect(Date.parse(attempts[1]!.startedAt) - killedAt).to.be.below(30_000);
      for (const w of others) expect(await w.stop('SIGTERM')).to.equal(0);
    });
  });
});
