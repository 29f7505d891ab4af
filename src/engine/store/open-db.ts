/** Finds or creates `<dataDir>/state.db`, sets the connection's pragmas and migrates it. */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, linkSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RecipeError, UserError } from '../errors.js';
import { makeDir } from './make-dir.js';
import { migrate } from './migrations.js';
import { StoreErrorCode, isNotADatabase, storeCorrupt } from './store-errors.js';

export const STATE_FILE = 'state.db';
/** How long a write waits for another process's transaction before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(dataDir: string, create: boolean): Database.Database {
  ensureDir(dataDir, create);
  const file = join(dataDir, STATE_FILE);
  const size = fileSize(file);
  if (size === undefined) {
    if (!create) throw missing(dataDir, `${STATE_FILE} is missing`);
    createStore(file);
  } else if (size === 0) {
    // SQLite would take an empty file for a new database and silently start over with no state.
    throw storeCorrupt(file, 'the file is empty (0 bytes)');
  }
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (cause) {
    throw new RecipeError(StoreErrorCode.OPEN_FAILED, `Cannot open ${file}.`, { cause, details: { file } });
  }
  try {
    configure(db);
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    if (isNotADatabase(error)) throw storeCorrupt(file, (error as Error).message, error);
    throw error;
  }
}

function configure(db: Database.Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // The first statement that reads the header: a non-database file fails here with SQLITE_NOTADB.
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL survives process crashes; a power cut may lose the last transaction (a cursor replays
  // one event, which the package's idempotent recipes absorb).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted rows (an unset secret, an old plain value) are zeroed on disk rather than left in free pages.
  db.pragma('secure_delete = ON');
}

/**
 * Builds a new store under a temporary name and links it into place, so state.db never exists empty or
 * half made (an empty one is refused above). Mode 0600 whatever the umask: it holds personal data; SQLite
 * gives the -wal and -shm files the mode of the database file.
 */
function createStore(file: string): void {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  closeSync(openSync(tmp, 'wx', 0o600));
  try {
    chmodSync(tmp, 0o600);
    const db = new Database(tmp, { fileMustExist: true });
    try {
      configure(db);
      migrate(db, tmp);
    } finally {
      db.close();
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
