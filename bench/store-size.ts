/**
 * How big the state store gets: a 10,000-employee all-employees-sync (2,000 WIW users: about 7,600 users to create or link)
 * run in a fresh process on a fresh data dir with the CLI's defaults (100 items of each loop recorded in
 * full, failed ones always), then run again with nothing to change. Reports state.db's growth per job, split
 * into the job row (its summary), its trigger data and its step records, from SQLite's dbstat: what
 * `job_retention_days` bounds (README: Retention).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../src/engine/store/index.js';
import { BENCH_WORKLOAD, info, JsonChild, runOnce, type BenchRow } from './harness.js';

interface Ready {
  properties: Record<string, string>;
}
interface Measure {
  bytes: number;
  jobs: number;
  steps: number;
  /** Bytes on disk of each table with its indexes. */
  tables: Record<string, number>;
}

/** state.db once its process has closed it (the WAL is checkpointed into the file at close). */
function measure(dataDir: string): Measure {
  const file = join(dataDir, 'state.db');
  const db = new Database(file, { readonly: true });
  try {
    const jobs = (db.prepare('select count(*) as n from jobs').get() as { n: number }).n;
    const steps = (db.prepare('select count(*) as n from steps').get() as { n: number }).n;
    const rows = db
      .prepare('select coalesce(m.tbl_name, d.name) as t, sum(d.pgsize) as bytes from dbstat d left join sqlite_master m on m.name = d.name group by t')
      .all() as { t: string; bytes: number }[];
    return { bytes: statSync(file).size, jobs, steps, tables: Object.fromEntries(rows.map((r) => [r.t, r.bytes])) };
  } finally {
    db.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const emu = new JsonChild(['dist/bench/emulator-process.js', '--employees', '10000', '--wiw-users', '2000', '--latency', '0']);
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-bench-size-'));
  const name = 'state store, 10,000-employee all-employees-sync';
  try {
    const ready = await emu.next<Ready>();
    // BENCH_RECORD_ITEMS: the CLI's default (100), not the sync bench's 20.
    const env = { BENCH_PROPERTIES: JSON.stringify({ ...ready.properties, ...BENCH_WORKLOAD }), BENCH_RECORD_ITEMS: '100' };
    await runOnce(['dist/bench/sync-process.js', dataDir, 'location-sync'], env);
    await runOnce(['dist/bench/sync-process.js', dataDir, 'department-sync'], env);
    const setup = measure(dataDir);
    const first = await runOnce<{ status: string }>(['dist/bench/sync-process.js', dataDir, 'all-employees-sync'], env);
    const afterFirst = measure(dataDir);
    const again = await runOnce<{ status: string }>(['dist/bench/sync-process.js', dataDir, 'all-employees-sync'], env);
    const afterAgain = measure(dataDir);
    // The first sync's job is no longer the latest: a prune of everything finished takes it (and the setup
    // syncs keep their only jobs), and the file gives the space back.
    const store = await Store.open({ dataDir });
    const pruned = await store.pruneJobs({ project: 'default', before: new Date(Date.now() + 60_000).toISOString() }).finally(() => store.close());
    const afterPrune = measure(dataDir);
    const rowsFor = (label: string, a: Measure, b: Measure, status: string): BenchRow[] => {
      const grew = (t: string) => (b.tables[t] ?? 0) - (a.tables[t] ?? 0);
      const steps = b.steps - a.steps;
      return [
        info(name, `${label}: state.db growth`, (b.bytes - a.bytes) / 1024, 'KB', `1 job (${status}), ${steps} step records`),
        info(name, `${label}: job row (its summary)`, grew('jobs') / 1024, 'KB', `trigger data ${(grew('job_triggers') / 1024).toFixed(1)} KB`),
        info(name, `${label}: step records`, grew('steps') / 1024, 'KB', `${(grew('steps') / Math.max(1, steps)).toFixed(0)} bytes per step`),
      ];
    };
    return [
      info(name, 'data dir before (setup syncs, properties)', setup.bytes / 1024, 'KB', `${setup.jobs} jobs, ${setup.steps} steps`),
      ...rowsFor('first sync (creates the users)', setup, afterFirst, first.status),
      ...rowsFor('re-run, nothing to change', afterFirst, afterAgain, again.status),
      info(name, 'data dir after both', afterAgain.bytes / 1024, 'KB', `${afterAgain.jobs} jobs, ${afterAgain.steps} steps`),
      info(name, 'after pruning the first sync', afterPrune.bytes / 1024, 'KB', `deleted ${pruned.jobs} job, ${pruned.steps} steps; ${afterPrune.jobs} jobs left`),
    ];
  } finally {
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
