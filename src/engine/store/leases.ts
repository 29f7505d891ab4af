/**
 * Recipe leases: a job holds its recipe's lease while it runs, so two processes (two CLI runs, serve and
 * the CLI, the console, or several machines on one PostgreSQL database) never run one recipe at once. The
 * lease is taken and the job recorded in one exclusive transaction (see `exclusive`), which serializes
 * competing takers. A holder whose heartbeat (`expires_at`, renewed while the job runs) has lapsed, or
 * whose pid is dead on this host, no longer holds it: the next taker records that holder's job as
 * interrupted and takes over. A holder on another host is judged by its expiry alone. A polled event
 * another process has run meanwhile (both polled it before either moved the cursor) is not run again.
 */
import { hostname } from 'node:os';
import { sql } from './kysely.js';
import { isProcessAlive, nowIso } from './json.js';
import { isLocal, type Jobs, type NewJob } from './jobs.js';
import type { Db, DialectName } from './schema.js';

/** A lease lapses this long after its last renewal. */
export const LEASE_TTL_MS = 60_000;
/** Renewal period: several renewals fit in one TTL, so a busy event loop does not lose the lease. */
export const LEASE_RENEW_MS = LEASE_TTL_MS / 4;

export interface LeaseHolder {
  project: string;
  recipe: string;
  jobId: number;
  pid: number;
  /** The holder's host name; null for a lease written before hosts were recorded (this machine). */
  host: string | null;
  acquiredAt: string;
  /** ms since the epoch */
  expiresAt: number;
}

/**
 * `busy`: another live job holds the lease. `done`: the job is for a polled event that another process has
 * already run (it polled the same event before this one took the lease); the id is that job's.
 */
export type StartResult = { jobId: number } | { busy: LeaseHolder } | { done: number };

/** The advisory lock's first key on PostgreSQL: 'RCPS'; the second is a hash of the recipe. */
const ADVISORY_CLASS = 0x52435053;

export class Leases {
  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    /** The state.db file (SQLite), for the in-process queue of `exclusive`. */
    private readonly location: string,
    private readonly jobs: Jobs,
  ) {}

  /** Records a running job holding the recipe's lease, or says who holds it. */
  async startJob(j: NewJob, now = Date.now()): Promise<StartResult> {
    return exclusive(this.db, this.dialect, this.location, `${j.project}\n${j.recipe}`, async (trx): Promise<StartResult> => {
      const held = await selectLease(trx, j.project, j.recipe);
      if (held && isLive(held, now)) return { busy: held };
      if (held) await this.jobs.interrupt(held.jobId, trx); // its process is gone: its job will never finish
      if (j.eventId !== undefined && j.rerunOf === undefined && !j.dryRun) {
        const done = await this.jobs.ranEvent(j.project, j.recipe, j.eventId, trx);
        if (done !== undefined) return { done };
      }
      const jobId = await this.jobs.insert(trx, j);
      const lease = { job_id: jobId, pid: process.pid, host: hostname(), acquired_at: nowIso(), expires_at: now + LEASE_TTL_MS };
      await trx
        .insertInto('leases')
        .values({ project: j.project, recipe: j.recipe, ...lease })
        .onConflict((oc) => oc.columns(['project', 'recipe']).doUpdateSet(lease))
        .execute();
      return { jobId };
    });
  }

  /** Extends the lease of `jobId`; false when it no longer holds it (it lapsed and was taken over). */
  async renew(project: string, recipe: string, jobId: number, now = Date.now()): Promise<boolean> {
    const r = await this.db
      .updateTable('leases')
      .set({ expires_at: now + LEASE_TTL_MS })
      .where('project', '=', project)
      .where('recipe', '=', recipe)
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Frees the lease if `jobId` still holds it. */
  async release(project: string, recipe: string, jobId: number): Promise<void> {
    await this.db.deleteFrom('leases').where('project', '=', project).where('recipe', '=', recipe).where('job_id', '=', jobId).execute();
  }

  /** The live holder of the recipe's lease, if any. */
  async holder(project: string, recipe: string, now = Date.now()): Promise<LeaseHolder | undefined> {
    const held = await selectLease(this.db, project, recipe);
    return held && isLive(held, now) ? held : undefined;
  }
}

/**
 * Runs `fn` in a write transaction that competing processes take one at a time. SQLite: BEGIN IMMEDIATE on
 * the one connection (a deferred transaction that reads, then writes, could fail instead of waiting).
 * PostgreSQL: a transaction-scoped advisory lock on `key`, since a row that does not exist yet cannot be
 * locked with SELECT ... FOR UPDATE.
 */
export async function exclusive<T>(db: Db, dialect: DialectName, file: string, key: string, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (dialect === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${ADVISORY_CLASS}, hashtext(${key}))`.execute(trx);
      return fn(trx);
    });
  }
  // better-sqlite3 waits for a lock synchronously: a second connection of this process to the same file
  // would block the event loop that the holder needs to commit. Takers in one process queue here instead.
  const previous = sqliteQueues.get(file) ?? Promise.resolve();
  const mine = previous.then(() =>
    db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      }
    }),
  );
  const settled = mine.then(() => undefined, () => undefined);
  sqliteQueues.set(file, settled);
  void settled.then(() => sqliteQueues.get(file) === settled && sqliteQueues.delete(file));
  return mine;
}

/** The tail of each SQLite file's queue of exclusive sections in this process. */
const sqliteQueues = new Map<string, Promise<void>>();

export async function selectLease(db: Db, project: string, recipe: string): Promise<LeaseHolder | undefined> {
  const row = await db
    .selectFrom('leases')
    .select(['project', 'recipe', 'job_id', 'pid', 'host', 'acquired_at', 'expires_at'])
    .where('project', '=', project)
    .where('recipe', '=', recipe)
    .executeTakeFirst();
  if (!row) return undefined;
  return { project: row.project, recipe: row.recipe, jobId: row.job_id, pid: row.pid, host: row.host, acquiredAt: row.acquired_at, expiresAt: Number(row.expires_at) };
}

/** A pid says something only on its own host; elsewhere the heartbeat alone tells. */
export function isLive(h: LeaseHolder, now: number): boolean {
  return h.expiresAt > now && (!isLocal(h.host) || isProcessAlive(h.pid));
}
