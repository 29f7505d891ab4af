/**
 * Engine benchmark: a foreach over 100,000 items, each running two expression-heavy `set` steps, with no
 * I/O. Measures interpreter + expression throughput (steps/s, counting every set step and the loop, timed
 * from 'job:start' to the loop's step record, so storing the 100k-item trigger is not counted; the whole
 * job's time is in `details.jobMs`) and the process's peak RSS (`resourceUsage().maxRSS`: a job with no
 * I/O never yields to timers, so sampling on an interval would see nothing until it ends).
 * Run: `npm run build && node --expose-gc dist/bench/engine.js`.
 * `run()` returns one JSON-able result for a bench runner; printing is left to the caller except when
 * this file is run directly.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Runtime } from '../src/engine/runtime/runtime.js';

export interface BenchResult {
  name: string;
  /** Steps per second (the headline figure). */
  value: number;
  unit: string;
  target: string;
  ok: boolean;
  /** The second target and the raw counts behind the figure. */
  details: { peakRssMb: number; rssBeforeJobMb: number; rssTargetMb: number; stepsTarget: number; items: number; steps: number; ms: number; jobMs: number; status: string };
}

export interface BenchOptions {
  /** @default 100_000 */
  items?: number;
}

const STEPS_TARGET = 100_000;
const RSS_TARGET_MB = 150;

/** Finds bench/fixtures/engine-bench from the source file (tsx) or the compiled one (dist/bench). */
function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'bench', 'fixtures', 'engine-bench');
    if (existsSync(join(candidate, 'package.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('bench/fixtures/engine-bench not found; run from the repository');
}

function makeItems(count: number): { email: string; n: number; name: string }[] {
  const items = new Array<{ email: string; n: number; name: string }>(count);
  for (let i = 0; i < count; i++) items[i] = { email: `  User${i}@Example.COM `, n: i, name: `Person ${i}` };
  return items;
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const count = options.items ?? 100_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-bench-engine-'));
  const rt = await Runtime.open({ packageDir: packageDir(), dataDir, connectors: [], secretKey: 'bench' });
  let loopStart = 0;
  let loopEnd = 0;
  rt.on('job:start', () => (loopStart = performance.now()));
  rt.on('step', ({ record }) => {
    if (record.path === 'each') loopEnd = performance.now();
  });
  try {
    const trigger = { items: makeItems(count) };
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const job = await rt.execute(rt.recipe('normalize'), trigger, {});
    const jobMs = performance.now() - t0;
    const ms = loopEnd - loopStart;
    const peak = Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    const steps = count * 2 + 1;
    const perSecond = Math.round((steps / ms) * 1000);
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const peakRssMb = mb(peak);
    return {
      name: 'engine: foreach x2 set steps',
      value: perSecond,
      unit: 'steps/s',
      target: `>= ${STEPS_TARGET} steps/s and < ${RSS_TARGET_MB} MB peak RSS`,
      ok: job.status === 'succeeded' && perSecond >= STEPS_TARGET && peakRssMb < RSS_TARGET_MB,
      details: { peakRssMb, rssBeforeJobMb: mb(before), rssTargetMb: RSS_TARGET_MB, stepsTarget: STEPS_TARGET, items: count, steps, ms: Math.round(ms), jobMs: Math.round(jobMs), status: job.status },
    };
  } finally {
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const invoked = process.argv[1] ? pathToFileURL(resolve(process.argv[1])).href : '';
if (import.meta.url === invoked) {
  const result = await run();
  const d = result.details;
  console.log(`${result.name}: ${result.value} ${result.unit} (${d.steps} steps in ${d.ms} ms; job ${d.jobMs} ms), peak RSS ${d.peakRssMb} MB - ${result.ok ? 'ok' : 'MISSED'} (${result.target})`);
  console.log(JSON.stringify(result));
  if (!result.ok) process.exitCode = 1;
}
