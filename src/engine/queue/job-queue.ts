/**
 * The job queue of a fleet: pg-boss, in its own schema (`pgboss`) of the state database. pg-boss keeps the
 * queue, hands each entry to one worker (FOR UPDATE SKIP LOCKED), expires the entry of a worker that stopped
 * answering and gives it to another, gives up after RETRY_LIMIT such retries (the entry moves to the
 * dead-letter queue), and throttles trigger ticks to one per interval across every `serve` (singleton keys).
 *
 * Two things pg-boss 10 (the last release that runs on Node 20) leaves to its user:
 * - Heartbeat. An entry expires EXPIRY after it was drawn; a worker extends that while its job runs
 *   (`heartbeat`), so a long sync is not expired, and a dead worker's job is retried within EXPIRY plus
 *   one maintenance pass (MAINTENANCE). pg-boss 12 does the same with its `heartbeatSeconds`.
 * - One job per recipe at a time. Its singleton policies would give that, but an entry blocked by its key
 *   stops the whole queue (pg-boss issues #535, #849); the queue is 'standard', and the recipe lease, which
 *   CLI runs also honour, keeps recipes exclusive: a worker that draws a busy recipe's job puts it back.
 */
import { createRequire } from 'node:module';
import pg from 'pg';
import type PgBossModule from 'pg-boss';
import { CONNECT_TIMEOUT_MS, guardPool } from '../store/open-pg.js';
import type { QueueSql } from '../store/index.js';
import type { Logger } from '../types.js';

const PgBoss = createRequire(import.meta.url)('pg-boss') as typeof PgBossModule;

export const RUN_QUEUE = 'recipes-run';
export const DEAD_QUEUE = 'recipes-dead';

/** Entries of the run queue: a recorded job (enqueue, webhook, rerun), or a trigger tick of a started recipe. */
export type QueueEntry = { jobId: number } | { tick: { project: string; recipe: string } };

export interface QueueTimings {
  /** An entry whose worker stopped extending it expires this long after its last heartbeat. @default 60 */
  expirySeconds: number;
  /** How often pg-boss expires entries (any process with the queue open does it, one at a time). @default 10 */
  maintenanceSeconds: number;
}

/** Retries after the first attempt of an entry whose worker died; then it is given up (a poison job). */
export const RETRY_LIMIT = 2;

/** Env overrides of the timings, for tests and tuning (README "Scaling out"). */
export function queueTimings(env: NodeJS.ProcessEnv = process.env): QueueTimings {
  const read = (name: string, fallback: number) => {
    const n = Number(env[name]);
    return Number.isInteger(n) && n >= 1 ? n : fallback;
  };
  return { expirySeconds: read('RECIPES_QUEUE_EXPIRY_SECONDS', 60), maintenanceSeconds: read('RECIPES_QUEUE_MAINTENANCE_SECONDS', 10) };
}

export interface DrawnEntry {
  /** pg-boss's id of the entry. */
  id: string;
  data: QueueEntry;
  /** How many times it was drawn before (by workers that died). */
  retryCount: number;
}

export interface QueueOpenOptions {
  logger: Logger;
  /** Expire and retry entries of dead workers (workers and serve do; a one-off `enqueue` does not). */
  supervise: boolean;
  /** Connections of pg-boss's own pool. @default 4 */
  maxConnections?: number;
  timings?: QueueTimings;
}

/** The advisory lock of queue creation: 'RCPQ' and 'QUEU' as two int4 (the store's locks start 'RCPS'). */
const CREATE_LOCK = [0x52435051, 0x51554555] as const;

/**
 * Makes both queues when missing, one process at a time: two `createQueue` at once can deadlock in PostgreSQL
 * (each inserts its queue row, then adds a foreign key to the queue table), which a fleet starting serve and
 * its workers together would meet. The lock is held by a connection of its own, whose end releases it.
 */
async function createQueues(boss: PgBossModule, databaseUrl: string, timings: QueueTimings): Promise<void> {
  const missing = async () => !(await boss.getQueue(DEAD_QUEUE)) || !(await boss.getQueue(RUN_QUEUE));
  if (!(await missing())) return;
  const lock = new pg.Client({ connectionString: databaseUrl, application_name: 'recipes-queue', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  lock.on('error', () => undefined); // a lost connection fails the query below instead
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1, $2)', [...CREATE_LOCK]);
    if (!(await boss.getQueue(DEAD_QUEUE))) await boss.createQueue(DEAD_QUEUE, { name: DEAD_QUEUE, policy: 'standard', retryLimit: 0 });
    if (!(await boss.getQueue(RUN_QUEUE))) {
      await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'standard', retryLimit: RETRY_LIMIT, retryDelay: 0, expireInSeconds: timings.expirySeconds, deadLetter: DEAD_QUEUE });
    }
  } finally {
    await lock.end();
  }
}

export class JobQueue {
  private constructor(
    private readonly boss: PgBossModule,
    private readonly pool: pg.Pool,
    readonly timings: QueueTimings,
  ) {}

  /** Connects, installs or upgrades pg-boss's schema (one process at a time), and makes both queues. */
  static async open(databaseUrl: string, o: QueueOpenOptions): Promise<JobQueue> {
    const timings = o.timings ?? queueTimings();
    // Our own pool, guarded like every other (pg-boss's own would let a restart of the server end the process).
    const pool = guardPool(new pg.Pool({ connectionString: databaseUrl, application_name: 'recipes-queue', max: o.maxConnections ?? 4, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }));
    const boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
      supervise: o.supervise,
      schedule: false,
      maintenanceIntervalSeconds: timings.maintenanceSeconds,
      monitorStateIntervalSeconds: 60,
    });
    // Without a listener an 'error' event would end the process; pg-boss retries its own work.
    boss.on('error', (error: Error) => o.logger.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'job queue: database error'));
    try {
      await boss.start();
    } catch (error) {
      await pool.end();
      throw error;
    }
    try {
      await createQueues(boss, databaseUrl, timings);
    } catch (error) {
      await boss.stop({ graceful: false, wait: true });
      await pool.end();
      throw error;
    }
    return new JobQueue(boss, pool, timings);
  }

  /**
   * Queues recorded job `jobId` on `db` (the transaction that recorded it; none: a job whose record exists
   * already, put back); `afterSeconds` delays it.
   */
  async sendJob(db: QueueSql | undefined, jobId: number, afterSeconds?: number): Promise<void> {
    const id = await this.boss.send(RUN_QUEUE, { jobId } satisfies QueueEntry, {
      ...(db ? { db: db as PgBossModule.Db } : {}),
      expireInSeconds: this.timings.expirySeconds,
      ...(afterSeconds ? { startAfter: afterSeconds } : {}),
    });
    if (id === null) throw new Error(`the queue refused job ${jobId}`);
  }

  /**
   * Queues one tick of a started recipe's trigger, at most one per `everySeconds` slot across all `serve`
   * processes (pg-boss's singleton key and slot). False when another process already queued this slot's.
   */
  async sendTick(project: string, recipe: string, everySeconds: number): Promise<boolean> {
    const id = await this.boss.send(RUN_QUEUE, { tick: { project, recipe } } satisfies QueueEntry, {
      singletonKey: `${project}\n${recipe}`,
      singletonSeconds: Math.max(1, Math.round(everySeconds)),
      expireInSeconds: this.timings.expirySeconds,
    });
    return id !== null;
  }

  /**
   * Draws up to `count` entries of the run queue (each to this worker only). pg-boss answers an empty list
   * when the database does not answer; an empty draw asks the database once more, so that throws instead.
   */
  async draw(count: number): Promise<DrawnEntry[]> {
    const jobs = count > 0 ? await this.boss.fetch<QueueEntry>(RUN_QUEUE, { batchSize: count, includeMetadata: true }) : [];
    if (jobs.length === 0) await this.ping();
    return jobs.map((j) => ({ id: j.id, data: j.data, retryCount: j.retryCount }));
  }

  /** Throws when the database does not answer. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Draws up to `count` entries the queue gave up on (throws, as `draw`, when the database does not answer). */
  async drawDead(count: number): Promise<{ id: string; data: QueueEntry }[]> {
    const jobs = await this.boss.fetch<QueueEntry>(DEAD_QUEUE, { batchSize: count });
    if (jobs.length === 0) await this.ping();
    return jobs.map((j) => ({ id: j.id, data: j.data }));
  }

  async complete(id: string, queue = RUN_QUEUE): Promise<void> {
    await this.boss.complete(queue, id);
  }

  /** A failure of the worker itself (not of the job, which is recorded): the entry is retried. */
  async fail(id: string, reason: string): Promise<void> {
    await this.boss.fail(RUN_QUEUE, id, { message: reason });
  }

  /**
   * Keeps the entries of jobs still running from expiring: each expires EXPIRY from now again. pg-boss 10
   * has no call for it; this is the one statement on its tables (its `job` table, partitioned by queue).
   */
  async heartbeat(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(
      `UPDATE pgboss.job SET expire_in = (now() - started_on) + $3 * interval '1 second'
       WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
      [RUN_QUEUE, ids, this.timings.expirySeconds],
    );
  }

  /** Entries waiting to be drawn (created or retry), for metrics. */
  async depth(): Promise<number> {
    return this.boss.getQueueSize(RUN_QUEUE);
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true });
    await this.pool.end();
  }
}
