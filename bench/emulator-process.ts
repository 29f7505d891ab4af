/**
 * Runs both emulators in a process of their own, so a benchmark measures the sync alone. Prints one JSON
 * line `{ properties, expected }`, then answers commands on stdin, one per line: `stats` (request counts
 * by route as one JSON line), `propagate <count> <per-second>` (HR changes, timed until WIW shows them), `exit`.
 */
import { createInterface } from 'node:readline';
import { startEmulators } from '../src/emulators/index.js';
import { generateSeed } from '../src/emulators/seed/index.js';
import { propagate } from './propagate-driver.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seed = generateSeed({ seed: arg('seed', 7), employees: arg('employees', 10_000), wiwUsers: arg('wiw-users', 2_000) });
const latencyMs = arg('latency', 20);
const pair = await startEmulators({ seed, wiwFaults: { latencyMs }, gocoFaults: { latencyMs } });
process.stdout.write(JSON.stringify({ properties: pair.properties, expected: seed.expected.counts, seats: seed.wiw.seats }) + '\n');

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [cmd] = line.trim().split(/\s+/);
  if (cmd === 'stats') {
    process.stdout.write(JSON.stringify({ wiw: Object.fromEntries(pair.wiw.stats), goco: Object.fromEntries(pair.goco.stats) }) + '\n');
  } else if (cmd === 'propagate') {
    const [, count, rate] = line.trim().split(/\s+/);
    process.stdout.write(JSON.stringify(await propagate(pair, Number(count), Number(rate))) + '\n');
  } else if (cmd === 'exit') break;
}
await pair.close();
process.exit(0);
