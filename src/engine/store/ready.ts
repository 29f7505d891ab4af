/**
 * Readiness of the store for `/readyz`: the connection this process uses answers, and the file on disk is
 * still a recipes store at the schema version this build migrates to. The file is read through a fresh
 * read-only connection because the long-lived one may answer from its page cache after the file was
 * replaced, truncated or deleted underneath it; and its header is read by hand because in WAL mode even a
 * fresh connection reads recent pages (the header page among them) from state.db-wal, not from the file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, LATEST_VERSION, schemaVersion } from './migrations.js';
import { STATE_FILE } from './open-db.js';

/** How long the probe waits for another process's write lock before calling the store busy. */
const PROBE_BUSY_MS = 1000;

export function storeProblem(db: Database.Database, dataDir: string): string | undefined {
  const file = join(dataDir, STATE_FILE);
  if (!db.open) return 'the state store is closed';
  try {
    schemaVersion(db);
  } catch (error) {
    return `the state store does not answer (${(error as Error).message})`;
  }
  let probe: Database.Database | undefined;
  try {
    if (!hasSqliteHeader(file)) return `${file} is not an SQLite database any more (restore it from a backup)`;
    probe = new Database(file, { readonly: true, fileMustExist: true, timeout: PROBE_BUSY_MS });
    const appId = probe.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) return `${file} is not a recipes state store any more`;
    const version = schemaVersion(probe);
    if (version !== LATEST_VERSION) return `${file} is at schema v${version}; this build needs v${LATEST_VERSION} (run any recipes command of this version to migrate it)`;
    probe.prepare('SELECT 1 FROM jobs LIMIT 1').get();
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return `${file} cannot be read (${e.code ?? 'error'}: ${e.message})`;
  } finally {
    probe?.close();
  }
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

function hasSqliteHeader(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}
