/**
 * A throwaway PostgreSQL cluster: `initdb` into a temp dir with a password for its superuser, `pg_ctl start`
 * on a free loopback port with fsync off and a socket dir of its own; `stop()` stops it and removes the dir.
 * As root (initdb refuses it) the binaries run as the `postgres` system user on dirs chowned to it.
 * The PostgreSQL bench row uses it; so does the tests' cluster (test/support/postgres.ts), which adds the
 * mocha hooks and the skip-or-fail rule.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  readonly bin: string;
  readonly dir: string;
  readonly port: number;
  /** The superuser's URL for a database (the password included: throwaway clusters only). */
  url(database: string): string;
  /** Stops the server (immediate mode: nothing in it is kept) and removes its dir. */
  stop(): void;
  /** Stops the server as an admin would (fast mode: sessions ended, data kept), for outage tests. */
  pause(): void;
  /** Starts a paused server again, on the same port. */
  resume(): void;
}

/** The newest installed PostgreSQL's bin dir (Debian: /usr/lib/postgresql/<version>/bin), or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

export async function startPgCluster(user: string, password: string): Promise<PgCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'recipes-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n');
  mkdirSync(sockets);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresIds();
    for (const p of [dir, sockets, pwfile]) chownSync(p, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, cmd), asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args, { stdio: 'pipe' });
  try {
    run('initdb', ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const options = `-p ${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -k ${sockets}`;
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
    let stopped = false;
    const start = () => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
    return {
      bin,
      dir,
      port,
      url: (db) => `postgres://${user}:${password}@127.0.0.1:${port}/${db}`,
      pause: () => void run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
      resume: () => void start(),
      stop: () => {
        if (stopped) return;
        stopped = true;
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
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
