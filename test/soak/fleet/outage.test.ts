/**
 * Issue 15, the database goes away: PostgreSQL (a cluster of this suite's own) is stopped for 30 s while two
 * workers run all-employees-sync for two projects (each held to 600 WIW requests a minute, so it lasts about
 * a minute and is creating users when the database stops) and `serve --queue` runs. Each process says so once and
 * again when it is back; the jobs finish in one attempt each (nothing lost, nothing run twice) and each
 * account ends as a single-process run of its seed ends.
 */
import { expect } from 'chai';
import pg from 'pg';
import { startPgCluster, type PgCluster } from '../../../bench/pg-cluster.js';
import { startEmulators, type EmulatorPair } from '../../../src/emulators/index.js';
import { generateSeed } from '../../../src/emulators/seed/index.js';
import { until } from '../../cli/helpers.js';
import { ALL, duplicates, expectedRun, normalise } from '../../faults/package-run.js';
import { skipBecause } from '../../skip.js';
import { postgresUnavailable } from '../../support/postgres.js';
import { soakDescribe } from '../helpers.js';
import { FleetHarness } from './fleet-support.js';

const OUTAGE_MS = 30_000;
const seedOf = (i: number) => generateSeed({ seed: 300 + i, employees: 800, wiwUsers: 480 });

soakDescribe('fleet: PostgreSQL stopped for 30 s while workers run', function () {
  this.timeout(900_000);
  let cluster: PgCluster | undefined;
  let fleet: FleetHarness | undefined;
  const pairs: EmulatorPair[] = [];

  before(function () {
    const reason = postgresUnavailable();
    if (reason) skipBecause(this, reason);
  });
  after(async () => {
    await fleet?.close();
    for (const p of pairs) await p.close();
    cluster?.stop();
  });

  it('workers and serve say so once, wait, reconnect and go on; no job is lost or run twice', async () => {
    cluster = await startPgCluster('outage', 'outage-pw');
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE fleet');
    await admin.end();
    fleet = await FleetHarness.create({ RECIPES_QUEUE_MAINTENANCE_SECONDS: '2' }, cluster.url('fleet'));
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      pairs.push(await startEmulators({ seed: seedOf(i) }));
      // A budget of 600 requests a minute makes each sync last about a minute; the outage falls in its middle.
      await fleet.addProject(`p${i}`, pairs[i]!, { wiw_requests_per_minute: '600' });
      ids.push(await fleet.enqueue(`p${i}`, ALL));
    }
    const serve = fleet.spawn(['serve', '--queue']);
    await serve.waitFor(/^serving the queue of every project/, 0, 30_000);
    const workers = [await fleet.worker(1), await fleet.worker(1)];
    // Mid-job: both jobs run and have created users in their accounts.
    const users = () => pairs.map((p) => p.wiw.snapshot().accounts[0]!.users.length);
    const before = users();
    await until(async () => {
      const running = (await Promise.all(ids.map((id) => fleet!.withStore((s) => s.getJob(id))))).every((j) => j?.status === 'running');
      return running && users().every((n, i) => n > before[i]! + 10);
    }, 'both jobs to be creating users', 60_000);
    const marks = [serve, ...workers].map((p) => p.mark());

    const outage = { from: new Date().toISOString(), to: '' };
    cluster.pause();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    cluster.resume();
    outage.to = new Date().toISOString();

    for (const [i, w] of workers.entries()) await w.waitFor(/^database back; going on\.$/, marks[i + 1], 120_000);
    await serve.waitFor(/^database back; going on\.$/, marks[0], 120_000);
    const jobs = await fleet.finished(ids);
    for (const [i, p] of [serve, ...workers].entries()) {
      const lines = p.lines.slice(marks[i]);
      expect(lines.filter((l) => l.startsWith('database unavailable')), `process ${i}: said once`).to.have.length(1);
      expect(lines.filter((l) => l.startsWith('database back')), `process ${i}: said once`).to.have.length(1);
    }
    for (const job of jobs) {
      expect(job.status, JSON.stringify(job.error)).to.equal('succeeded');
      const attempts = await fleet.attempts(job.id);
      expect(attempts.map((a) => a.outcome), `job ${job.id}: one attempt ${JSON.stringify(attempts)} outage ${JSON.stringify(outage)}\n${workers.map((w) => w.lines.join('\n')).join('\n---\n')}`).to.deep.equal(['succeeded']);
    }
    for (let i = 0; i < 2; i++) {
      const expected = await expectedRun(() => startEmulators({ seed: seedOf(i) }));
      const snapshot = pairs[i]!.wiw.snapshot();
      expect(duplicates(snapshot, pairs[i]!.accountId)).to.deep.equal([]);
      expect(normalise(snapshot, pairs[i]!.accountId)).to.deep.equal(expected.state);
    }
  });
});
