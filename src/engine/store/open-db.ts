/** Finds or creates `<dataDir>/state.db`, sets the connection's pragmas, wraps it in Kysely and migrates it. */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, linkSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from './kysely.js';
import { RecipeError, UserError } from '../errors.js';
import { APPLICATION_ID } from './legacy-migrations.js';
import { makeDir } from './make-dir.js';
import { checkSqliteVersion, migrate } from './migrate.js';
import type { Db } from './schema.js';
import { StoreErrorCode, isNotADatabase, storeCorrupt } from './store-errors.js';

export const STATE_FILE = 'state.db';
/** How long a write waits for another process's transaction before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export const CREATE_HINT = 'Run `recipes properties set ...` (or another command that changes state) to create it.';

export interface OpenedSqlite {
  db: Db;
  /** The one connection under Kysely: for the serve lock's IMMEDIATE transaction. */
  sqlite: Database.Database;
  file: string;
}

export async function openSqlite(dataDir: string, create: boolean): Promise<OpenedSqlite> {
  ensureDir(dataDir, create);
  const file = join(dataDir, STATE_FILE);
  const size = fileSize(file);
  if (size === undefined) {
    if (!create) throw missing(dataDir, `${STATE_FILE} is missing`);
    await createStore(file);
  } else if (size === 0) {
    // SQLite would take an empty file for a new database and silently start over with no state.
    throw storeCorrupt(file, 'the file is empty (0 bytes)');
  }
  const { db, sqlite } = connect(file);
  try {
    configure(sqlite);
    checkOwnership(sqlite, file);
    // SQLite's rule, as before: any command may bring an existing file up to date.
    await migrate(db, { dialect: 'sqlite', sqlite, where: file, create: true, createHint: CREATE_HINT });
    return { db, sqlite, file };
  } catch (error) {
    await db.destroy(); // closes `sqlite`
    if (isNotADatabase(error)) throw storeCorrupt(file, (error as Error).message, error);
    throw error;
  }
}

function connect(file: string): { db: Db; sqlite: Database.Database } {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { fileMustExist: true });
  } catch (cause) {
    throw new RecipeError(StoreErrorCode.OPEN_FAILED, `Cannot open ${file}.`, { cause, details: { file } });
  }
  return { db: new Kysely({ dialect: new SqliteDialect({ database: sqlite }) }), sqlite };
}

function configure(sqlite: Database.Database): void {
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // The first statement that reads the header: a non-database file fails here with SQLITE_NOTADB.
  sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL survives process crashes; a power cut may lose the last transaction (a cursor replays
  // one event, which the package's idempotent recipes absorb).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted rows (an unset secret, an old plain value) are zeroed on disk rather than left in free pages.
  sqlite.pragma('secure_delete = ON');
}

/**
 * Builds a new store under a temporary name and links it into place, so state.db never exists empty or
 * half made (an empty one is refused above). Mode 0600 whatever the umask: it holds personal data; SQLite
 * gives the -wal and -shm files the mode of the database file.
 */
async function createStore(file: string): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    chmodSync(tmp, 0o600);
    const { db, sqlite } = connect(tmp);
    try {
      // Before the first table exists, the only time it can be set without rewriting the file: pruned job
      // history can then be given back to the disk a few pages at a time (prune.ts).
      sqlite.pragma('auto_vacuum = INCREMENTAL');
      configure(sqlite);
      await migrate(db, { dialect: 'sqlite', sqlite, where: tmp, create: true, createHint: CREATE_HINT });
    } finally {
      await db.destroy();
    }
    try {
      linkSync(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RecipeError(StoreErrorCode.OPEN_FAILED, `Cannot open ${file}.`, { cause: error, details: { file } });
  }
}

function missing(dataDir: string, why: string): UserError {
  return new UserError(StoreErrorCode.MISSING, `No state store at ${dataDir} (${why}).`, {
    details: { dataDir },
    hint: 'Check --data-dir (or RECIPES_DATA_DIR); to start a new store there, create it with `recipes properties set NAME VALUE`.',
  });
}

/** Refuses an SQLite file of another program and one newer than this code. */
function checkOwnership(db: Database.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== APPLICATION_ID) {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number };
    if (version !== 0 || tables.n > 0) throw storeCorrupt(file, 'an SQLite database of another program');
  }
  checkSqliteVersion(db, file);
}

function ensureDir(dataDir: string, create: boolean): void {
  let isDir: boolean | undefined;
  try {
    isDir = statSync(dataDir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (isDir === false) {
    throw new UserError(StoreErrorCode.MISSING, `The data dir ${dataDir} is a file, not a directory.`, {
      details: { dataDir },
      hint: 'Pass --data-dir with a directory.',
    });
  }
  if (isDir) return;
  if (!create) throw missing(dataDir, 'the folder does not exist');
  // 0700: the dir holds secret.key and encrypted credentials
  makeDir(dataDir, 'data dir');
}
