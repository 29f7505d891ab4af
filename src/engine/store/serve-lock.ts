/**
 * One `recipes serve` per project of a data dir. The lock is `<dataDir>/serve.lock` (project `default`; another
 * project's is `serve.<project>.lock`) holding `{pid, token, startedAt}`.
 * It is written under a unique O_EXCL temporary name and hard-linked into place, so it appears complete or
 * not at all. Taking over a stale lock (its pid is dead) happens inside an IMMEDIATE SQLite transaction on
 * state.db, which serializes competing takers across processes: two servers never both win.
 *
 * On PostgreSQL there is no data dir to hold a file: the lock is a session advisory lock held on a
 * connection of its own for as long as serve runs. The server drops it when that connection ends, so a
 * crashed serve never leaves a stale lock behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { sql } from './kysely.js';
import type pg from 'pg';
import { UserError } from '../errors.js';
import { isProcessAlive, nowIso } from './json.js';
import type { Db } from './schema.js';
import { StoreErrorCode } from './store-errors.js';

export const SERVE_LOCK_FILE = 'serve.lock';

export interface ServeLock {
  /** The lock file, or the database (masked URL) whose advisory lock is held. */
  readonly file: string;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/** The advisory lock's key: 'RCPS' and 'SERV' as two int4, the lock of project `default`. */
const ADVISORY_KEY = [0x52435053, 0x53455256] as const;
const DEFAULT_PROJECT = 'default';

/** Another project's second int4: a hash of its name (never 'SERV', which is `default`'s). */
function advisoryKey(project: string): readonly [number, number] {
  if (project === DEFAULT_PROJECT) return ADVISORY_KEY;
  const n = createHash('sha256').update(`serve\n${project}`).digest().readInt32BE(0);
  return [ADVISORY_KEY[0], n === ADVISORY_KEY[1] ? n + 1 : n];
}

/** " for project acme", or nothing for `default` (whose messages read as before projects). */
function forProject(project: string): string {
  return project === DEFAULT_PROJECT ? '' : ` for project ${project}`;
}

export function serveLockFile(dataDir: string, project: string): string {
  return join(dataDir, project === DEFAULT_PROJECT ? SERVE_LOCK_FILE : `serve.${encodeURIComponent(project)}.lock`);
}

export async function acquirePostgresServeLock(pool: pg.Pool, where: string, project = DEFAULT_PROJECT): Promise<ServeLock> {
  const key = advisoryKey(project);
  const client = await pool.connect();
  // The server going away while serve runs must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  let held = false;
  try {
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [...key]);
    held = rows[0]?.ok === true;
  } finally {
    if (!held) client.release();
  }
  if (!held) {
    throw new UserError(StoreErrorCode.SERVE_LOCKED, `Another \`recipes serve\` is already running${forProject(project)} with the database ${where}.`, {
      details: { database: where },
      hint: 'Stop it first, or pass --database-url to use another database.',
    });
  }
  let released: Promise<void> | undefined;
  return {
    file: where,
    release() {
      released ??= client
        .query('select pg_advisory_unlock($1, $2)', [...key])
        .then(() => client.release(), (error: unknown) => client.release(error instanceof Error ? error : true));
      return released;
    },
  };
}

/** Whether some session holds the serve lock's advisory lock on this database. */
export async function postgresServeStatus(db: Db, project = DEFAULT_PROJECT): Promise<ServeStatus> {
  const [classid, objid] = advisoryKey(project);
  // pg_locks shows the int4 keys as oids (unsigned)
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_locks
    where locktype = 'advisory' and granted and classid = ${classid >>> 0} and objid = ${objid >>> 0} and objsubid = 2
      and database = (select oid from pg_database where datname = current_database())`.execute(db);
  return { running: Number(rows[0]?.n ?? 0) > 0, pid: null };
}

interface LockContent {
  pid: number;
  token: string;
  startedAt: string;
}

export function acquireServeLock(db: Database.Database, dataDir: string, project = DEFAULT_PROJECT): ServeLock {
  const file = serveLockFile(dataDir, project);
  const mine: LockContent = { pid: process.pid, token: randomBytes(12).toString('hex'), startedAt: nowIso() };
  if (!tryLink(file, mine)) {
    db.transaction(() => {
      for (;;) {
        const held = readLock(file);
        if (held === null) {
          if (tryLink(file, mine)) return; // released meanwhile
          continue;
        }
        if (held !== undefined && isProcessAlive(held.pid)) {
          throw new UserError(
            StoreErrorCode.SERVE_LOCKED,
            `Another \`recipes serve\` (pid ${held.pid}) is already running${forProject(project)} with data dir ${dataDir}.`,
            { details: { pid: held.pid, dataDir, file }, hint: 'Stop it first, or pass --data-dir to use another data dir.' },
          );
        }
        removeIfExists(file); // stale: its process is gone (or the file is not a lock we wrote)
        if (tryLink(file, mine)) return;
      }
    }).immediate();
  }
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      if (readLock(file)?.token === mine.token) removeIfExists(file);
    },
  };
}

export interface ServeStatus {
  running: boolean;
  /** null when none runs, or on PostgreSQL (the holder may be on another machine). */
  pid: number | null;
}

/** Whether a live `recipes serve` holds the project's lock on the data dir, and its pid. */
export function serveStatus(dataDir: string, project = DEFAULT_PROJECT): ServeStatus {
  const held = readLock(serveLockFile(dataDir, project));
  return held && isProcessAlive(held.pid) ? { running: true, pid: held.pid } : { running: false, pid: null };
}

/** Creates the lock atomically with its content; false when a lock file already exists. */
function tryLink(file: string, content: LockContent): boolean {
  const tmp = `${file}.${content.token}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(content)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

/** null: no lock file; undefined: a file that is not a lock we understand (treated as stale). */
function readLock(file: string): LockContent | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') return parsed as LockContent;
  } catch {
    // fall through: unreadable content
  }
  return undefined;
}

function removeIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
