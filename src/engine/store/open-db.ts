/** Finds or creates `<dataDir>/state.db`, sets the connection's pragmas and migrates it. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RecipeError, UserError } from '../errors.js';
import { migrate } from './migrations.js';
import { StoreErrorCode, isNotADatabase, storeCorrupt } from './store-errors.js';

export const STATE_FILE = 'state.db';
/** How long a write waits for another process's transaction before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(dataDir: string, create: boolean): Database.Database {
  ensureDir(dataDir, create);
  const file = join(dataDir, STATE_FILE);
  if (!create && !existsSync(file)) {
    throw new UserError(StoreErrorCode.MISSING, `No recipes state in ${dataDir} (${STATE_FILE} is missing).`, {
      details: { dataDir },
      hint: 'Run `recipes properties set ...` to create it, or pass --data-dir.',
    });
  }
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: !create });
  } catch (cause) {
    throw new RecipeError(StoreErrorCode.OPEN_FAILED, `Cannot open ${file}.`, { cause, details: { file } });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // The first statement that reads the header: a non-database file fails here with SQLITE_NOTADB.
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives process crashes; a power cut may lose the last transaction (a cursor replays
    // one event, which the package's idempotent recipes absorb).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Deleted rows (an unset secret, an old plain value) are zeroed on disk rather than left in free pages.
    db.pragma('secure_delete = ON');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    if (isNotADatabase(error)) throw storeCorrupt(file, 'file is not a database', error);
    throw error;
  }
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
  if (!create) {
    throw new UserError(StoreErrorCode.MISSING, `No data dir at ${dataDir}. Run \`recipes properties set ...\` or pass --data-dir.`, {
      details: { dataDir },
    });
  }
  // 0700: the dir holds secret.key and encrypted credentials
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}
