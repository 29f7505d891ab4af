/**
 * Change propagation (issue: operating the package): `recipes serve` runs employee-sync on a 1 s poll
 * against the emulators (their own process); 1,000 HR changes are made in GoCo at a steady rate, and each is
 * timed until the WIW emulator shows it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_WORKLOAD, JsonChild, row, runOnce, type BenchRow } from './harness.js';
import type { PropagationResult } from './propagate-driver.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 1000);
const PER_SECOND = Number(process.env.BENCH_CHANGE_RATE ?? 10);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function run(): Promise<BenchRow[]> {
  const emu = new JsonChild(['dist/bench/emulator-process.js', '--employees', '3000', '--wiw-users', '1500', '--latency', '20']);
  const work = mkdtempSync(join(tmpdir(), 'recipes-propagation-'));
  const dataDir = join(work, 'data');
  const pkg = join(work, 'package');
  cpSync('recipes/wiw-provisioning', pkg, { recursive: true });
  const syncFile = join(pkg, 'employee-sync.yaml');
  writeFileSync(syncFile, readFileSync(syncFile, 'utf8').replace(/every: \d+[a-z]+/, 'every: 1s'));
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/recipes.js', '--data-dir', dataDir, '--package', pkg, ...args], { encoding: 'utf8' });
  let serve: ReturnType<typeof spawn> | undefined;
  try {
    const ready = await emu.next<{ properties: Record<string, string> }>();
    const env = { BENCH_PROPERTIES: JSON.stringify({ ...ready.properties, ...BENCH_WORKLOAD }), BENCH_PACKAGE: pkg };
    await runOnce(['dist/bench/sync-process.js', dataDir, 'all-employees-sync', 'location-sync', 'department-sync'], env);
    for (const args of [['start', 'employee-sync'], ['test', 'employee-sync']]) {
      const r = cli(...args);
      if (r.status !== 0) throw new Error(`recipes ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    }
    serve = spawn(process.execPath, ['bin/recipes.js', '--data-dir', dataDir, '--package', pkg, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: serve.stdout! });
    const jobs = { count: 0, failed: 0 };
    await new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line.startsWith('serving')) resolve();
        if (line.startsWith('job ')) {
          jobs.count++;
          if (!/ ok /.test(line)) jobs.failed++;
        }
      });
    });
    const result = await emu.ask<PropagationResult>(`propagate ${CHANGES} ${PER_SECOND}`);
    const exited = new Promise<number | null>((resolve) => serve!.once('exit', resolve));
    serve.kill('SIGINT');
    const code = await exited;
    serve = undefined;
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    const name = `propagation, ${CHANGES} changes at ${PER_SECOND}/s, 1 s poll`;
    const note = `kinds ${JSON.stringify(result.kinds)}; jobs ${jobs.count} (${jobs.failed} not ok); serve exit ${code}`;
    return [
      row(name, 'p50', percentile(sorted, 50) / 1000, 's', '<=', 5),
      row(name, 'p99', percentile(sorted, 99) / 1000, 's', '<=', 5, note),
      row(name, 'max', (sorted[sorted.length - 1] ?? NaN) / 1000, 's', '<=', 30),
      row(name, 'changes applied', result.applied, 'changes', '=', CHANGES),
      row(name, 'WIW writes (exactly once each)', result.writes, 'writes', '=', CHANGES),
    ];
  } finally {
    serve?.kill('SIGKILL');
    await emu.close();
    rmSync(work, { recursive: true, force: true });
  }
}
