/**
 * `recipes serve` honours a recipe lease held by another process: a polled change whose recipe is busy
 * (here a `jobs rerun` kept in flight by a gate in front of WIW) is not a trigger failure, does not move the
 * cursor, and runs at a later tick once the lease is free: nothing is lost, nothing runs twice.
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { cliFor, fastPackage, TempDirs, until, type Cli, type Served } from './helpers.js';
import { startGateProxy, type GateProxy } from './gate-proxy.js';
import { forEachDatabase } from '../support/databases.js';

interface JobJson {
  id: number;
  recipe: string;
  status: string;
  eventId: string | null;
  rerunOf: number | null;
}

/** The project the CLI's state lives under when no --project is given. */
const PKG = 'default';

/** employee-sync's cursor and the job holding its live lease, read from the store as another process would. */
function read(cli: Cli): Promise<{ cursor: unknown; leaseJob: number | undefined }> {
  return cli.withStore(async (store) => ({ cursor: (await store.getRecipe(PKG, 'employee-sync')).cursor, leaseJob: (await store.leaseHolder(PKG, 'employee-sync'))?.jobId }));
}

forEachDatabase('cli: serve waits for a recipe another process is running', function (db) {
  this.timeout(120_000);
  const dirs = new TempDirs();
  const procs: Served[] = [];
  let pair: EmulatorPair;
  let gate: GateProxy;
  let cli: Cli;

  before(async () => {
    pair = await startEmulators();
    gate = await startGateProxy(pair.properties.wiw_api_url, /\/users/);
    cli = await cliFor(pair, dirs, fastPackage(dirs), db);
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
    const { cursor: cursorBefore } = await read(cli);
    expect(cursorBefore).not.to.equal(undefined);

    const changed = employees[1] as string;
    pair.goco.updateEmployee(changed, { workEmail: 'lease-serve-1@example.com' });
    gate.shut();
    const rerun = cli.spawn(['jobs', 'rerun', String(firstJob.id)]);
    procs.push(rerun);
    await until(async () => gate.held > 0 && (await read(cli)).leaseJob, 'the rerun holding the lease');

    const s = cli.serve(['--log-level', 'info']);
    procs.push(s);
    await until(() => (s.stderr.match(/recipe busy elsewhere/g) ?? []).length >= 2, 'serve to meet the busy recipe twice', 20_000);
    expect((await read(cli)).cursor).to.deep.equal(cursorBefore);
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
