/**
 * Readiness of the store for `/readyz`: the connection this process uses answers, and the database holds a
 * recipes schema at the version this build migrates to. On SQLite the file is also checked from disk: its
 * header by hand, because in WAL mode even a fresh connection reads recent pages (the header page among them)
 * from state.db-wal, and its application id and user_version through a fresh read-only connection, because
 * the long-lived one may answer from its page cache after the file was replaced, truncated or deleted.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sql } from './kysely.js';
import { APPLICATION_ID } from './legacy-migrations.js';
import { LATEST_VERSION, MIGRATION_NAMES } from './migrations.js';
import type { Db } from './schema.js';

/** How long the probe waits for another process's write lock before calling the store busy. */
const PROBE_BUSY_MS = 1000;

/** Why the store cannot serve now, or undefined when it can. `file`: state.db in SQLite mode. */
export async function storeProblem(db: Db, where: string, file?: string): Promise<string | undefined> {
  let applied: Set<string>;
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    applied = new Set(rows.rows.map((r) => r.name));
    await sql`select 1 from jobs limit 1`.execute(db);
  } catch (error) {
    return `the state store at ${where} does not answer (${(error as Error).message})`;
  }
  const missing = MIGRATION_NAMES.filter((name) => !applied.has(name));
  if (missing.length > 0) return `the schema at ${where} lacks ${missing.join(', ')} (run a command of this version that may migrate it, e.g. recipes properties set)`;
  const unknown = [...applied].filter((name) => !MIGRATION_NAMES.includes(name));
  if (unknown.length > 0) return `the schema at ${where} is newer than this build (${unknown.join(', ')})`;
  return file === undefined ? undefined : fileProblem(file);
}

function fileProblem(file: string): string | undefined {
  let probe: Database.Database | undefined;
  try {
    if (!hasSqliteHeader(file)) return `${file} is not an SQLite database any more (restore it from a backup)`;
    probe = new Database(file, { readonly: true, fileMustExist: true, timeout: PROBE_BUSY_MS });
    if (probe.pragma('application_id', { simple: true }) !== APPLICATION_ID) return `${file} is not a recipes state store any more`;
    const version = probe.pragma('user_version', { simple: true }) as number;
    if (version !== LATEST_VERSION) return `${file} is at schema v${version}; this build needs v${LATEST_VERSION}`;
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
