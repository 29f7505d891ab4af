/**
 * `npm run bench -- fleet-memory`: what each project costs a worker in memory. A worker keeps one runtime per
 * project it has run a job of (package models are shared per folder); with 5,000 projects (the capacity
 * model's case) a long-lived worker may hold them all. N projects (BENCH_FLEET_MEMORY_PROJECTS, default
 * 5,000) on a throwaway PostgreSQL, all pointed at one pair of emulators; a child process opens every
 * runtime with both connections live and reports heap and RSS per project.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { connectors } from '../src/connectors/index.js';
import { startEmulators } from '../src/emulators/index.js';
import { generateSeed } from '../src/emulators/seed/index.js';
import { Runtime } from '../src/engine/runtime/runtime.js';
import { Store } from '../src/engine/store/index.js';
import { info, runOnce, type BenchRow } from './harness.js';
import { postgresBin, startPgCluster } from './pg-cluster.js';

const PROJECTS = Number(process.env.BENCH_FLEET_MEMORY_PROJECTS ?? 5000);
const PACKAGE = resolve('recipes/wiw-provisioning');
const SECRET = 'bench-fleet-key';

interface Child {
  before: { heap: number; rss: number };
  after: { heap: number; rss: number };
  wallMs: number;
  open: number;
}

export async function run(): Promise<BenchRow[]> {
  const name = `fleet memory: ${PROJECTS} projects' runtimes open in one worker, both connections live`;
  if (!postgresBin()) return [info(name, 'skipped', NaN, '', 'no PostgreSQL binaries in /usr/lib/postgresql/*/bin')];
  const cluster = await startPgCluster('recipes_bench', 'bench-password');
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-bench-fleet-memory-'));
  const pair = await startEmulators({ seed: generateSeed({ seed: 3, employees: 10, wiwUsers: 5 }) });
  try {
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE fleet_memory');
    await admin.end();
    const databaseUrl = cluster.url('fleet_memory');
    // Setup through the store the CLI uses (projects add would check the package again for each of thousands).
    const store = await Store.open({ dataDir, databaseUrl, create: true, secretKey: SECRET });
    const packages = new Map();
    for (let i = 0; i < PROJECTS; i++) {
      const project = `p${i}`;
      await store.createProject({ name: project, packageDir: PACKAGE, packageName: 'wiw-provisioning', packageVersion: null });
      const rt = await Runtime.open({ project, dataDir, databaseUrl, connectors, store, packages });
      for (const [k, v] of Object.entries(pair.properties)) await rt.properties.set(k, v);
      await rt.close();
    }
    await store.close();
    const r = await runOnce<Child>(['--expose-gc', 'dist/bench/fleet-memory-process.js', databaseUrl, dataDir, String(PROJECTS)], { RECIPES_SECRET_KEY: SECRET });
    const further = r.open - 1;
    const kb = (bytes: number) => bytes / 1024 / further;
    return [
      info(name, 'heap per project', kb(r.after.heap - r.before.heap), 'KB', `${((r.after.heap - r.before.heap) / 2 ** 20).toFixed(1)} MB for ${further} projects after a full GC (heap ${(r.after.heap / 2 ** 20).toFixed(0)} MB in all)`),
      info(name, 'RSS per project', kb(r.after.rss - r.before.rss), 'KB', `RSS ${(r.before.rss / 2 ** 20).toFixed(0)} MB with one project, ${(r.after.rss / 2 ** 20).toFixed(0)} MB with ${r.open}`),
      info(name, 'open a project and test both connections', r.wallMs / further, 'ms', `${(r.wallMs / 1000).toFixed(1)} s for ${further} projects, loopback emulators`),
    ];
  } finally {
    await pair.close();
    rmSync(dataDir, { recursive: true, force: true });
    cluster.stop();
  }
}
