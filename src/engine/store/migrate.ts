/**
 * Runs the migrations on an opened database. Refuses a schema newer than this program (never downgrades)
 * and, when the caller may not create a store, a database without the schema or with pending migrations.
 * Concurrent openers serialize: on SQLite an IMMEDIATE transaction around the whole run (busy timeout
 * applies), on PostgreSQL the Migrator's advisory lock; the second one finds nothing left to do.
 */
import type Database from 'better-sqlite3';
import { Migrator, sql } from './kysely.js';
import { RecipeError, UserError } from '../errors.js';
import { LEGACY_VERSION } from './legacy-migrations.js';
import { LATEST_VERSION, MIGRATION_NAMES, migrationProvider } from './migrations.js';
import type { Db, DialectName } from './schema.js';
import { StoreErrorCode } from './store-errors.js';

export const MIGRATION_TABLE = 'kysely_migration';

export interface MigrateOptions {
  dialect: DialectName;
  sqlite?: Database.Database;
  /** Where, for messages: the file, or the masked URL. */
  where: string;
  /** Whether this command may create the schema or bring it up to date. */
  create: boolean;
  /** What to tell the user to run to create it, for the errors. */
  createHint: string;
}

export async function migrate(db: Db, o: MigrateOptions): Promise<void> {
  const executed = await executedMigrations(db, o.dialect);
  const unknown = executed?.filter((name) => !MIGRATION_NAMES.includes(name)) ?? [];
  if (unknown.length > 0) throw tooNew(o.where, `migration ${unknown[unknown.length - 1]}`);
  const pending = MIGRATION_NAMES.filter((name) => !executed?.includes(name));
  if (pending.length === 0) return;
  if (!o.create && o.dialect === 'postgres') {
    if (executed === undefined) {
      throw new UserError(StoreErrorCode.MISSING, `The database ${o.where} has no recipes state yet (no schema); reading commands do not create it.`, {
        details: { database: o.where },
        hint: o.createHint,
      });
    }
    throw new UserError(StoreErrorCode.OUTDATED, `The database ${o.where} has an older recipes schema (${pending.length} migration(s) pending); reading commands do not upgrade it.`, {
      details: { database: o.where, pending },
      hint: o.createHint,
    });
  }
  const migrator = new Migrator({ db, provider: migrationProvider({ dialect: o.dialect, sqlite: o.sqlite }) });
  const run = async () => {
    const { error } = await migrator.migrateToLatest();
    if (error) {
      if (error instanceof RecipeError) throw error;
      throw new RecipeError(StoreErrorCode.MIGRATION_FAILED, `Upgrading the recipes schema of ${o.where} failed; nothing was changed.`, { cause: error, details: { where: o.where } });
    }
  };
  if (!o.sqlite) return run();
  // Kysely runs SQLite migrations on its one connection without a transaction: this one makes the whole
  // upgrade atomic and, being IMMEDIATE, makes a second process wait (busy timeout) instead of racing.
  o.sqlite.exec('BEGIN IMMEDIATE');
  try {
    await run();
    o.sqlite.pragma(`user_version = ${LATEST_VERSION}`);
    o.sqlite.exec('COMMIT');
  } catch (error) {
    if (o.sqlite.inTransaction) o.sqlite.exec('ROLLBACK');
    throw error;
  }
}

/** The names Kysely recorded, or undefined when the database has no migration table (no schema yet). */
async function executedMigrations(db: Db, dialect: DialectName): Promise<string[] | undefined> {
  const exists =
    dialect === 'sqlite'
      ? await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(db)
      : await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = ${MIGRATION_TABLE}`.execute(db);
  if (Number(exists.rows[0]?.n ?? 0) === 0) return undefined;
  const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return rows.rows.map((r) => r.name);
}

export function tooNew(where: string, what: string): UserError {
  return new UserError(
    StoreErrorCode.TOO_NEW,
    `${where} was written by a newer version of recipes (${what}; this version knows up to schema v${LATEST_VERSION}). It is left as it is: recipes never downgrades a schema.`,
    { details: { where, latest: LATEST_VERSION }, hint: 'Upgrade recipes, or point it at another data dir or database.' },
  );
}

/** SQLite: a file written by a later hand-written release, or marked newer than this program knows. */
export function checkSqliteVersion(db: Database.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_VERSION || (version > LEGACY_VERSION && !hasMigrationTable(db))) throw tooNew(file, `schema v${version}`);
}

function hasMigrationTable(db: Database.Database): boolean {
  return db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE) !== undefined;
}
