/**
 * Issue 7, crashes: `recipes test all-employees-sync` killed with SIGKILL at several points - during
 * creates (counted at the WIW emulator), while the state store writes (its WAL file grows), and at
 * seeded random moments. Afterwards `recipes jobs` opens the store cleanly and shows the killed job as
 * interrupted, the store passes SQLite's integrity check with mappings and cursors as before, and a re-run
 * converges to the state a run that was never killed reaches, with no duplicate users.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { generateSeed } from '../../src/emulators/seed/index.js';
import type { Seed } from '../../src/emulators/seed/types.js';
import { createRng } from '../../src/emulators/shared/rng.js';
import type { JobRecord } from '../../src/engine/store/index.js';
import {
  ALL, duplicates, expectedRun, failedItems, normalise, openRuntime, runSetup, tempDir, type Expected,
} from '../faults/package-run.js';
import { runCli, SOAK_EMPLOYEES, soakDescribe, spawnCli, when, type Run } from './helpers.js';

let generated: Seed | undefined;
/** Made on first use: `npm test` loads this file only to skip it. */
const seed = (): Seed => (generated ??= generateSeed({ seed: 11, employees: SOAK_EMPLOYEES, wiwUsers: Math.round(SOAK_EMPLOYEES * 0.6) }));

interface KillPoint {
  name: string;
  /** Resolves when the child should be killed. */
  at(ctx: { pair: EmulatorPair; dataDir: string; creates0: number; exited: Promise<Run> }): Promise<void>;
}

const creates = (pair: EmulatorPair) => pair.wiw.stats.get('POST /2/users') ?? 0;

function afterCreates(share: number): KillPoint {
  return {
    name: `during creates, after ${share * 100}% of them (at least one)`,
    at: ({ pair, creates0, exited }) => {
      const n = Math.max(1, Math.round(seed().expected.counts.created * share));
      return when(() => creates(pair) - creates0 >= n, exited);
    },
  };
}

/** The k-th time the store's WAL file is seen to grow: a write just happened or is under way. */
function atStoreWrite(k: number): KillPoint {
  return {
    name: `at the store's write #${k} (the WAL grew)`,
    at: ({ dataDir, exited }) => {
      const wal = join(dataDir, 'state.db-wal');
      let last = -1;
      let seen = 0;
      const size = () => { try { return statSync(wal).size; } catch { return -1; } };
      last = size();
      return when(() => {
        const now = size();
        if (now > last) seen++;
        last = now;
        return seen >= k;
      }, exited, 0);
    },
  };
}

function atRandomMoment(rngSeed: number, maxMs: number): KillPoint {
  const ms = Math.floor(createRng(rngSeed)() * maxMs);
  return { name: `at a random moment (seed ${rngSeed}: ${ms} ms after spawn)`, at: ({ exited }) => Promise.race([new Promise<void>((r) => setTimeout(r, ms)), exited.then(() => undefined)]) };
}

// A job's store writes: its creation, then (at the end) its step records and its final status. Write #3
// is that final status, after which the job has finished and there is nothing left to interrupt.
const POINTS: KillPoint[] = [
  afterCreates(0), afterCreates(0.3), afterCreates(0.9),
  atStoreWrite(1), atStoreWrite(2),
  atRandomMoment(1, 4000), atRandomMoment(2, 4000), atRandomMoment(3, 4000),
];

/** Latency per WIW call while the CLI runs, so the job outlasts the random kill moments (about 6 s). */
const KILL_RUN_LATENCY_MS = 25;

soakDescribe(`crashes: the CLI killed with SIGKILL during all-employees-sync of ${SOAK_EMPLOYEES} employees`, function () {
  this.timeout(300_000);
  let expected: Expected;
  let pair: EmulatorPair;
  before(async () => {
    expected = await expectedRun(() => startEmulators({ seed: seed() }));
    pair = await startEmulators({ seed: seed() });
  });
  after(async () => {
    await pair?.close();
  });

  for (const point of POINTS) {
    describe(`killed ${point.name}`, () => {
      let tmp: { dir: string; remove: () => void };
      let killed: Run;
      let mappingsBefore: unknown;
      let jobsRun: Run;
      let rerun: Run;
      let rerunJob: JobRecord | undefined;
      let rerunFailed: string[];
      let mappingsAfter: unknown;
      let cursorsBefore: unknown;
      let cursorsAfter: unknown;
      let integrity: unknown;
      let killedJobs: number;

      before(async () => {
        tmp = tempDir('recipes-crash-');
        pair.wiw.reset();
        // Setup through the Runtime API on the same store the CLI then uses; the killed run is the CLI's.
        const rt = await openRuntime(pair, tmp.dir);
        try {
          await runSetup(rt, 1);
        } finally {
          await rt.close();
        }
        mappingsBefore = readTable(tmp.dir, 'SELECT * FROM mappings ORDER BY 1, 2, 3');
        cursorsBefore = readTable(tmp.dir, 'SELECT name, cursor FROM recipes ORDER BY name');
        const creates0 = creates(pair);
        pair.wiw.faults.configure({ latencyMs: KILL_RUN_LATENCY_MS });
        const spawned = spawnCli(tmp.dir, ['test', ALL, '--json']);
        try {
          await point.at({ pair, dataDir: tmp.dir, creates0, exited: spawned.done });
        } finally {
          spawned.child.kill('SIGKILL');
          pair.wiw.faults.configure({});
        }
        killed = await spawned.done;
        integrity = readTable(tmp.dir, 'PRAGMA integrity_check');
        killedJobs = (readTable(tmp.dir, `SELECT count(*) AS n FROM jobs WHERE recipe = '${ALL}'`)[0] as { n: number }).n;
        jobsRun = await runCli(tmp.dir, ['jobs', ALL, '--json']);
        rerun = await runCli(tmp.dir, ['test', ALL, '--json']);
        const rt2 = await openRuntime(pair, tmp.dir);
        try {
          // The newest job is the re-run's only if the re-run made one (a kill leaves at most one job behind).
          const newest = await rt2.jobs(ALL, 2);
          rerunJob = newest.length === 2 || (newest.length === 1 && killedJobs === 0) ? newest[0] : undefined;
          rerunFailed = rerunJob ? await failedItems(rt2, rerunJob) : [];
        } finally {
          await rt2.close();
        }
        mappingsAfter = readTable(tmp.dir, 'SELECT * FROM mappings ORDER BY 1, 2, 3');
        cursorsAfter = readTable(tmp.dir, 'SELECT name, cursor FROM recipes ORDER BY name');
      });
      after(() => tmp?.remove());

      it('was killed by the signal, not finished', async () => {
        expect(killed.signal).to.equal('SIGKILL');
      });

      it('leaves a store SQLite finds intact, which `recipes jobs` opens and shows the killed job in as interrupted', async () => {
        expect(integrity).to.deep.equal([{ integrity_check: 'ok' }]);
        expect(jobsRun.code, jobsRun.stderr).to.equal(0);
        const jobs = JSON.parse(jobsRun.stdout) as JobRecord[];
        expect(jobs.filter((j) => j.status === 'running')).to.deep.equal([]);
        // A kill before the job row was written leaves no job; any job it left is marked interrupted.
        for (const job of jobs.filter((j) => j.recipe === ALL)) {
          expect(job.status).to.equal('failed');
          expect((job.error as { code?: string }).code).to.equal('JOB_INTERRUPTED');
        }
      });

      it('keeps the id mappings and trigger cursors as they were before the kill', async () => {
        expect(mappingsAfter).to.deep.equal(mappingsBefore);
        expect(cursorsAfter).to.deep.equal(cursorsBefore);
      });

      it('converges on a re-run: the job ends as an unkilled run does, with the same failures', async () => {
        expect(rerunJob?.status, `re-run's job (exit ${rerun.code}): ${rerun.stderr}`).to.equal(expected.job.status);
        expect(rerun.code).to.equal(expected.job.status === 'succeeded' ? 0 : 1);
        expect(rerunFailed).to.deep.equal(expected.failed);
      });

      it('converges on a re-run: WIW holds exactly what an unkilled run leaves', async () => {
        const actual = normalise(pair.wiw.snapshot(), pair.accountId);
        expect(actual.locations).to.deep.equal(expected.state.locations);
        expect(actual.positions).to.deep.equal(expected.state.positions);
        const differing = actual.users.filter((u, i) => JSON.stringify(u) !== JSON.stringify(expected.state.users[i])).map((u) => u.key);
        expect(actual.users.length).to.equal(expected.state.users.length);
        expect(differing).to.deep.equal([]);
      });

      it('converges on a re-run: no two live users share an employee code or an email', async () => {
        expect(duplicates(pair.wiw.snapshot(), pair.accountId)).to.deep.equal([]);
      });
    });
  }
});

/** Rows of one query on the store, opened read-only (as a separate reader would). */
function readTable(dataDir: string, sql: string): unknown[] {
  const db = new Database(join(dataDir, 'state.db'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}
