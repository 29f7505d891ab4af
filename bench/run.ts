/**
 * `npm run bench`: every benchmark, one table, each figure next to its bound or target; also written to
 * bench/results.json. Targets are reported, never asserted in unit tests.
 * Pick some with `npm run bench -- engine sync` (names: engine, sync, sync-postgres, demo, cli, propagation, store-size, fleet, fleet-memory;
 * `sync` includes `sync-postgres`).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { row, type BenchRow } from './harness.js';

const suites: Record<string, () => Promise<BenchRow[]>> = {
  engine: async () => {
    const r = await (await import('./engine.js')).run();
    const name = `engine: foreach over ${r.details.items} items, 2 expression set steps`;
    return [
      row(name, 'steps per second', r.value, 'steps/s', '>=', r.details.stepsTarget, `${r.details.steps} steps in ${r.details.ms.toFixed(0)} ms; job ${r.details.status}`),
      row(name, 'peak RSS', r.details.peakRssMb, 'MB', '<=', r.details.rssTargetMb),
    ];
  },
  sync: async () => (await import('./sync.js')).run(),
  'sync-postgres': async () => (await import('./sync.js')).runPostgres(),
  demo: async () => (await import('./demo.js')).run(),
  cli: async () => (await import('./cli.js')).run(),
  propagation: async () => (await import('./propagation.js')).run(),
  'store-size': async () => (await import('./store-size.js')).run(),
  fleet: async () => (await import('./fleet.js')).run(),
  'fleet-memory': async () => (await import('./fleet-memory.js')).run(),
};

const wanted = process.argv.slice(2).filter((a) => suites[a]);
const rows: BenchRow[] = [];
for (const name of wanted.length > 0 ? wanted : Object.keys(suites).filter((n) => n !== 'sync-postgres')) {
  process.stderr.write(`running ${name}...\n`);
  try {
    rows.push(...(await (suites[name] as () => Promise<BenchRow[]>)()));
  } catch (error) {
    rows.push({ bench: name, metric: 'error', value: NaN, unit: '', target: '', ok: false, note: String((error as Error).stack ?? error) });
  }
}

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, at: new Date().toISOString() };
const header = ['bench', 'metric', 'value', 'unit', 'target', 'ok', 'note'];
const cells = rows.map((r) => [r.bench, r.metric, String(r.value), r.unit, r.target, r.ok ? 'yes' : 'NO', r.note ?? '']);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
const fmt = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i] as number))).join('  ');
console.log(fmt(header));
for (const c of cells) console.log(fmt(c));
console.log(`\nmachine: ${machine.cpus} x ${machine.cpu}, ${machine.memoryGb} GB, node ${machine.node}`);
writeFileSync(new URL('../../bench/results.json', import.meta.url), JSON.stringify({ machine, rows }, null, 2) + '\n');
console.log('written to bench/results.json');
