/**
 * all-employees-sync at scale (issue: WIW Provisioning package). Emulators run in a process of their own
 * with a fixed latency per call; each measured sync runs in a fresh process so CPU and RSS are its own.
 * The 10,000-employee scenario runs again with its state in PostgreSQL (a throwaway cluster, bench/pg-cluster.ts)
 * where the binaries are installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BENCH_WORKLOAD, info, JsonChild, row, runOnce, type BenchRow } from './harness.js';
import { postgresBin, startPgCluster } from './pg-cluster.js';

interface Ready {
  properties: Record<string, string>;
  expected: Record<string, number>;
}
type Stats = { wiw: Record<string, number>; goco: Record<string, number> };
interface SyncResult {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  status: string;
  error?: unknown;
  summary?: Record<string, unknown>;
}

const CONCURRENCY = 8;

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** `databaseUrl`: keep the sync's state in that PostgreSQL database instead of the data dir's state.db. */
export async function scenario(employees: number, wiwUsers: number, latency: number, label: string, databaseUrl?: string): Promise<BenchRow[]> {
  const emu = new JsonChild(['dist/bench/emulator-process.js', '--employees', String(employees), '--wiw-users', String(wiwUsers), '--latency', String(latency)]);
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-bench-'));
  const rows: BenchRow[] = [];
  try {
    const ready = await emu.next<Ready>();
    const database: Record<string, string> = databaseUrl ? { BENCH_DATABASE_URL: databaseUrl, RECIPES_SECRET_KEY: 'bench-secret-key' } : {};
    const env = { BENCH_PROPERTIES: JSON.stringify({ ...ready.properties, ...BENCH_WORKLOAD }), ...database };
    const before = await emu.ask<Stats>('stats');
    const first = await runOnce<SyncResult>(['--expose-gc', 'dist/bench/sync-process.js', dataDir, 'all-employees-sync', 'location-sync', 'department-sync'], env);
    const mid = await emu.ask<Stats>('stats');
    // Setup recipes ran in the same process; count only the measured recipe's calls: subtract a setup-only run's share.
    const wiwCalls = diff(mid.wiw, before.wiw);
    const gocoCalls = diff(mid.goco, before.goco);
    const creates = wiwCalls['POST /2/users'] ?? 0;
    const links = wiwCalls['PUT /2/users/:id'] ?? 0;
    const writes = creates + links;
    const gocoPages = Math.ceil(employees / 100) + Math.ceil((ready.expected.locations ?? 0) / 100);
    const setupCalls = (wiwCalls['GET /2/locations'] ?? 0) + (wiwCalls['GET /2/positions'] ?? 0) + (wiwCalls['POST /2/locations'] ?? 0) + (wiwCalls['POST /2/positions'] ?? 0) + (wiwCalls['PUT /2/locations/:id'] ?? 0) + (wiwCalls['PUT /2/positions/:id'] ?? 0);
    const measuredWiw = sum(wiwCalls) - setupCalls;
    const measuredGoco = gocoCalls['GET /employees'] ?? 0;
    // Minimum: POST /login + GET /2/login (workplace) + GET /2/users + GET /2/account (seat preflight) + writes; GoCo: its pages.
    const minimum = 4 + writes + Math.ceil(employees / 100);
    const bound = (writes * latency) / CONCURRENCY;
    const name = `all-employees-sync ${label}`;
    rows.push(row(name, 'API calls (WIW + GoCo employees)', measuredWiw + measuredGoco, 'calls', '<=', minimum, `writes ${writes} (created ${creates}, linked ${links}); GoCo pages ${measuredGoco}; status ${first.status}`));
    if (latency > 0) rows.push(row(name, 'wall time vs bound x1.2', first.wallMs / 1000, 's', '<=', (bound * 1.2) / 1000, `bound ${(bound / 1000).toFixed(2)} s = ${writes} writes x ${latency} ms / ${CONCURRENCY}`));
    if (employees <= 10_000) {
      rows.push(row(name, 'CPU', first.cpuMs / 1000, 's', '<=', 3));
      // What the same number of requests costs with no engine at all: the part of the CPU no recipe can remove.
      const floor = await runOnce<{ cpuMsPerRequest: number }>(['dist/bench/http-floor.js', '2000', String(CONCURRENCY)], env);
      const calls = measuredWiw + measuredGoco;
      const httpS = (calls * floor.cpuMsPerRequest) / 1000;
      rows.push(info(name, 'CPU of HTTP alone (floor)', httpS, 's', `${floor.cpuMsPerRequest.toFixed(3)} ms per request x ${calls} requests: the Transport alone, same latency and concurrency`));
      rows.push(info(name, 'CPU above the HTTP floor', first.cpuMs / 1000 - httpS, 's', `${(((first.cpuMs / 1000 - httpS) * 1000) / calls).toFixed(3)} ms per request: engine, connectors, matching, store`));
    }
    rows.push(row(name, 'peak RSS', first.peakRssMb, 'MB', '<=', employees >= 100_000 ? 300 : 300));
    if (employees <= 10_000) {
      const again = await runOnce<SyncResult>(['--expose-gc', 'dist/bench/sync-process.js', dataDir, 'all-employees-sync'], env);
      const end = await emu.ask<Stats>('stats');
      const writesAgain = (diff(end.wiw, mid.wiw)['POST /2/users'] ?? 0) + (diff(end.wiw, mid.wiw)['PUT /2/users/:id'] ?? 0);
      rows.push(row(`${name}, re-run`, 'wall time, nothing to change', again.wallMs / 1000, 's', '<=', 3, `writes ${writesAgain}; status ${again.status}`));
      rows.push(row(`${name}, re-run`, 'writes', writesAgain, 'calls', '=', 0));
    }
    void gocoPages;
  } finally {
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const USUAL = '10,000 employees, 2,000 WIW users, 20 ms';

export async function run(): Promise<BenchRow[]> {
  const rows = await scenario(10_000, 2_000, 20, USUAL);
  const full = process.env.BENCH_FULL === '1';
  rows.push(...(await scenario(100_000, 20_000, full ? 20 : 0, `100,000 employees, 20,000 WIW users, ${full ? 20 : 0} ms`)));
  rows.push(...(await runPostgres()));
  return rows;
}

/**
 * The 10,000-employee scenario with its state in a database of a throwaway local cluster (fsync off, as in
 * the tests: the figure is the store's work over a loopback connection, not a disk's). Without the
 * binaries one row says so.
 */
export async function runPostgres(): Promise<BenchRow[]> {
  const label = `${USUAL}, state in PostgreSQL`;
  if (!postgresBin()) return [info(`all-employees-sync ${label}`, 'skipped', NaN, '', 'no PostgreSQL binaries in /usr/lib/postgresql/*/bin')];
  const cluster = await startPgCluster('recipes_bench', 'bench-password');
  try {
    const admin = new pg.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE recipes_bench').finally(() => admin.end());
    return await scenario(10_000, 2_000, 20, label, cluster.url('recipes_bench'));
  } finally {
    cluster.stop();
  }
}
