/**
 * The child of `npm run bench -- fleet-memory`: opens a Fleet (as `recipes worker` does) on the database in
 * argv, then each of its projects' runtimes with both connections live (a connection test each: a WIW login
 * and a GoCo call against the emulators), and prints one JSON line: heap and RSS before and after (after a
 * full GC; run with --expose-gc), and the wall time of the opens.
 */
import { connectors } from '../src/connectors/index.js';
import { silentLogger } from '../src/engine/logger.js';
import { Fleet } from '../src/engine/runtime/fleet.js';

const [databaseUrl, dataDir, countText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const fleet = await Fleet.open({ databaseUrl, dataDir, connectors, logger: silentLogger(), secretKey: process.env.RECIPES_SECRET_KEY });
// One project first, so the package, the connectors' modules and the store's statements are loaded: what
// follows is what each further project costs.
await (await fleet.runtime('p0')).testConnection('wiw');
gc();
const before = { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
const t0 = performance.now();
for (let i = 1; i < count; i++) {
  const rt = await fleet.runtime(`p${i}`);
  for (const name of ['wiw', 'goco']) await rt.testConnection(name);
}
const wallMs = performance.now() - t0;
gc();
const after = { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
const open = fleet.openProjects;
await fleet.close();
process.stdout.write(JSON.stringify({ before, after, wallMs, open }) + '\n');
