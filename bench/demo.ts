/**
 * `npm start`: the demo (`node bin/recipes.js demo`: emulators, properties, connections, every recipe, the
 * summary) timed from spawn to exit, as a person waits for it. Three runs; the row gives the median and the range.
 */
import { spawn } from 'node:child_process';
import { row, type BenchRow } from './harness.js';

const RUNS = 3;

function once(): Promise<{ ms: number; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/recipes.js', 'demo'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, out }));
  });
}

export async function run(): Promise<BenchRow[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await once();
    if (r.code !== 0) throw new Error(`recipes demo exited ${r.code}:\n${r.out}`);
    times.push(r.ms / 1000);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  // The demo test (test/cli/demo.test.ts) holds it under 15 s on a loaded CI machine.
  return [row('npm start (recipes demo)', 'wall time, median of 3', median, 's', '<=', 15, `runs ${times.map((t) => t.toFixed(2)).join(', ')} s`)];
}
