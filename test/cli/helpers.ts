/**
 * Drives the compiled CLI (`node bin/recipes.js`, so `npm run build` first) as a person would: every
 * command is a spawned process on its own data dir; the emulators run in the test process. The
 * secret key comes from the environment so processes started in parallel agree on it. A Cli made with a
 * `databaseUrl` keeps its state in that PostgreSQL database (passed as RECIPES_DATABASE_URL, as an admin
 * would export it) instead of the data dir's state.db.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorPair } from '../../src/emulators/index.js';
import { Store } from '../../src/engine/store/index.js';
import type { TestDatabase } from '../support/databases.js';
import { copyDatabase } from '../support/postgres.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'recipes.js');
export const WIW_PACKAGE = join(ROOT, 'recipes', 'wiw-provisioning');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'packages');
export const SECRET_KEY = 'cli-test-secret-key';

/** The environment of every spawned CLI: no inherited RECIPES_* settings, a fixed secret key. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RECIPES_SECRET_KEY: SECRET_KEY, NO_COLOR: '1', ...extra };
  delete env.RECIPES_DATA_DIR;
  delete env.RECIPES_PACKAGE;
  if (extra.RECIPES_PROJECT === undefined) delete env.RECIPES_PROJECT;
  if (extra.RECIPES_DATABASE_URL === undefined) delete env.RECIPES_DATABASE_URL;
  return env;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  cwd?: string;
  env?: Record<string, string>;
}

/** Runs `node bin/recipes.js ...args` to completion (`options.env` on top of cliEnv()). */
export function run(args: string[], options: RunOptions = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Temp dirs removed by `cleanup()`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix = 'recipes-cli-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A copy of the WIW Provisioning package whose employee-sync polls every `every` instead of 30 s, so a
 * served change shows up in a test's time (the bench does the same with 1 s).
 */
export function fastPackage(dirs: TempDirs, every = '150ms'): string {
  const dir = join(dirs.make('recipes-cli-pkg-'), 'wiw-provisioning');
  cpSync(WIW_PACKAGE, dir, { recursive: true });
  const file = join(dir, 'employee-sync.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/every: \d+[a-z]+/, `every: ${every}`));
  return dir;
}

/** A CLI bound to one data dir and package, and to a PostgreSQL database when `databaseUrl` is given. */
export class Cli {
  constructor(
    readonly dataDir: string,
    readonly pkg: string = WIW_PACKAGE,
    /** Passed as --project when given. */
    readonly project?: string,
    readonly databaseUrl?: string,
  ) {}

  args(args: string[]): string[] {
    return ['--data-dir', this.dataDir, '--package', this.pkg, ...(this.project ? ['--project', this.project] : []), ...args];
  }

  /** The same data dir and package, in another project. */
  inProject(project: string): Cli {
    return new Cli(this.dataDir, this.pkg, project, this.databaseUrl);
  }

  /** The environment of this CLI's processes: cliEnv() with the database URL when there is one. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return cliEnv({ ...(this.databaseUrl ? { RECIPES_DATABASE_URL: this.databaseUrl } : {}), ...extra });
  }

  run(args: string[], options: RunOptions = {}): Promise<Result> {
    return run(this.args(args), { ...options, env: { ...(this.databaseUrl ? { RECIPES_DATABASE_URL: this.databaseUrl } : {}), ...options.env } });
  }

  /** `recipes ARGS` spawned in the background: its lines can be awaited (see Served). */
  spawn(args: string[]): Served {
    return new Served(spawn(process.execPath, [BIN, ...this.args(args)], { cwd: ROOT, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /**
   * The state store this CLI uses, opened in the test process as another process would (no recovery of
   * jobs, nothing created), for what the CLI does not print, e.g. who holds a lease. Closed after `fn`.
   */
  async withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await Store.open({ dataDir: this.dataDir, databaseUrl: this.databaseUrl, create: false, recoverJobs: false, secretKey: SECRET_KEY });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }

  /** Runs a command that must exit 0; otherwise fails with its output. */
  async ok(args: string[], options: RunOptions = {}): Promise<Result> {
    const r = await this.run(args, options);
    if (r.code !== 0) throw new Error(`recipes ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  }

  /** `--json` output of a command that must succeed. */
  async json<T = unknown>(args: string[]): Promise<T> {
    return JSON.parse((await this.ok([...args, '--json'])).stdout) as T;
  }

  /**
   * A copy of this data dir (state, key) bound to the same package, and of its database (no process of
   * this CLI may be running): independent scenarios in parallel.
   */
  async copy(dirs: TempDirs): Promise<Cli> {
    const dir = dirs.make('recipes-cli-data-');
    cpSync(this.dataDir, dir, { recursive: true });
    return new Cli(dir, this.pkg, this.project, this.databaseUrl && (await copyDatabase(this.databaseUrl)));
  }

  /** Sets properties through the CLI: secrets through --stdin, the first one alone (it creates the store). */
  async setProperties(values: Record<string, string>): Promise<void> {
    const entries = Object.entries(values);
    const set = ([name, value]: [string, string]) =>
      /password|token|key|secret/.test(name) ? this.ok(['properties', 'set', name, '--stdin'], { input: value + '\n' }) : this.ok(['properties', 'set', name, value]);
    const [first, ...rest] = entries;
    if (first) await set(first);
    await Promise.all(rest.map(set));
  }

  serve(args: string[] = []): Served {
    return this.spawn(['serve', ...args]);
  }
}

/** A CLI on a fresh data dir, and on a fresh database of `db`'s kind (none: SQLite in the data dir). */
export async function freshCli(dirs: TempDirs, pkg = WIW_PACKAGE, db?: TestDatabase): Promise<Cli> {
  return new Cli(dirs.make('recipes-cli-data-'), pkg, undefined, (await db?.fresh()) ?? undefined);
}

/** A CLI whose properties point at the emulators (state in `db`: see freshCli). */
export async function cliFor(pair: EmulatorPair, dirs: TempDirs, pkg = WIW_PACKAGE, db?: TestDatabase): Promise<Cli> {
  const cli = await freshCli(dirs, pkg, db);
  await cli.setProperties(pair.properties);
  return cli;
}

/** A spawned `recipes serve`: its stdout lines can be awaited; `exited` resolves with the exit code. */
export class Served {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly waiters: { re: RegExp; from: number; resolve(line: string): void }[] = [];
  private partial = '';

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => this.onData(d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  private onData(data: string): void {
    const parts = (this.partial + data).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      for (const w of [...this.waiters]) {
        if (w.re.test(line)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  }

  /** Lines printed so far: `next(re)` only considers lines after this mark. */
  mark(): number {
    return this.lines.length;
  }

  /**
   * Resolves with the first line matching `re` printed at or after `from` (default: any line so far).
   * Fails with the output seen when serve exits first or `timeoutMs` passes.
   */
  waitFor(re: RegExp, from = 0, timeoutMs = 10_000): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string) => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`serve: no line matching ${re} (${why})\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`));
      };
      const waiter = {
        re,
        from,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then((code) => {
        if (this.waiters.includes(waiter)) {
          clearTimeout(timer);
          fail(`serve exited ${code}`);
        }
      });
    });
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/**
 * Polls `check` every 20 ms until it returns (or resolves to) a value other than undefined/false (for
 * emulator or store state).
 */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** ANSI escape sequences or carriage-return redraws: what a progress bar leaves in output. */
export const TERMINAL_CONTROL = /\u001b\[|\r(?!\n)/;
