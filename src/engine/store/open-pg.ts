/**
 * Opens the store on a PostgreSQL server (`--database-url postgres://...`): a `pg` Pool under Kysely, one
 * round trip to turn the server's refusals into coded errors, then the migrations. The URL's password never
 * appears in a message: everything names the database by `maskUrl`.
 */
import { Kysely, PostgresDialect } from './kysely.js';
import type pg from 'pg';
import { RecipeError, UserError } from '../errors.js';
import { migrate } from './migrate.js';
import { CREATE_HINT } from './open-db.js';
import type { Db } from './schema.js';
import { StoreErrorCode } from './store-errors.js';

export const DATABASE_URL_ENV = 'RECIPES_DATABASE_URL';
/** How long connecting may take before the server counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface OpenedPostgres {
  db: Db;
  pool: pg.Pool;
  /** The URL with its password masked. */
  where: string;
}

/** `postgres://user:****@host:5432/db`: safe for messages and logs. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(key)) u.searchParams.set(key, '****');
    return u.toString();
  } catch {
    return '<unparsable database URL>';
  }
}

export function isDatabaseUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function openPostgres(url: string, create: boolean): Promise<OpenedPostgres> {
  const where = maskUrl(url);
  if (!isDatabaseUrl(url)) {
    throw new UserError(StoreErrorCode.URL_INVALID, `The database URL ${where} is not a postgres:// URL.`, {
      hint: 'Pass --database-url postgres://USER:PASSWORD@HOST:PORT/DATABASE (or set RECIPES_DATABASE_URL), or leave it out to keep state in the data dir.',
    });
  }
  // Loaded only here: the embedded default never pays for the driver (about 8 MB of RSS).
  const { default: driver } = await import('pg');
  const pool = guardPool(new driver.Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, max: 10 }));
  const patience = { opened: false };
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool: patientPool(pool, patience) }) });
  try {
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      throw connectError(error, where);
    }
    await migrate(db, { dialect: 'postgres', where, create, createHint: CREATE_HINT });
    patience.opened = true;
    return { db, pool, where };
  } catch (error) {
    await db.destroy(); // ends the pool
    throw error;
  }
}

/**
 * A client losing its server (a restart) must not end the process: pg emits 'error' on the client, idle in
 * the pool or checked out, besides failing its queries; only the queries' errors matter, and they reach
 * their callers. Every pool of this program goes through here.
 */
export function guardPool<P extends pg.Pool>(pool: P): P {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * How long an open store waits for a server that went away (a restart, a failover) before a query fails.
 * Opening does not wait: a wrong URL or a server that is down says so at once.
 */
export function databaseWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.RECIPES_DATABASE_WAIT_SECONDS);
  return (Number.isFinite(s) && s >= 0 ? s : 120) * 1000;
}

/** A lost connection or a server that is restarting: worth waiting for, unlike a refusal. */
export function isTransientDbError(error: unknown): boolean {
  const code = pgCode(error);
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(code ?? '')) return true;
  return /Connection terminated|timeout exceeded when trying to connect/i.test(error instanceof Error ? error.message : '');
}

/**
 * Runs `fn` again while it fails because the database went away (a query cut off by a restart), for up to
 * `waitMs`: for writes that are safe to repeat (they rolled back) and reads. Other errors are thrown at once.
 */
export async function retryTransient<T>(fn: () => Promise<T>, waitMs = databaseWaitMs()): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransientDbError(error) || Date.now() + delay > deadline) throw error;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * The pool Kysely takes connections from: once the store is open, a connection that cannot be made because
 * the server is away is retried (backing off up to 5 s) for databaseWaitMs, so a job in flight survives a
 * restart of PostgreSQL instead of failing half-way. A query on a connection the server closed still fails.
 */
function patientPool(pool: pg.Pool, patience: { opened: boolean }): { connect(): Promise<pg.PoolClient>; end(): Promise<void> } {
  return {
    connect: async () => {
      const deadline = Date.now() + databaseWaitMs();
      for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
        try {
          return await pool.connect();
        } catch (error) {
          if (!patience.opened || !isTransientDbError(error) || Date.now() + delay > deadline) throw error;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    },
    end: () => pool.end(),
  };
}

/** The server's refusals, as the user can act on them. */
export function connectError(error: unknown, where: string): RecipeError {
  const code = pgCode(error);
  if (code === '28P01' || code === '28000') {
    return new UserError(StoreErrorCode.AUTH_FAILED, `The database server refused the user name or password in ${where}.`, {
      details: { database: where, code },
      hint: 'Check the user and password in --database-url (RECIPES_DATABASE_URL).',
    });
  }
  if (code === '3D000') {
    const name = safeDatabaseName(where);
    return new UserError(StoreErrorCode.DATABASE_MISSING, `The database ${name} does not exist on the server of ${where}.`, {
      details: { database: where, code },
      hint: `Create it first (\`createdb ${name}\` or CREATE DATABASE), or fix the name in --database-url.`,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNRESET'].includes(code ?? '') || /timeout|terminated/i.test(message)) {
    return new RecipeError(StoreErrorCode.UNREACHABLE, `The database server of ${where} cannot be reached (${code ?? 'no answer'}).`, {
      kind: 'user',
      details: { database: where, code: code ?? 'TIMEOUT' },
      hint: 'Check that PostgreSQL runs and that the host and port in --database-url (RECIPES_DATABASE_URL) are right.',
    });
  }
  return new RecipeError(StoreErrorCode.OPEN_FAILED, `Cannot open the database ${where}.`, { details: { database: where, code: code ?? null } });
}

function pgCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[] } | null;
  if (typeof e?.code === 'string') return e.code;
  // A host name with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError.
  if (Array.isArray(e?.errors)) return pgCode(e.errors[0]);
  return undefined;
}

function safeDatabaseName(where: string): string {
  try {
    return decodeURIComponent(new URL(where).pathname.slice(1)) || '(default)';
  } catch {
    return '(unknown)';
  }
}
