/**
 * `npm run bench -- cli`: how long a person waits for the quick commands, from spawn to exit: `recipes --help`,
 * `recipes list` and `recipes properties get` on a store in a temp data dir, five runs each, the median
 * against the targets. The package is checked once before (the first command after a build checks
 * it in full and remembers it: src/engine/loader/checked-package.ts); that first run is reported for context.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPackageCache } from '../src/engine/loader/checked-package.js';
import { info, row, type BenchRow } from './harness.js';

const RUNS = 5;

function once(args: string[], dataDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/recipes.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RECIPES_DATA_DIR: dataDir, NO_COLOR: '1' } });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`recipes ${args.join(' ')} exited ${code}:\n${err}`))));
  });
}

async function timed(name: string, args: string[], target: number, dataDir: string): Promise<BenchRow> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await once(args, dataDir));
  const note = `runs ${times.map((t) => t.toFixed(2)).join(', ')} s`;
  times.sort((a, b) => a - b);
  return row(`cli: recipes ${name}`, `wall time, median of ${RUNS}`, times[Math.floor(RUNS / 2)] as number, 's', '<=', target, note);
}

export async function run(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-bench-cli-'));
  try {
    // Forget what this build checked, so the first command checks the package in full, as after a build.
    const cache = defaultPackageCache();
    if (cache) rmSync(cache.dir, { recursive: true, force: true });
    const first = await once(['properties', 'set', 'name_match', 'create'], dataDir);
    return [
      await timed('--help', ['--help'], 0.15, dataDir),
      await timed('list', ['list'], 0.3, dataDir),
      await timed('properties get', ['properties', 'get', 'name_match'], 0.3, dataDir),
      info('cli: recipes properties set', 'wall time, package not checked by this build yet', first, 's', 'the first command on a new or changed package checks it in full (YAML, schemas, expressions) and remembers it'),
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
