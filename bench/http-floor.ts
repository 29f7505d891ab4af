/**
 * The CPU one HTTP request costs this process with nothing else going on: the project's Transport (node:http
 * under a p-queue) sending small GETs to the GoCo emulator at the same latency and concurrency as the sync.
 * Requests x this figure is what any sync of that many requests spends before the engine does anything, so
 * the difference is the engine's and the connectors' share. Prints one JSON line.
 */
import { Transport } from '../src/connectors/http/index.js';

const count = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 8);
const properties = JSON.parse(process.env.BENCH_PROPERTIES ?? '{}') as Record<string, string>;
const transport = new Transport({
  name: 'floor',
  prefixUrl: properties.goco_api_url,
  headers: { authorization: `Bearer ${properties.goco_api_token}` },
  concurrency,
});
const get = () => transport.request({ path: 'employees', searchParams: { limit: 1 } });

const workers = (n: number) => {
  let next = 0;
  return Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) await get();
  }));
};
await workers(200); // warm-up: JIT and sockets
const cpu0 = process.cpuUsage();
await workers(count);
const cpu = process.cpuUsage(cpu0);
await transport.close();
process.stdout.write(JSON.stringify({ count, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / count }) + '\n');
