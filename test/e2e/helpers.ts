/**
 * End-to-end harness: both emulators in this process on loopback port 0, a temp data dir, and the compiled
 * CLI (`node bin/recipes.js`, built by `npm test`'s pretest) spawned against them. Tests assert on what the
 * user sees (exit code, stdout/stderr, --json) and on the emulators' state.
 *
 * Spawns cost about a second each on a loaded 2-core CI machine, so a suite shares one project across its
 * `it`s (they run in order and build on each other, as the admin's flow does) and `prepareInProcess` sets up
 * a project through the Runtime API where the CLI path of that setup is covered elsewhere (setup.test.ts).
 * A project started with a TestDatabase of kind postgres keeps its state in a fresh PostgreSQL database
 * (RECIPES_DATABASE_URL and RECIPES_SECRET_KEY in the CLI's environment, as an admin would export them).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectors } from '../../src/connectors/index.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import type { Seed } from '../../src/emulators/seed/types.js';
import type { WiwUser } from '../../src/emulators/wheniwork/types.js';
import type { TestDatabase } from '../support/databases.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'recipes.js');
export const PACKAGE = join(ROOT, 'recipes', 'wiw-provisioning');
const SECRETS = new Set(['wiw_password', 'wiw_api_key', 'goco_api_token']);
/** The secret key in PostgreSQL mode, where it comes from the environment only. */
const PG_SECRET_KEY = 'e2e-test-secret-key';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A job as `recipes test NAME --json` prints it (only what the tests read). */
export interface JobJson {
  job: { id: number; status: string; dryRun: boolean; summary: Record<string, unknown> | null; error: { code?: string; message?: string } | null } | null;
  steps?: Array<{ path: string; status: string; output?: unknown }>;
  message?: string;
}

/**
 * The env of a spawned CLI: nothing of the caller's recipes settings leaks in; with a database URL, that
 * database and the secret key that goes with it.
 */
function childEnv(databaseUrl?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of ['RECIPES_DATA_DIR', 'RECIPES_PACKAGE', 'RECIPES_SECRET_KEY', 'RECIPES_DATABASE_URL']) delete env[k];
  if (databaseUrl) Object.assign(env, { RECIPES_DATABASE_URL: databaseUrl, RECIPES_SECRET_KEY: PG_SECRET_KEY });
  return env;
}

export function runCli(dataDir: string, args: string[], stdin?: string, databaseUrl?: string, packageDir = PACKAGE): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, '--package', packageDir, ...args], {
      cwd: ROOT,
      env: childEnv(databaseUrl),
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** Parses --json output; the failure message shows what was printed instead. */
export function parseJson<T = JobJson>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

export class Project {
  private constructor(
    readonly pair: EmulatorPair,
    readonly dataDir: string,
    readonly databaseUrl?: string,
  ) {}

  /** Emulators with `seed`, a temp data dir, and state in a fresh database of `db`'s kind (none: SQLite). */
  static async start(seed: Seed, db?: TestDatabase): Promise<Project> {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    const dataDir = await mkdtemp(join(tmpdir(), 'recipes-e2e-'));
    try {
      const databaseUrl = await db?.fresh();
      return new Project(await startEmulators({ seed }), dataDir, databaseUrl);
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** `recipes --data-dir D ARGS...`. */
  cli(...args: string[]): Promise<Run> {
    return runCli(this.dataDir, args, undefined, this.databaseUrl);
  }

  /** `recipes test NAME --json [...flags]`, parsed. */
  async test(name: string, ...flags: string[]): Promise<{ run: Run; out: JobJson }> {
    const run = await this.cli('test', name, '--json', ...flags);
    return { run, out: parseJson(run) };
  }

  /** `recipes properties set NAME VALUE`; a secret's value goes through --stdin, as an admin would pipe it. */
  setProperty(name: string, value: string): Promise<Run> {
    const args = SECRETS.has(name) ? ['properties', 'set', name, '--stdin'] : ['properties', 'set', name, value];
    return runCli(this.dataDir, args, SECRETS.has(name) ? value : undefined, this.databaseUrl);
  }

  /**
   * Sets the emulator properties through the CLI, secrets with --stdin. The first write creates the store
   * alone; the rest run concurrently (the store waits on SQLite's busy timeout).
   */
  async setProperties(except: string[] = []): Promise<Run[]> {
    const entries = Object.entries(this.pair.properties).filter(([name]) => !except.includes(name));
    const set = ([name, value]: [string, string]) => this.setProperty(name, value);
    const [first, ...rest] = entries;
    if (!first) return [];
    return [await set(first), ...(await Promise.all(rest.map(set)))];
  }

  /**
   * Properties set and recipes test-run (by default location-sync and department-sync) through the Runtime
   * API in this process: the same store and package the CLI uses, without a spawn each. Throws unless every
   * run succeeds.
   */
  async prepareInProcess(options: { properties?: Record<string, string>; recipes?: string[] } = {}): Promise<void> {
    const db = this.databaseUrl ? { databaseUrl: this.databaseUrl, secretKey: PG_SECRET_KEY } : {};
    const rt = await Runtime.open({ packageDir: PACKAGE, dataDir: this.dataDir, connectors, ...db });
    try {
      for (const [name, value] of Object.entries({ ...this.pair.properties, ...options.properties })) (await rt.properties.set(name, value));
      for (const recipe of options.recipes ?? ['location-sync', 'department-sync']) {
        const job = await rt.test(recipe);
        if (job?.status !== 'succeeded') throw new Error(`${recipe} did not succeed: ${JSON.stringify(job?.error)}`);
      }
    } finally {
      await rt.close();
    }
  }

  /** The WIW account's users (deleted ones included), as the emulator holds them now. */
  users(): WiwUser[] {
    return this.pair.wiw.snapshot().accounts[0]!.users;
  }

  /** The WIW user whose employee_code is `code`; throws when there is not exactly one. */
  userByCode(code: string): WiwUser {
    const found = this.users().filter((u) => u.employee_code === code);
    if (found.length !== 1) throw new Error(`${found.length} WIW users have employee_code ${code}`);
    return found[0]!;
  }

  userById(id: number): WiwUser {
    const user = this.users().find((u) => u.id === id);
    if (!user) throw new Error(`no WIW user ${id}`);
    return user;
  }

  /** Count of write requests (POST/PUT/DELETE under /2) the WIW emulator has answered. */
  wiwWrites(): number {
    let n = 0;
    for (const [key, count] of this.pair.wiw.stats) if (/^(POST|PUT|DELETE) \/2\//.test(key)) n += count;
    return n;
  }

  /** The GoCo employee with this employee number. */
  employee(number: string) {
    const e = this.pair.goco.snapshot().employees.find((x) => x.employeeNumber === number);
    if (!e) throw new Error(`no GoCo employee ${number}`);
    return e;
  }

  async close(): Promise<void> {
    await this.pair.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** The summary of a job printed with --json; fails the test when there is no job. */
export function summaryOf(out: JobJson): Record<string, any> {
  if (!out.job) throw new Error(`no job: ${JSON.stringify(out)}`);
  return out.job.summary ?? {};
}
