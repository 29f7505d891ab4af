/** Job records: one trigger event run through a recipe. Steps live in steps.ts. */
import { hostname } from 'node:os';
import type { Selectable } from 'kysely';
import { RecipeError } from '../errors.js';
import { errorToJson, fromJson, isProcessAlive, nowIso, toJson } from './json.js';
import type { Db, JobsTable } from './schema.js';
import { StoreErrorCode, jobNotFound } from './store-errors.js';

/** 'queued': waiting for a worker (PostgreSQL only). */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'stopped';
export type FinishedJobStatus = Exclude<JobStatus, 'running' | 'queued'>;
/** How a worker's attempt at a queued job ended; 'stopped' puts the job back in the queue, 'lost' is a dead worker. */
export type AttemptOutcome = FinishedJobStatus | 'lost';

/** Which package a job ran, so it can be traced to the exact recipes. */
export interface PackageStamp {
  name: string;
  version?: string;
  /** sha256 of the package folder (loader/package-hash.ts). */
  hash?: string;
}

export interface NewJob {
  project: string;
  /** The package it runs. */
  package?: PackageStamp;
  recipe: string;
  test: boolean;
  dryRun: boolean;
  /** The trigger event's data, kept so the job can be rerun. */
  trigger: unknown;
  eventId?: string;
  rerunOf?: number;
  /** Recorded as queued for a worker (see queue-jobs.ts) instead of running in this process. */
  queued?: boolean;
}

export interface JobResult {
  status: FinishedJobStatus;
  /** An Error is stored in its serialized shape (code, kind, message, cause). */
  error?: unknown;
  summary?: unknown;
}

export interface JobRecord {
  id: number;
  project: string;
  /** The package's name (null only for a job recorded without one). */
  pkg: string | null;
  /** The package's version and content hash; null for jobs from before projects. */
  packageVersion: string | null;
  packageHash: string | null;
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
  /** The machine and process that runs or last ran it (null for jobs from before hosts were recorded). */
  host: string | null;
  pid: number | null;
  /** A worker runs it from the queue. */
  viaQueue: boolean;
}

export interface JobQuery {
  project: string;
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
const INTERRUPTED_JSON = JSON.stringify(INTERRUPTED_ERROR);

/** A lease's host: null (written before hosts were recorded, always this machine's SQLite file) or ours. */
export function isLocal(host: string | null): boolean {
  return host === null || host === hostname();
}

const COLUMNS = [
  'id', 'project', 'package_name', 'package_version', 'package_hash', 'recipe', 'status', 'test', 'dry_run', 'event_id', 'rerun_of', 'started_at', 'finished_at', 'duration_ms', 'error', 'summary', 'host', 'pid', 'via_queue',
] as const;
type JobRow = Pick<Selectable<JobsTable>, (typeof COLUMNS)[number]>;

export class Jobs {
  constructor(private readonly db: Db) {}

  /** A running job without a lease (the runtime takes one: see leases.ts). */
  async create(j: NewJob): Promise<number> {
    return this.db.transaction().execute((trx) => this.insert(trx, j));
  }

  /** Inserts the job and its trigger; call inside a transaction. */
  async insert(trx: Db, j: NewJob): Promise<number> {
    const { id } = await trx
      .insertInto('jobs')
      .values({
        project: j.project,
        package_name: j.package?.name ?? null,
        package_version: j.package?.version ?? null,
        package_hash: j.package?.hash ?? null,
        recipe: j.recipe,
        status: j.queued ? 'queued' : 'running',
        via_queue: j.queued ? 1 : 0,
        test: j.test ? 1 : 0,
        dry_run: j.dryRun ? 1 : 0,
        event_id: j.eventId ?? null,
        rerun_of: j.rerunOf ?? null,
        pid: j.queued ? null : process.pid,
        host: j.queued ? null : hostname(),
        started_at: nowIso(),
        trigger: null,
        finished_at: null,
        duration_ms: null,
        error: null,
        summary: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const data = toJson(j.trigger);
    if (data !== null) await trx.insertInto('job_triggers').values({ job_id: id, data }).execute();
    return id;
  }

  /** Throws JOB_NOT_FOUND for an unknown id and JOB_NOT_RUNNING (a bug) when the job already finished. */
  async finishJob(id: number, r: JobResult): Promise<void> {
    // Finishing needs only these: reading the whole row would copy a large summary for nothing.
    const row = await this.db.selectFrom('jobs').select(['status', 'started_at']).where('id', '=', id).executeTakeFirst();
    if (!row) throw jobNotFound(id);
    if (row.status !== 'running') {
      throw new RecipeError(StoreErrorCode.JOB_NOT_RUNNING, `Job ${id} already finished (${row.status}).`, {
        kind: 'bug',
        details: { jobId: id, status: row.status },
      });
    }
    await this.finish(id, r.status, row.started_at, errorToJson(r.error), toJson(r.summary));
  }

  /**
   * `trigger`: the caller already holds the job's trigger data (the job that just ran), so the stored copy
   * is not read back: for a 100,000-item batch that is megabytes of text read for nothing.
   */
  async get(id: number, known?: { trigger: unknown }): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    if (!known) return (await this.withTriggers([row]))[0];
    const record = toRecord(row, null);
    Object.defineProperty(record, 'trigger', { value: known.trigger, enumerable: true });
    return record;
  }

  async list(q: JobQuery): Promise<JobRecord[]> {
    let query = this.db.selectFrom('jobs').select(COLUMNS).where('project', '=', q.project);
    if (q.recipe !== undefined) query = query.where('recipe', '=', q.recipe);
    if (q.status !== undefined) query = query.where('status', '=', q.status);
    return this.withTriggers(await query.orderBy('id', 'desc').limit(q.limit ?? 50).execute());
  }

  async last(project: string, recipe: string): Promise<JobRecord | undefined> {
    return (await this.list({ project, recipe, limit: 1 }))[0];
  }

  /** The newest succeeded job, test runs included, dry runs excluded (they changed nothing). */
  async lastSucceeded(project: string, recipe: string): Promise<JobRecord | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .select(COLUMNS)
      .where('project', '=', project)
      .where('recipe', '=', recipe)
      .where('status', '=', 'succeeded')
      .where('dry_run', '=', 0)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && (await this.withTriggers([row]))[0];
  }

  /**
   * The job that ran polled event `eventId` to its end, so the cursor moved past it (a rerun, a dry run, a
   * stopped or an interrupted job does not count), if any. The store writes JOB_INTERRUPTED only as
   * INTERRUPTED_ERROR's text, so comparing that text is exact on both databases (no JSON functions).
   */
  async ranEvent(project: string, recipe: string, eventId: string, db: Db = this.db): Promise<number | undefined> {
    const row = await db
      .selectFrom('jobs')
      .select('id')
      .where('project', '=', project)
      .where('recipe', '=', recipe)
      .where('event_id', '=', eventId)
      .where('dry_run', '=', 0)
      .where('rerun_of', 'is', null)
      .where('status', 'in', ['succeeded', 'failed'])
      .where((eb) => eb.or([eb('error', 'is', null), eb('error', '<>', INTERRUPTED_JSON)]))
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /**
   * Records a running job as failed with JOB_INTERRUPTED (its process is gone); a finished job is left alone,
   * and so is a queued one: the queue gives it to another worker (queue-jobs.ts).
   */
  async interrupt(id: number, db: Db = this.db): Promise<void> {
    const row = await db.selectFrom('jobs').select(['status', 'started_at', 'via_queue']).where('id', '=', id).executeTakeFirst();
    if (row?.status === 'running' && row.via_queue === 0) await this.finish(id, 'failed', row.started_at, INTERRUPTED_JSON, null, db);
  }

  /**
   * Fails jobs left 'running' whose process is gone. A job holding a lease is alive while its holder is
   * and renews it: a holder on this host is checked by pid and expiry, one on another host (PostgreSQL
   * shared by several machines) by expiry only. A job from before leases has only its pid to tell; a
   * reused pid keeps it 'running' until that process ends too (safe: a live job is never failed).
   * `isOwnerAlive` defaults to a pid check.
   */
  async markInterrupted(isOwnerAlive: (pid: number) => boolean = isProcessAlive): Promise<number> {
    const running = await this.db
      .selectFrom('jobs')
      .leftJoin('leases', 'leases.job_id', 'jobs.id')
      .select(['jobs.id', 'jobs.pid', 'leases.pid as lease_pid', 'leases.host', 'leases.expires_at'])
      .where('jobs.status', '=', 'running')
      .where('jobs.via_queue', '=', 0)
      .execute();
    const now = Date.now();
    const dead = running.filter((job) => {
      if (job.lease_pid === null || job.expires_at === null) return job.pid === null || !isOwnerAlive(job.pid);
      if (Number(job.expires_at) <= now) return true;
      return isLocal(job.host) && !isOwnerAlive(job.lease_pid);
    });
    if (dead.length === 0) return 0;
    let count = 0;
    await this.db.transaction().execute(async (trx) => {
      for (const job of dead) {
        const row = await trx.selectFrom('jobs').select(['status', 'started_at']).where('id', '=', job.id).executeTakeFirst();
        if (row?.status === 'running') count += await this.finish(job.id, 'failed', row.started_at, INTERRUPTED_JSON, null, trx);
      }
    });
    return count;
  }

  /** Only a running job is finished (another process may have recovered it meanwhile); returns 1 or 0. */
  async finish(id: number, status: JobStatus, startedAt: string, error: string | null, summary: string | null, db: Db = this.db): Promise<number> {
    const now = nowIso();
    const result = await db
      .updateTable('jobs')
      .set({ status, finished_at: now, duration_ms: Math.max(0, Date.parse(now) - Date.parse(startedAt)), error, summary })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** One query for the triggers of all rows; each is parsed only when read. */
  private async withTriggers(rows: JobRow[]): Promise<JobRecord[]> {
    if (rows.length === 0) return [];
    const triggers = await this.db
      .selectFrom('job_triggers')
      .select(['job_id', 'data'])
      .where('job_id', 'in', rows.map((r) => r.id))
      .execute();
    const byJob = new Map(triggers.map((t) => [t.job_id, t.data]));
    return rows.map((row) => toRecord(row, byJob.get(row.id) ?? null));
  }
}

function toRecord(row: JobRow, trigger: string | null): JobRecord {
  const record = {
    id: row.id,
    project: row.project,
    pkg: row.package_name,
    packageVersion: row.package_version,
    packageHash: row.package_hash,
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
    host: row.host,
    pid: row.pid,
    viaQueue: row.via_queue === 1,
  };
  // A trigger can be large (a 100,000-item batch is ~8 MB of JSON), and so can a summary (a sync of
  // 100,000 employees lists 70,000 new users): each is parsed only when someone asks.
  parsedOnRead(record, 'trigger', trigger);
  parsedOnRead(record, 'summary', row.summary);
  return record;
}

function parsedOnRead(record: Record<string, unknown>, key: string, text: string | null): void {
  let parsed: { value: unknown } | undefined;
  Object.defineProperty(record, key, {
    enumerable: true,
    get: () => (parsed ??= { value: fromJson(text) }).value,
  });
}
