/**
 * Recipe leases: a job holds its recipe's lease while it runs, so two processes (two CLI runs, serve and
 * the CLI, the console) never run one recipe at once. The lease is taken and the job recorded in one
 * IMMEDIATE transaction, which serializes competing processes. A holder whose pid is dead, or whose
 * heartbeat (`expires_at`, renewed while the job runs) has lapsed, no longer holds it: the next taker
 * records that holder's job as interrupted and takes over. A polled event another process has run
 * meanwhile (both polled it before either moved the cursor) is not run again.
 */
import type Database from 'better-sqlite3';
import { isProcessAlive, nowIso } from './json.js';
import type { Jobs, NewJob } from './jobs.js';

/** A lease lapses this long after its last renewal. */
export const LEASE_TTL_MS = 60_000;
/** Renewal period: several renewals fit in one TTL, so a busy event loop does not lose the lease. */
export const LEASE_RENEW_MS = LEASE_TTL_MS / 4;

export interface LeaseHolder {
  pkg: string;
  recipe: string;
  jobId: number;
  pid: number;
  acquiredAt: string;
  /** ms since the epoch */
  expiresAt: number;
}

interface LeaseRow {
  pkg: string;
  recipe: string;
  job_id: number;
  pid: number;
  acquired_at: string;
  expires_at: number;
}

/**
 * `busy`: another live job holds the lease. `done`: the job is for a polled event that another process has
 * already run (it polled the same event before this one took the lease); the id is that job's.
 */
export type StartResult = { jobId: number } | { busy: LeaseHolder } | { done: number };

export class Leases {
  private readonly select: Database.Statement<[string, string], LeaseRow>;
  private readonly renewStmt: Database.Statement<[number, string, string, number]>;
  private readonly releaseStmt: Database.Statement<[string, string, number]>;
  private readonly startTx: (j: NewJob, now: number) => StartResult;

  constructor(db: Database.Database, jobs: Jobs) {
    this.select = db.prepare(`SELECT pkg, recipe, job_id, pid, acquired_at, expires_at FROM leases WHERE pkg = ? AND recipe = ?`);
    const upsert = db.prepare(
      `INSERT OR REPLACE INTO leases (pkg, recipe, job_id, pid, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.renewStmt = db.prepare(`UPDATE leases SET expires_at = ? WHERE pkg = ? AND recipe = ? AND job_id = ?`);
    this.releaseStmt = db.prepare(`DELETE FROM leases WHERE pkg = ? AND recipe = ? AND job_id = ?`);
    const start = db.transaction((j: NewJob, now: number): StartResult => {
      const held = this.select.get(j.pkg, j.recipe);
      if (held && isLive(held, now)) return { busy: toHolder(held) };
      if (held) jobs.interrupt(held.job_id); // its process is gone: its job will never finish
      if (j.eventId !== undefined && j.rerunOf === undefined && !j.dryRun) {
        const done = jobs.ranEvent(j.pkg, j.recipe, j.eventId);
        if (done !== undefined) return { done };
      }
      const jobId = jobs.create(j);
      upsert.run(j.pkg, j.recipe, jobId, process.pid, nowIso(), now + LEASE_TTL_MS);
      return { jobId };
    });
    this.startTx = (j, now) => start.immediate(j, now);
  }

  /** Records a running job holding the recipe's lease, or says who holds it. */
  startJob(j: NewJob, now = Date.now()): StartResult {
    return this.startTx(j, now);
  }

  /** Extends the lease of `jobId`; false when it no longer holds it (it lapsed and was taken over). */
  renew(pkg: string, recipe: string, jobId: number, now = Date.now()): boolean {
    return this.renewStmt.run(now + LEASE_TTL_MS, pkg, recipe, jobId).changes === 1;
  }

  /** Frees the lease if `jobId` still holds it. */
  release(pkg: string, recipe: string, jobId: number): void {
    this.releaseStmt.run(pkg, recipe, jobId);
  }

  /** The live holder of the recipe's lease, if any. */
  holder(pkg: string, recipe: string, now = Date.now()): LeaseHolder | undefined {
    const row = this.select.get(pkg, recipe);
    return row && isLive(row, now) ? toHolder(row) : undefined;
  }
}

function isLive(row: LeaseRow, now: number): boolean {
  return row.expires_at > now && isProcessAlive(row.pid);
}

function toHolder(row: LeaseRow): LeaseHolder {
  return { pkg: row.pkg, recipe: row.recipe, jobId: row.job_id, pid: row.pid, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}
