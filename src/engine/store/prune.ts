/**
 * Retention: deletes a project's finished jobs (with their steps and trigger data) that ended before a
 * cutoff. Kept whatever their age:
 * - a running job, and any job holding a lease;
 * - each recipe's latest successful job (dry runs aside): its record is the "has succeeded" proof `needs`
 *   reads (jobs.ts lastSucceeded), so pruning it would make a recipe's needs unmet again;
 * - each recipe's latest job, whatever its outcome: `recipes list` and the console show it as "last job";
 * - the job a kept rerun replays (`rerun_of`): a rerun keeps naming its original.
 * Everything else of a project is not job history and is never pruned: properties, recipe state and
 * cursors, id mappings, counters. Write keys older than WRITE_KEY_DAYS go too: they only matter to jobs
 * working from a listing read before the write, and no job's listing is that old.
 *
 * Deletes run in small transactions, so a `serve` writing meanwhile waits milliseconds, not the whole prune.
 * SQLite then gives the space back: the file is in incremental auto-vacuum mode (set when a store is
 * created; a store made before is rewritten once with VACUUM on its first prune that deletes something),
 * and free pages are released in steps before a truncating checkpoint. PostgreSQL: plain DELETEs; its
 * autovacuum makes the space reusable (the files do not shrink).
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Db } from './schema.js';

export interface PruneQuery {
  project: string;
  /** Jobs that finished before this instant (ISO 8601) are pruned. */
  before: string;
  /** Count what would be deleted; change nothing. */
  dryRun?: boolean;
}

export interface PruneResult {
  /** Jobs deleted (or, in a dry run, that would be). */
  jobs: number;
  /** Their step records. */
  steps: number;
  /** Jobs that finished before the cutoff but are kept (see the rules above). */
  kept: number;
  /** SQLite: state.db's size before and after (after: once the space is given back). */
  fileBytes?: { before: number; after: number };
  /** SQLite: the file was rewritten once (VACUUM) to turn incremental auto-vacuum on. */
  convertedToIncrementalVacuum?: boolean;
}

/** Write keys untouched for this long are deleted by a prune that is not a dry run (write-keys.ts). */
export const WRITE_KEY_DAYS = 1;
/** Jobs per delete transaction: a 10,000-employee sync records a few hundred steps each. */
const JOBS_PER_BATCH = 50;
/** Free pages released per incremental_vacuum statement (each is one short write transaction). */
const PAGES_PER_VACUUM = 2048;
/** SQLite's `PRAGMA auto_vacuum` value for INCREMENTAL. */
const INCREMENTAL = 2;

export class Pruner {
  constructor(
    private readonly db: Db,
    /** SQLite: the connection under Kysely (for the vacuum pragmas) and the state.db file (its size). */
    private readonly sqlite?: Database.Database,
    private readonly file?: string,
  ) {}

  async prune(q: PruneQuery): Promise<PruneResult> {
    const old = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('project', '=', q.project)
      .where('status', '<>', 'running')
      .where('finished_at', '<', q.before)
      .orderBy('id')
      .execute();
    const doomed = new Set(old.map((r) => r.id));
    for (const id of await this.protectedIds(q.project)) doomed.delete(id);
    await this.keepRerunOriginals(q.project, doomed);
    const ids = [...doomed];
    const result: PruneResult = { jobs: 0, steps: 0, kept: old.length - ids.length };
    if (q.dryRun) {
      for (const batch of chunks(ids)) {
        const n = await this.db.selectFrom('steps').select((eb) => eb.fn.countAll<number | string>().as('n')).where('job_id', 'in', batch).executeTakeFirst();
        result.steps += Number(n?.n ?? 0);
      }
      result.jobs = ids.length;
      return result;
    }
    const before = this.fileSize();
    const keysBefore = new Date(Date.now() - WRITE_KEY_DAYS * 86_400_000).toISOString();
    await this.db.deleteFrom('write_keys').where('project', '=', q.project).where('updated_at', '<', keysBefore).execute();
    for (const batch of chunks(ids)) {
      await this.db.transaction().execute(async (trx) => {
        const steps = await trx.deleteFrom('steps').where('job_id', 'in', batch).executeTakeFirst();
        await trx.deleteFrom('job_triggers').where('job_id', 'in', batch).execute();
        // Re-checked inside the transaction: a lease taken meanwhile (never by a finished job) keeps its job.
        const jobs = await trx
          .deleteFrom('jobs')
          .where('id', 'in', batch)
          .where('status', '<>', 'running')
          .where('id', 'not in', trx.selectFrom('leases').select('job_id'))
          .executeTakeFirst();
        result.steps += Number(steps.numDeletedRows);
        result.jobs += Number(jobs.numDeletedRows);
      });
    }
    if (this.sqlite && result.jobs > 0) {
      result.convertedToIncrementalVacuum = await this.giveSpaceBack();
      result.fileBytes = { before: before ?? 0, after: this.fileSize() ?? 0 };
    }
    return result;
  }

  /** Each recipe's latest job and latest successful (not dry-run) job, and jobs holding a lease. */
  private async protectedIds(project: string): Promise<number[]> {
    const latest = await this.db.selectFrom('jobs').select((eb) => eb.fn.max('id').as('id')).where('project', '=', project).groupBy('recipe').execute();
    const succeeded = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('project', '=', project)
      .where('status', '=', 'succeeded')
      .where('dry_run', '=', 0)
      .groupBy('recipe')
      .execute();
    const leased = await this.db.selectFrom('leases').select('job_id as id').where('project', '=', project).execute();
    return [...latest, ...succeeded, ...leased].map((r) => Number(r.id));
  }

  /** Takes out of `doomed` every job a kept job reruns, and theirs in turn. */
  private async keepRerunOriginals(project: string, doomed: Set<number>): Promise<void> {
    const reruns = await this.db.selectFrom('jobs').select(['id', 'rerun_of']).where('project', '=', project).where('rerun_of', 'is not', null).execute();
    let changed = true;
    while (changed) {
      changed = false;
      for (const r of reruns) {
        if (r.rerun_of !== null && !doomed.has(r.id) && doomed.delete(r.rerun_of)) changed = true;
      }
    }
  }

  /**
   * Releases the free pages the deletes left and truncates the file. Returns true when the file had to be
   * rewritten first (a store created before incremental auto-vacuum: the pragma takes effect only with a
   * VACUUM, which needs free disk space the size of the file, once).
   */
  private async giveSpaceBack(): Promise<boolean> {
    const sqlite = this.sqlite;
    if (!sqlite) return false;
    // Kysely's one connection, held: no transaction of another caller in this process is open meanwhile.
    // The pragmas run on better-sqlite3 directly, since incremental_vacuum frees one page per step and
    // Kysely steps a statement that returns no rows only once.
    return this.db.connection().execute(async () => {
      let converted = false;
      if (sqlite.pragma('auto_vacuum', { simple: true }) !== INCREMENTAL) {
        sqlite.pragma('auto_vacuum = INCREMENTAL');
        sqlite.exec('VACUUM');
        converted = true;
      } else {
        const free = Number(sqlite.pragma('freelist_count', { simple: true }));
        for (let i = 0; i < Math.ceil(free / PAGES_PER_VACUUM); i++) {
          sqlite.pragma(`incremental_vacuum(${PAGES_PER_VACUUM})`);
          // Between steps, another process's write gets its turn.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      // WAL: the shorter file is written back only by a checkpoint; a reader in another process may hold
      // it back (then a later checkpoint does it).
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      return converted;
    });
  }

  private fileSize(): number | undefined {
    if (!this.file) return undefined;
    try {
      return statSync(this.file).size;
    } catch {
      return undefined;
    }
  }
}

function* chunks(ids: readonly number[]): Generator<number[]> {
  for (let i = 0; i < ids.length; i += JOBS_PER_BATCH) yield ids.slice(i, i + JOBS_PER_BATCH);
}
