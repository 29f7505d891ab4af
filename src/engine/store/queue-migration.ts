/**
 * Migration 0004: jobs that run through the worker queue (PostgreSQL). Frozen once released: never edit.
 * - `jobs.host`: the machine of the process that runs or ran the job (with `pid`), for `recipes jobs`;
 * - `jobs.status` may be 'queued' (PostgreSQL);
 * - `jobs.via_queue`: 1 for a job a worker runs; the queue, not the dead-pid check, recovers it;
 * - `job_attempts`: each time a worker took the job up, on which host and pid, and how that attempt ended.
 */
import type { Kysely } from 'kysely';
import { sql } from './kysely.js';

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a migration sees the schema of its time

/**
 * Only PostgreSQL holds queued jobs (workers need it); SQLite's status check, which cannot be altered in
 * place, stays as it is.
 */
export async function queueTables(db: AnyDb, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table jobs drop constraint jobs_status_check`.execute(db);
    await sql`alter table jobs add constraint jobs_status_check check (status in ('queued', 'running', 'succeeded', 'failed', 'stopped'))`.execute(db);
  }
  await db.schema.alterTable('jobs').addColumn('host', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('via_queue', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('job_attempts')
    .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    // succeeded, failed, stopped (its worker shut down: queued again), lost (its worker died)
    .addColumn('outcome', 'text')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('job_attempts_pk', ['job_id', 'attempt'])
    .execute();
  await db.schema.createIndex('jobs_queued').on('jobs').column('status').where(sql.ref('status'), '=', 'queued').execute();
}

/**
 * Migration 0006: the table of the request budgets all workers share (../queue/rate-budget.ts), in the layout
 * rate-limiter-flexible's RateLimiterPostgres reads. Made here, where one process at a time migrates, because
 * the limiter's own `create table if not exists` fails when several workers start at once. PostgreSQL only:
 * SQLite has no workers.
 */
export async function rateBudgetTable(db: AnyDb, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`create table if not exists rate_budget (key varchar(255) primary key, points integer not null default 0, expire bigint)`.execute(db);
}
