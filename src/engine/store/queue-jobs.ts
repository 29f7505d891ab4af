/**
 * Jobs that workers run from the queue (PostgreSQL). The queue itself is pg-boss, in its own schema of the
 * same database; this file keeps our side of each job in step with it, always in one transaction with the
 * queue's own write (`send` runs pg-boss's SQL on that transaction, see QueueSql):
 * - enqueue: the job's record (status 'queued') and its queue entry commit together, so no worker can draw
 *   a job whose record it cannot read, and a crash between the two leaves neither;
 * - claim: a worker that drew the job takes the recipe's lease and records the attempt (host, pid). The
 *   lease still guards one job per recipe: runs started from the CLI do not go through the queue. A job
 *   whose earlier attempt's worker died is taken over, that attempt recorded as lost;
 * - finish an attempt: the job ends, or (its worker shut down) goes back to the queue with a new entry;
 * - exhausted: the queue gave up on a job whose workers kept dying; it is failed with that reason.
 */
import { hostname } from 'node:os';
import { CompiledQuery } from './kysely.js';
import { errorToJson, fromJson, nowIso, toJson } from './json.js';
import { type AttemptOutcome, type JobResult, type Jobs, type NewJob } from './jobs.js';
import { exclusive, isLive, LEASE_TTL_MS, selectLease, type LeaseHolder } from './leases.js';
import type { Db, DialectName } from './schema.js';
import { alreadyQueued } from './store-errors.js';
import { recordOnce } from './write-keys.js';

/** What pg-boss runs its SQL on when handed a `db`: here, the store's open transaction. */
export interface QueueSql {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Puts the job's entry in the queue, on the transaction that records the job. */
export type Send = (db: QueueSql, jobId: number) => Promise<void>;

export type ClaimResult =
  | { claimed: { jobId: number; attempt: number; project: string; recipe: string } }
  /** Another live job holds the recipe's lease (or this job's previous attempt still runs): try later. */
  | { busy: LeaseHolder }
  /** The job ended already (a queue entry delivered twice): nothing to do. */
  | { finished: true }
  /** No such job: its project was removed after it was queued. */
  | { gone: true };

export interface AttemptRecord {
  attempt: number;
  host: string;
  pid: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: AttemptOutcome | null;
  error: unknown;
}

export const LOST_ERROR = Object.freeze({
  code: 'WORKER_LOST',
  kind: 'operational',
  message: 'The worker running this attempt stopped answering (killed, or its machine went away); the job was given to another worker.',
});

export class QueueJobs {
  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly location: string,
    private readonly jobs: Jobs,
  ) {}

  /**
   * Records the job and its queue entry in one transaction. With `once`, a write key of the project
   * (./write-keys.ts) taken in the same transaction: a second enqueue with it, from any process, throws
   * ALREADY_QUEUED (on PostgreSQL it waits for the first to commit or roll back).
   */
  async enqueue(j: NewJob, send: Send, once?: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const jobId = await this.jobs.insert(trx, { ...j, queued: true });
      if (once !== undefined) {
        const before = await recordOnce(trx, j.project, once, String(jobId));
        if (before !== undefined) throw alreadyQueued(j.project, once, Number(before));
      }
      await send(queueSql(trx), jobId);
      return jobId;
    });
  }

  async claim(jobId: number, now = Date.now()): Promise<ClaimResult> {
    const head = await this.db.selectFrom('jobs').select(['project', 'recipe']).where('id', '=', jobId).executeTakeFirst();
    if (!head) return { gone: true };
    return exclusive(this.db, this.dialect, this.location, `${head.project}\n${head.recipe}`, async (trx): Promise<ClaimResult> => {
      const job = await trx.selectFrom('jobs').select(['status']).where('id', '=', jobId).executeTakeFirst();
      if (!job) return { gone: true };
      if (job.status !== 'queued' && job.status !== 'running') return { finished: true };
      const held = await selectLease(trx, head.project, head.recipe);
      if (held && isLive(held, now)) return { busy: held };
      if (held && held.jobId !== jobId) await this.jobs.interrupt(held.jobId, trx);
      const at = nowIso();
      await trx
        .updateTable('job_attempts')
        .set({ finished_at: at, outcome: 'lost', error: JSON.stringify(LOST_ERROR) })
        .where('job_id', '=', jobId)
        .where('finished_at', 'is', null)
        .execute();
      const last = await trx.selectFrom('job_attempts').select((eb) => eb.fn.max('attempt').as('n')).where('job_id', '=', jobId).executeTakeFirst();
      const attempt = Number(last?.n ?? 0) + 1;
      const host = hostname();
      await trx.insertInto('job_attempts').values({ job_id: jobId, attempt, host, pid: process.pid, started_at: at, finished_at: null, outcome: null, error: null }).execute();
      await trx.updateTable('jobs').set({ status: 'running', pid: process.pid, host, started_at: at }).where('id', '=', jobId).execute();
      const lease = { job_id: jobId, pid: process.pid, host, acquired_at: at, expires_at: now + LEASE_TTL_MS };
      await trx
        .insertInto('leases')
        .values({ project: head.project, recipe: head.recipe, ...lease })
        .onConflict((oc) => oc.columns(['project', 'recipe']).doUpdateSet(lease))
        .execute();
      return { claimed: { jobId, attempt, project: head.project, recipe: head.recipe } };
    });
  }

  /**
   * Ends the attempt and with it the job, or, with `requeue` (its worker shut down before the job ended),
   * records the attempt as stopped and puts the job back in the queue. The lease is released either way.
   */
  async finishAttempt(jobId: number, attempt: number, r: JobResult, requeue?: Send): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const error = errorToJson(r.error);
      await trx
        .updateTable('job_attempts')
        .set({ finished_at: nowIso(), outcome: r.status, error: r.status === 'succeeded' ? null : error })
        .where('job_id', '=', jobId)
        .where('attempt', '=', attempt)
        .execute();
      const row = await trx.selectFrom('jobs').select(['project', 'recipe', 'started_at']).where('id', '=', jobId).executeTakeFirst();
      if (!row) return;
      await trx.deleteFrom('leases').where('project', '=', row.project).where('recipe', '=', row.recipe).where('job_id', '=', jobId).execute();
      if (requeue) {
        await trx.updateTable('jobs').set({ status: 'queued' }).where('id', '=', jobId).where('status', '=', 'running').execute();
        await requeue(queueSql(trx), jobId);
      } else {
        await this.jobs.finish(jobId, r.status, row.started_at, error, toJson(r.summary), trx);
      }
    });
  }

  /**
   * The queue gave up on the job (every attempt's worker died): failed with `error`, unless it ended
   * meanwhile; answers its project and recipe when it was failed now.
   */
  async failExhausted(jobId: number, error: unknown): Promise<{ project: string; recipe: string } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('jobs').select(['project', 'recipe', 'status', 'started_at']).where('id', '=', jobId).executeTakeFirst();
      if (!row || (row.status !== 'queued' && row.status !== 'running')) return undefined;
      await trx
        .updateTable('job_attempts')
        .set({ finished_at: nowIso(), outcome: 'lost', error: JSON.stringify(LOST_ERROR) })
        .where('job_id', '=', jobId)
        .where('finished_at', 'is', null)
        .execute();
      await trx.deleteFrom('leases').where('project', '=', row.project).where('recipe', '=', row.recipe).where('job_id', '=', jobId).execute();
      if (row.status === 'queued') await trx.updateTable('jobs').set({ status: 'running' }).where('id', '=', jobId).execute();
      const done = await this.jobs.finish(jobId, 'failed', row.started_at, errorToJson(error), null, trx);
      return done === 1 ? { project: row.project, recipe: row.recipe } : undefined;
    });
  }

  /** Each job's attempts, oldest first. */
  async attempts(jobIds: readonly number[]): Promise<Map<number, AttemptRecord[]>> {
    const byJob = new Map<number, AttemptRecord[]>();
    if (jobIds.length === 0) return byJob;
    const rows = await this.db.selectFrom('job_attempts').selectAll().where('job_id', 'in', [...jobIds]).orderBy('job_id').orderBy('attempt').execute();
    for (const r of rows) {
      const list = byJob.get(r.job_id) ?? [];
      list.push({ attempt: r.attempt, host: r.host, pid: r.pid, startedAt: r.started_at, finishedAt: r.finished_at, outcome: r.outcome, error: fromJson(r.error) });
      byJob.set(r.job_id, list);
    }
    return byJob;
  }
}

/** pg-boss's SQL (numbered parameters) run on a Kysely transaction. */
function queueSql(trx: Db): QueueSql {
  return {
    executeSql: async (text, values = []) => {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: [...result.rows] };
    },
  };
}
