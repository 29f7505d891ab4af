/**
 * Schema migrations for both databases, run by Kysely's Migrator from this list (names sort in order).
 * Never edit a released migration: append a new one. Where the dialects differ (ids, SQLite's WITHOUT
 * ROWID tables) a migration branches on `dialect`.
 *
 * The first one is a baseline: a state.db written by an earlier release (hand-written migrations,
 * `PRAGMA user_version` 1 to 4) is brought to v4 and adopted as it is, every row kept; an empty database
 * gets the same schema from the schema builder.
 */
import type Database from 'better-sqlite3';
import type { Kysely, Migration, MigrationProvider, CreateTableBuilder } from 'kysely';
import { sql } from './kysely.js';
import { APPLICATION_ID, LEGACY_VERSION, upgradeLegacy } from './legacy-migrations.js';
import { intoProjects } from './projects-migration.js';
import { queueTables, rateBudgetTable } from './queue-migration.js';
import { writeKeysTable } from './write-keys-migration.js';
import type { DialectName } from './schema.js';

export interface MigrationContext {
  dialect: DialectName;
  /** The SQLite connection Kysely runs on (for pragmas and the frozen legacy steps). */
  sqlite?: Database.Database;
}

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a migration sees the schema of its time

function migrations(ctx: MigrationContext): Record<string, Migration> {
  return {
    '0001-baseline': { up: (db) => baseline(db, ctx) },
    // On PostgreSQL several machines share the database: a holder's pid means something only on its host.
    '0002-lease-host': { up: (db) => db.schema.alterTable('leases').addColumn('host', 'text').execute() },
    // Every piece of state belongs to a project, no longer to a package (see projects-migration.ts).
    '0003-projects': { up: (db) => intoProjects(db) },
    // Jobs run by workers from a queue: their host, and each attempt (see queue-migration.ts).
    '0004-queue': { up: (db) => queueTables(db, ctx.dialect) },
    // Writes jobs of a project must not both make, such as one employee's user (see write-keys-migration.ts).
    '0005-write-keys': { up: (db) => writeKeysTable(db) },
    // The workers' shared request budgets, made while no other process migrates (see queue-migration.ts).
    '0006-rate-budget': { up: (db) => rateBudgetTable(db, ctx.dialect) },
  };
}

export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations({ dialect: 'sqlite' })).sort();

/**
 * SQLite's `user_version` after the latest migration: 4 (the last hand-written one) plus one per migration
 * after the baseline, so a release from before this one refuses a file it could no longer read.
 */
export const LATEST_VERSION = LEGACY_VERSION + MIGRATION_NAMES.length - 1;

export function migrationProvider(ctx: MigrationContext): MigrationProvider {
  return { getMigrations: async () => migrations(ctx) };
}

async function baseline(db: AnyDb, ctx: MigrationContext): Promise<void> {
  if (ctx.sqlite) {
    const version = ctx.sqlite.pragma('user_version', { simple: true }) as number;
    if (version > 0) {
      upgradeLegacy(ctx.sqlite, version);
      await createMeta(db);
      return;
    }
    ctx.sqlite.pragma(`application_id = ${APPLICATION_ID}`);
  }
  const sqlite = ctx.dialect === 'sqlite';
  const keyed = <T extends string, C extends string>(t: CreateTableBuilder<T, C>) => (sqlite ? t.modifyEnd(sql`without rowid`) : t);

  await keyed(
    db.schema
      .createTable('properties')
      .addColumn('pkg', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull()) // plain text, or 'v1:iv:tag:ct' when secret = 1
      .addColumn('secret', 'integer', (c) => c.notNull().check(sql`secret in (0, 1)`))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('properties_pk', ['pkg', 'name']),
  ).execute();

  await keyed(
    db.schema
      .createTable('recipes')
      .addColumn('pkg', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('running', 'integer', (c) => c.notNull().defaultTo(0).check(sql`running in (0, 1)`))
      .addColumn('cursor', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('trigger_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('stopped_reason', 'text')
      .addPrimaryKeyConstraint('recipes_pk', ['pkg', 'name']),
  ).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', sqlite ? 'integer' : 'serial', (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('pkg', 'text', (c) => c.notNull())
    .addColumn('recipe', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'succeeded', 'failed', 'stopped')`))
    .addColumn('test', 'integer', (c) => c.notNull().check(sql`test in (0, 1)`))
    .addColumn('dry_run', 'integer', (c) => c.notNull().check(sql`dry_run in (0, 1)`))
    .addColumn('trigger', 'text')
    .addColumn('event_id', 'text')
    .addColumn('rerun_of', 'integer', (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('pid', 'integer')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('error', 'text')
    .addColumn('summary', 'text')
    .execute();
  await db.schema.createIndex('jobs_by_recipe').on('jobs').columns(['pkg', 'recipe', 'id']).execute();
  await db.schema.createIndex('jobs_running').on('jobs').column('status').where(sql.ref('status'), '=', 'running').execute();

  await keyed(
    db.schema
      .createTable('steps')
      .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('step_id', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('input', 'text')
      .addColumn('output', 'text')
      .addColumn('error', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('steps_pk', ['job_id', 'seq']),
  ).execute();

  await keyed(
    db.schema
      .createTable('mappings')
      .addColumn('pkg', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mappings_pk', ['pkg', 'name', 'key']),
  ).execute();

  await keyed(
    db.schema
      .createTable('counters')
      .addColumn('pkg', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('counters_pk', ['pkg', 'name']),
  ).execute();

  // Finishing a job updates its row; with a large trigger inline SQLite would rewrite all of it.
  await db.schema
    .createTable('job_triggers')
    .addColumn('job_id', 'integer', (c) => c.primaryKey().references('jobs.id').onDelete('cascade'))
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();

  // One job per recipe at a time, across processes (see leases.ts).
  await keyed(
    db.schema
      .createTable('leases')
      .addColumn('pkg', 'text', (c) => c.notNull())
      .addColumn('recipe', 'text', (c) => c.notNull())
      .addColumn('job_id', 'integer', (c) => c.notNull()) // the job holding it: unique per acquisition
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull()) // ms since the epoch; renewed while the job runs
      .addPrimaryKeyConstraint('leases_pk', ['pkg', 'recipe']),
  ).execute();
  // Taking a lease for a polled event checks that no other process has run that event meanwhile.
  await db.schema
    .createIndex('jobs_by_event')
    .on('jobs')
    .columns(['pkg', 'recipe', 'event_id'])
    .where(sql.ref('event_id'), 'is not', null)
    .execute();

  await createMeta(db);
}

async function createMeta(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('store_meta')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
