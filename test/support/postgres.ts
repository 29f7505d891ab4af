/**
 * A throwaway PostgreSQL cluster for the tests: started once per mocha run on first use (`initdb` into a
 * temp dir with a password for its superuser, `pg_ctl start` on a free loopback port with fsync off, a
 * socket dir of its own), a fresh database per caller, and stopped and removed by a root `after` hook.
 * As root (initdb refuses it) the binaries run as the `postgres` system user on dirs chowned to it.
 *
 * No binaries (Debian keeps them in /usr/lib/postgresql/<version>/bin): `postgresUnavailable()` says why
 * and the PostgreSQL variants are skipped with that reason, except under CI=true, where it fails instead.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const USER = 'recipes_test';
const PASSWORD = 'pw-for-tests';

interface Cluster {
  bin: string;
  dir: string;
  port: number;
  /** The superuser's URL for a database (the password included: tests only). */
  url(database: string): string;
}

let cluster: Promise<Cluster> | undefined;
let started: Cluster | undefined;
let counter = 0;

/** The newest installed PostgreSQL's bin dir, or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

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

/** The URL of a database that does not exist, on the live test server. */
export async function missingDatabaseUrl(): Promise<string> {
  return (await startCluster()).url('no_such_database');
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return admin(await startCluster(), fn);
}

export function testClusterUser(): { user: string; password: string } {
  return { user: USER, password: PASSWORD };
}

async function admin<T>(c: Cluster, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: c.url('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function startCluster(): Promise<Cluster> {
  cluster ??= start().then((c) => (started = c));
  return cluster;
}

async function start(): Promise<Cluster> {
  const bin = postgresBin();
  if (!bin) throw new Error(postgresUnavailable() ?? 'no PostgreSQL binaries');
  const dir = mkdtempSync(join(tmpdir(), 'recipes-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, PASSWORD + '\n');
  execFileSync('mkdir', ['-p', sockets]);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresIds();
    for (const p of [dir, sockets, pwfile]) chownSync(p, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, cmd), asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args, { stdio: 'pipe' });
  run('initdb', ['-D', data, '-U', USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -k ${sockets}`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
  return { bin, dir, port, url: (db) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}` };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stopCluster(): void {
  const c = started;
  if (!c) return;
  started = undefined;
  cluster = undefined;
  const pgCtl = join(c.bin, 'pg_ctl');
  const args = ['-D', join(c.dir, 'data'), '-m', 'immediate', '-w', 'stop'];
  try {
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { stdio: 'pipe' });
    else execFileSync(pgCtl, args, { stdio: 'pipe' });
  } finally {
    rmSync(c.dir, { recursive: true, force: true });
  }
}

// A root hook: registered once (this module loads once per run), it runs after every test file.
after(stopCluster);
// A run that dies before the root hook (an uncaught error, Ctrl-C) still leaves no server behind.
process.once('exit', stopCluster);
