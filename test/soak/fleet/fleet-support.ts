/**
 * What the fleet suites share: a PostgreSQL database of their own, projects set up through the engine's
 * admin API (as `recipes projects add` and `properties set` do), and `recipes enqueue` / `recipes worker` run
 * as spawned CLI processes whose lines can be awaited.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connectors } from '../../../src/connectors/index.js';
import type { EmulatorPair } from '../../../src/emulators/index.js';
import { Projects } from '../../../src/engine/runtime/projects.js';
import { Runtime } from '../../../src/engine/runtime/runtime.js';
import { Store, type AttemptRecord, type JobRecord } from '../../../src/engine/store/index.js';
import { Served, until } from '../../cli/helpers.js';
import { PACKAGE_DIR, runSetup, SECRET_KEY, tempDir } from '../../faults/package-run.js';
import { createDatabase } from '../../support/postgres.js';
import { ROOT } from '../helpers.js';

const BIN = join(ROOT, 'bin', 'recipes.js');

export class FleetHarness {
  readonly processes: Served[] = [];
  private constructor(
    readonly databaseUrl: string,
    readonly dataDir: string,
    private readonly removeDir: () => void,
    /** Env of every spawned CLI (queue timings, for instance). */
    readonly env: Record<string, string>,
  ) {}

  static async create(env: Record<string, string> = {}, databaseUrl?: string): Promise<FleetHarness> {
    const tmp = tempDir('recipes-fleet-');
    return new FleetHarness(databaseUrl ?? (await createDatabase('recipes_fleet')), tmp.dir, tmp.remove, env);
  }

  /** `recipes projects add NAME`, its properties pointed at `pair`, and its setup recipes run (in this process). */
  async addProject(name: string, pair: EmulatorPair, extra: Record<string, string> = {}, setup = true, packageDir = PACKAGE_DIR): Promise<void> {
    const projects = await Projects.open({ dataDir: this.dataDir, databaseUrl: this.databaseUrl, create: true, secretKey: SECRET_KEY, connectors });
    try {
      await projects.add(name, packageDir, PACKAGE_DIR);
    } finally {
      await projects.close();
    }
    await this.withRuntime(name, async (rt) => {
      for (const [k, v] of Object.entries({ name_match: 'create', ...pair.properties, ...extra })) await rt.properties.set(k, v);
      if (setup) await runSetup(rt, 1);
    });
  }

  async withRuntime<T>(project: string, fn: (rt: Runtime) => Promise<T>): Promise<T> {
    const rt = await Runtime.open({ project, dataDir: this.dataDir, databaseUrl: this.databaseUrl, connectors, secretKey: SECRET_KEY });
    try {
      return await fn(rt);
    } finally {
      await rt.close();
    }
  }

  /** One store kept open for the suite's reads, opened as another process would (no recovery of jobs). */
  async withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    this.store ??= Store.open({ dataDir: this.dataDir, databaseUrl: this.databaseUrl, create: false, recoverJobs: false, secretKey: SECRET_KEY });
    return fn(await this.store);
  }
  private store?: Promise<Store>;

  /** `recipes ARGS` in the background. */
  spawn(args: string[], env: Record<string, string> = {}): Served {
    const child = spawn(process.execPath, [BIN, '--data-dir', this.dataDir, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', RECIPES_SECRET_KEY: SECRET_KEY, RECIPES_DATABASE_URL: this.databaseUrl, ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const served = new Served(child);
    this.processes.push(served);
    return served;
  }

  /** `recipes worker`, once it says it is drawing jobs. */
  async worker(concurrency = 4, env: Record<string, string> = {}): Promise<Served> {
    const w = this.spawn(['worker', '--concurrency', String(concurrency)], env);
    await w.waitFor(/^worker \d+: running queued jobs/, 0, 60_000);
    return w;
  }

  /** `recipes --project P enqueue RECIPE --force --json`: the job's id. */
  async enqueue(project: string, recipe: string): Promise<number> {
    const p = this.spawn(['--project', project, 'enqueue', recipe, '--force', '--json']);
    const code = await p.exited;
    if (code !== 0) throw new Error(`enqueue ${project}/${recipe} exited ${code}: ${p.lines.join('\n')} ${p.stderr}`);
    return (JSON.parse(p.lines.join('\n')) as { jobId: number }).jobId;
  }

  async jobs(project: string, recipe?: string): Promise<JobRecord[]> {
    return this.withStore((s) => s.listJobs({ project, recipe, limit: 1000 }));
  }

  async attempts(jobId: number): Promise<AttemptRecord[]> {
    return this.withStore(async (s) => (await s.jobAttempts([jobId])).get(jobId) ?? []);
  }

  /** Resolves with the jobs once none of `ids` is queued or running. */
  async finished(ids: readonly number[], timeoutMs = 300_000): Promise<JobRecord[]> {
    return until(
      () =>
        this.withStore(async (s) => {
          const jobs = await Promise.all(ids.map((id) => s.getJob(id)));
          return jobs.every((j) => j && j.status !== 'queued' && j.status !== 'running') ? (jobs as JobRecord[]) : undefined;
        }),
      `jobs ${ids.join(', ')} to end`,
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    for (const p of this.processes) await p.stop('SIGKILL');
    await (await this.store?.catch(() => undefined))?.close();
    this.removeDir();
  }
}
