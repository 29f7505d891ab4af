/**
 * `recipes serve` honours a recipe lease held by another process: a polled change whose recipe is busy
 * (here a `jobs rerun` kept in flight by a gate in front of WIW) is not a trigger failure, does not move the
 * cursor, and runs at a later tick once the lease is free: nothing is lost, nothing runs twice.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { BIN, cliEnv, cliFor, fastPackage, ROOT, Served, TempDirs, until, type Cli } from './helpers.js';
import { startGateProxy, type GateProxy } from './gate-proxy.js';

interface JobJson {
  id: number;
  recipe: string;
  status: string;
  eventId: string | null;
  rerunOf: number | null;
}

function read<T>(cli: Cli, sql: string): T | undefined {
  const db = new Database(join(cli.dataDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as T | undefined;
  } finally {
    db.close();
  }
}

describe('cli: serve waits for a recipe another process is running', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  const procs: Served[] = [];
  let pair: EmulatorPair;
  let gate: GateProxy;
  let cli: Cli;

  before(async () => {
    pair = await startEmulators();
    gate = await startGateProxy(pair.properties.wiw_api_url, /\/users/);
    cli = await cliFor(pair, dirs, fastPackage(dirs));
    await cli.ok(['properties', 'set', 'wiw_api_url', gate.url]);
  });
  after(async () => {
    gate?.open();
    for (const p of procs) await p.stop('SIGKILL');
    await gate?.close();
    await pair?.close();
    dirs.cleanup();
  });

  it('skips busy ticks without moving the cursor or counting a failure, then runs the change once', async () => {
    const employees = pair.goco.snapshot().employees.filter((e) => e.status === 'active' && e.syncToWhenIWork !== false).map((e) => e.id);
    await cli.ok(['start', 'employee-sync']);
    pair.goco.updateEmployee(employees[0] as string, { workEmail: 'lease-serve-0@example.com' });
    const firstJob = JSON.parse((await cli.ok(['test', 'employee-sync', '--json'])).stdout).job as JobJson;
    const cursorBefore = read<{ cursor: string }>(cli, `SELECT cursor FROM recipes WHERE name = 'employee-sync'`)?.cursor;

    const changed = employees[1] as string;
    pair.goco.updateEmployee(changed, { workEmail: 'lease-serve-1@example.com' });
    gate.shut();
    const rerun = new Served(spawn(process.execPath, [BIN, ...cli.args(['jobs', 'rerun', String(firstJob.id)])], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
    procs.push(rerun);
    await until(() => gate.held > 0 && read(cli, `SELECT job_id FROM leases WHERE recipe = 'employee-sync'`), 'the rerun holding the lease');

    const s = cli.serve(['--log-level', 'info']);
    procs.push(s);
    await until(() => (s.stderr.match(/recipe busy elsewhere/g) ?? []).length >= 2, 'serve to meet the busy recipe twice', 20_000);
    expect(read<{ cursor: string }>(cli, `SELECT cursor FROM recipes WHERE name = 'employee-sync'`)?.cursor).to.equal(cursorBefore);
    expect(s.lines.filter((l) => /^job |trigger failed/.test(l))).to.deep.equal([]);

    const mark = s.mark();
    gate.open();
    expect(await rerun.exited).to.equal(0);
    const line = await s.waitFor(/^job \d+ {2}employee-sync /, mark);
    expect(line).to.match(/ ok/);
    await until(() => pair.wiw.snapshot().accounts.some((a) => a.users.some((u) => u.email === 'lease-serve-1@example.com')), 'the change in WIW');
    expect(await s.stop('SIGINT')).to.equal(0);

    const jobs = await cli.json<JobJson[]>(['jobs', 'employee-sync']);
    const forChange = jobs.filter((j) => j.rerunOf === null && (j.eventId ?? '').startsWith(`${changed}@`));
    expect(forChange.map((j) => j.status)).to.deep.equal(['succeeded']);
    expect(s.lines.some((l) => /trigger failed/.test(l))).to.equal(false);
  });
});
