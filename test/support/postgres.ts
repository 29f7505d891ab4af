/**
 * A throwaway PostgreSQL cluster for the tests: started once per mocha run on first use (bench/pg-cluster.ts:
 * `initdb` into a temp dir, `pg_ctl start` on a free loopback port with fsync off), a fresh database per
 * caller, and stopped and removed by a root `after` hook.
 *
 * No binaries (Debian keeps them in /usr/lib/postgresql/<version>/bin): `postgresUnavailable()` says why
 * and the PostgreSQL variants are skipped with that reason, except under CI=true, where it fails instead.
 */
import pg from 'pg';
import { postgresBin, startPgCluster, type PgCluster } from '../../bench/pg-cluster.js';

export { postgresBin };

const USER = 'recipes_test';
const PASSWORD = 'pw-for-tests';

let cluster: Promise<PgCluster> | undefined;
let started: PgCluster | undefined;
let counter = 0;

/** Why PostgreSQL tests cannot run here, or undefined when they can. Throws under CI=true. */
export function postgresUnavailable(): string | undefined {
  if (postgresBin()) return undefined;
  const reason = 'no PostgreSQL binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)';
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}: CI must run the PostgreSQL tests`);
  return reason;
}

/** A fresh, empty database on the test cluster; returns its URL. */
export async function createDatabase(prefix = 'recipes_test'): Promise<string> {
  const c = await startCluster();
  const name = `${prefix}_${process.pid}_${++counter}`;
  await admin(c, (client) => client.query(`CREATE DATABASE ${name}`));
  return c.url(name);
}

/**
 * A new database holding a copy of the one at `url` (CREATE DATABASE ... TEMPLATE): what copying a data
 * dir is for SQLite. Nothing may be connected to the source meanwhile.
 */
export async function copyDatabase(url: string, prefix = 'recipes_test'): Promise<string> {
  const c = await startCluster();
  const source = new URL(url).pathname.slice(1);
  const name = `${prefix}_${process.pid}_${++counter}`;
  await admin(c, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${source}`));
  return c.url(name);
}

/** The URL of a database that does not exist, on the live test server. */
export async function missingDatabaseUrl(): Promise<string> {
  return (await startCluster()).url('no_such_database');
}

/** The rows of one statement on the database at `url`, on a connection of its own (as another process). */
export async function queryRows<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return admin(await startCluster(), fn);
}

export function testClusterUser(): { user: string; password: string } {
  return { user: USER, password: PASSWORD };
}

async function admin<T>(c: PgCluster, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: c.url('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function startCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster(USER, PASSWORD).then((c) => (started = c));
  return cluster;
}

function stopCluster(): void {
  const c = started;
  if (!c) return;
  started = undefined;
  cluster = undefined;
  c.stop();
}

// A root hook: registered once (this module loads once per run), it runs after every test file.
// Stopping waits for the server to exit and removes every test database's files: give it time on a busy machine.
after(function () {
  this.timeout(180_000);
  stopCluster();
});
// A run that dies before the root hook (an uncaught error, Ctrl-C) still leaves no server behind.
process.once('exit', stopCluster);
