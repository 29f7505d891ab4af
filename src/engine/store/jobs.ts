/** Job records: one trigger event run through a recipe. Steps live in steps.ts. */
import type Database from 'better-sqlite3';
import { RecipeError } from '../errors.js';
import { errorToJson, fromJson, isProcessAlive, nowIso, toJson } from './json.js';
import { StoreErrorCode, jobNotFound } from './store-errors.js';

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'stopped';
export type FinishedJobStatus = Exclude<JobStatus, 'running'>;

export interface NewJob {
  pkg: string;
  recipe: string;
  test: boolean;
  dryRun: boolean;
  /** The trigger event's data, kept so the job can be rerun. */
  trigger: unknown;
  eventId?: string;
  rerunOf?: number;
}

export interface JobResult {
  status: FinishedJobStatus;
  /** An Error is stored in its serialized shape (code, kind, message, cause). */
  error?: unknown;
  summary?: unknown;
}

export interface JobRecord {
  id: number;
  pkg: string;
  recipe: string;
  status: JobStatus;
  test: boolean;
  dryRun: boolean;
  trigger: unknown;
  eventId: string | null;
  rerunOf: number | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: unknown;
  summary: unknown;
}

export interface JobQuery {
  pkg: string;
  recipe?: string;
  status?: JobStatus;
  /** @default 50 */
  limit?: number;
}

export const INTERRUPTED_ERROR = Object.freeze({
  code: 'JOB_INTERRUPTED',
  kind: 'operational',
  message: 'The process stopped while this job ran.',
});

interface JobRow {
  id: number;
  pkg: string;
  recipe: string;
  status: JobStatus;
  test: 0 | 1;
  dry_run: 0 | 1;
  event_id: string | null;
  rerun_of: number | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  summary: string | null;
}

const COLUMNS = `id, pkg, recipe, status, test, dry_run, event_id, rerun_of, started_at, finished_at, duration_ms, error, summary`;

interface FinishParams {
  id: number;
  status: JobStatus;
  now: string;
  duration: number;
  error: string | null;
  summary: string | null;
}

export class Jobs {
  private readonly insert: (j: NewJob) => number;
  private readonly toRecord: (row: JobRow) => JobRecord;
  private readonly finish: Database.Statement<[FinishParams]>;
  private readonly select: Database.Statement<[number], JobRow>;
  private readonly selectState: Database.Statement<[number], Pick<JobRow, 'status' | 'started_at'>>;
  private readonly query: Database.Statement<[{ pkg: string; recipe: string | null; status: string | null; limit: number }], JobRow>;
  private readonly lastStmt: Database.Statement<[string, string], JobRow>;
  private readonly lastOk: Database.Statement<[string, string], JobRow>;
  private readonly running: Database.Statement<[], { id: number; pid: number | null; started_at: string }>;
  private readonly eventRun: Database.Statement<[string, string, string], { id: number }>;
  private readonly interruptTx: (isOwnerAlive: (pid: number) => boolean) => number;

  constructor(db: Database.Database) {
    const insertJob = db.prepare(
      `INSERT INTO jobs (pkg, recipe, status, test, dry_run, event_id, rerun_of, pid, started_at)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    );
    const insertTrigger = db.prepare(`INSERT INTO job_triggers (job_id, data) VALUES (?, ?)`);
    this.insert = db.transaction((j: NewJob): number => {
      const info = insertJob.run(j.pkg, j.recipe, j.test ? 1 : 0, j.dryRun ? 1 : 0, j.eventId ?? null, j.rerunOf ?? null, process.pid, nowIso());
      const id = Number(info.lastInsertRowid);
      const data = toJson(j.trigger);
      if (data !== null) insertTrigger.run(id, data);
      return id;
    });
    const selectTrigger = db.prepare<[number], { data: string }>(`SELECT data FROM job_triggers WHERE job_id = ?`);
    this.toRecord = (row) => toRecord(row, () => selectTrigger.get(row.id)?.data ?? null);
    this.finish = db.prepare(
      `UPDATE jobs SET status = @status, finished_at = @now, duration_ms = @duration, error = @error, summary = @summary
       WHERE id = @id AND status = 'running'`,
    );
    this.select = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
    // Finishing needs only these: reading the whole row would copy a large trigger (100k items: ~8 MB) for nothing.
    this.selectState = db.prepare(`SELECT status, started_at FROM jobs WHERE id = ?`);
    this.query = db.prepare(
      `SELECT ${COLUMNS} FROM jobs WHERE pkg = @pkg AND (@recipe IS NULL OR recipe = @recipe)
       AND (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit`,
    );
    this.lastStmt = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE pkg = ? AND recipe = ? ORDER BY id DESC LIMIT 1`);
    this.lastOk = db.prepare(
      `SELECT ${COLUMNS} FROM jobs WHERE pkg = ? AND recipe = ? AND status = 'succeeded' AND dry_run = 0
       ORDER BY id DESC LIMIT 1`,
    );
    this.running = db.prepare(`SELECT id, pid, started_at FROM jobs WHERE status = 'running'`);
    this.eventRun = db.prepare(
      `SELECT id FROM jobs WHERE pkg = ? AND recipe = ? AND event_id = ? AND dry_run = 0 AND rerun_of IS NULL
       AND status IN ('succeeded', 'failed') AND json_extract(error, '$.code') IS NOT 'JOB_INTERRUPTED'
       ORDER BY id DESC LIMIT 1`,
    );
    const lease = db.prepare<[number], { pid: number; expires_at: number }>(`SELECT pid, expires_at FROM leases WHERE job_id = ?`);
    this.interruptTx = db.transaction((isOwnerAlive: (pid: number) => boolean) => {
      let count = 0;
      const now = Date.now();
      for (const job of this.running.all()) {
        // A job holding a lease is alive while its holder is and renews it; one from before leases
        // existed has only its pid to tell.
        const held = lease.get(job.id);
        const alive = held ? held.expires_at > now && isOwnerAlive(held.pid) : job.pid !== null && isOwnerAlive(job.pid);
        if (alive) continue;
        this.interrupt(job.id);
        count++;
      }
      return count;
    });
  }

  /**
   * The job that ran polled event `eventId` to its end, so the cursor moved past it (a rerun, a dry run, a
   * stopped or an interrupted job does not count), if any.
   */
  ranEvent(pkg: string, recipe: string, eventId: string): number | undefined {
    return this.eventRun.get(pkg, recipe, eventId)?.id;
  }

  /** Records a running job as failed with JOB_INTERRUPTED (its process is gone); a finished job is left alone. */
  interrupt(id: number): void {
    const row = this.selectState.get(id);
    if (!row || row.status !== 'running') return;
    const now = nowIso();
    const duration = Math.max(0, Date.parse(now) - Date.parse(row.started_at));
    this.finish.run({ id, status: 'failed', now, duration, error: toJson(INTERRUPTED_ERROR), summary: null });
  }

  create(j: NewJob): number {
    return this.insert(j);
  }

  /** Throws JOB_NOT_FOUND for an unknown id and JOB_NOT_RUNNING (a bug) when the job already finished. */
  finishJob(id: number, r: JobResult): void {
    const row = this.selectState.get(id);
    if (!row) throw jobNotFound(id);
    if (row.status !== 'running') {
      throw new RecipeError(StoreErrorCode.JOB_NOT_RUNNING, `Job ${id} already finished (${row.status}).`, {
        kind: 'bug',
        details: { jobId: id, status: row.status },
      });
    }
    const now = nowIso();
    const duration = Math.max(0, Date.parse(now) - Date.parse(row.started_at));
    this.finish.run({ id, status: r.status, now, duration, error: errorToJson(r.error), summary: toJson(r.summary) });
  }

  get(id: number): JobRecord | undefined {
    const row = this.select.get(id);
    return row && this.toRecord(row);
  }

  list(q: JobQuery): JobRecord[] {
    return this.query
      .all({ pkg: q.pkg, recipe: q.recipe ?? null, status: q.status ?? null, limit: q.limit ?? 50 })
      .map(this.toRecord);
  }

  last(pkg: string, recipe: string): JobRecord | undefined {
    const row = this.lastStmt.get(pkg, recipe);
    return row && this.toRecord(row);
  }

  /** The newest succeeded job, test runs included, dry runs excluded (they changed nothing). */
  lastSucceeded(pkg: string, recipe: string): JobRecord | undefined {
    const row = this.lastOk.get(pkg, recipe);
    return row && this.toRecord(row);
  }

  /**
   * Fails jobs left 'running' whose process is gone: its pid is dead, or its lease lapsed (a reused pid
   * does not keep it alive then). `isOwnerAlive` defaults to a pid check.
   */
  markInterrupted(isOwnerAlive: (pid: number) => boolean = isProcessAlive): number {
    return this.interruptTx(isOwnerAlive);
  }
}

function toRecord(row: JobRow, readTrigger: () => string | null): JobRecord {
  const record = {
    id: row.id,
    pkg: row.pkg,
    recipe: row.recipe,
    status: row.status,
    test: row.test === 1,
    dryRun: row.dry_run === 1,
    trigger: undefined as unknown,
    eventId: row.event_id,
    rerunOf: row.rerun_of,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    error: fromJson(row.error),
    summary: undefined as unknown,
  };
  // A trigger can be large (a 100,000-item batch is ~8 MB of JSON), and so can a summary (a sync of
  // 100,000 employees lists 70,000 new users): each is read and parsed only when someone asks.
  parsedOnRead(record, 'trigger', readTrigger);
  parsedOnRead(record, 'summary', () => row.summary);
  return record;
}

function parsedOnRead(record: Record<string, unknown>, key: string, read: () => string | null): void {
  let parsed: { value: unknown } | undefined;
  Object.defineProperty(record, key, {
    enumerable: true,
    get: () => (parsed ??= { value: fromJson(read()) }).value,
  });
}
