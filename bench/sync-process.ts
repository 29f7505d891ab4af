/**
 * One measured recipe run in a fresh process: opens the runtime on a data dir, optionally sets properties
 * (JSON in env BENCH_PROPERTIES) and runs setup recipes, then runs the measured recipe and prints one JSON
 * line: wall ms, CPU ms of this process during the run, peak RSS, job status and summary. The heap is
 * sized as the `recipes` command sizes it (src/cli/heap.ts), so the figures are the CLI's.
 */
import { resolve } from 'node:path';
import { tuneHeap } from '../src/cli/heap.js';
import { connectors } from '../src/connectors/index.js';
import { Runtime } from '../src/engine/runtime/runtime.js';

tuneHeap();
const [dataDir, recipe, ...setup] = process.argv.slice(2) as [string, string, ...string[]];
// BENCH_DATABASE_URL: the same run with its state in PostgreSQL. BENCH_RECORD_ITEMS: items per loop recorded in full.
const rt = await Runtime.open({ packageDir: resolve(process.env.BENCH_PACKAGE ?? 'recipes/wiw-provisioning'), dataDir, databaseUrl: process.env.BENCH_DATABASE_URL, connectors, recordItems: Number(process.env.BENCH_RECORD_ITEMS ?? 20) });
if (process.env.BENCH_PROPERTIES) {
  for (const [k, v] of Object.entries(JSON.parse(process.env.BENCH_PROPERTIES) as Record<string, string>)) await rt.properties.set(k, v);
}
for (const name of setup) {
  const job = await rt.test(name);
  if (job?.status !== 'succeeded') throw new Error(`setup recipe ${name} ended ${job?.status}: ${JSON.stringify(job?.error)}`);
}
global.gc?.();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const job = await rt.test(recipe);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await rt.close();
process.stdout.write(
  JSON.stringify({
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    userMs: cpu.user / 1000,
    systemMs: cpu.system / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    status: job?.status,
    error: job?.error,
    summary: job?.summary,
  }) + '\n',
);
