/**
 * One job per recipe across processes: spawned CLIs share one data dir; a gate in front of GoCo keeps the
 * first job in flight (holding its recipe's lease) while the others try. A second run is refused naming the
 * running job, `--wait` runs once it has ended, opening the store meanwhile leaves the live job alone, and a
 * lease left by a SIGKILLed process is taken over. On SQLite and on PostgreSQL.
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { cliFor, TempDirs, until, type Cli, type Served } from './helpers.js';
import { startGateProxy, type GateProxy } from './gate-proxy.js';
import { forEachDatabase } from '../support/databases.js';

interface JobJson {
  id: number;
  recipe: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  error?: { code?: string };
}

/** The job holding `recipe`'s live lease, read from the store as another process would. */
function leaseJob(cli: Cli, recipe: string): Promise<number | undefined> {
  return cli.withStore(async (store) => (await store.leaseHolder('default', recipe))?.jobId);
}

forEachDatabase('cli: one job per recipe across processes (leases)', function (db) {
  this.timeout(120_000);
  const dirs = new TempDirs();
  const running: Served[] = [];
  let pair: EmulatorPair;
  let gate: GateProxy;
  let cli: Cli;

  before(async () => {
    pair = await startEmulators();
    gate = await startGateProxy(pair.properties.goco_api_url, /locations/);
    cli = await cliFor(pair, dirs, undefined, db);
    await cli.ok(['properties', 'set', 'goco_api_url', gate.url]);
  });
  afterEach(async () => {
    gate.open();
    for (const p of running.splice(0)) await p.stop('SIGKILL');
  });
  after(async () => {
    await gate?.close();
    await pair?.close();
    dirs.cleanup();
  });

  const startHeld = async (): Promise<{ first: Served; jobId: number }> => {
    gate.shut();
    const first = cli.spawn(['test', 'location-sync']);
    running.push(first);
    const jobId = await until(async () => gate.held > 0 && leaseJob(cli, 'location-sync'), 'the first job holding the lease');
    return { first, jobId };
  };

  it('refuses a second run naming the running job (exit 1), leaves that job running, and --wait runs after it', async () => {
    const { first, jobId } = await startHeld();

    const refused = await cli.run(['test', 'location-sync']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('RECIPE_BUSY');
    expect(refused.stderr).to.contain(`already running as job ${jobId}`);
    expect(refused.stderr).to.contain('--wait');

    // Opening the store in another process (here `jobs`) must not take the live job for a crashed one.
    const during = await cli.json<JobJson[]>(['jobs', 'location-sync']);
    expect(during.find((j) => j.id === jobId)?.status).to.equal('running');
    expect(during).to.have.length(1); // the refused run made no job

    const waiting = cli.spawn(['test', 'location-sync', '--wait']);
    running.push(waiting);
    await until(() => waiting.stderr.includes(`waiting: location-sync is running as job ${jobId}`), 'the --wait run to say it waits');
    gate.open();
    expect(await first.exited).to.equal(0);
    expect(await waiting.exited).to.equal(0);

    const jobs = await cli.json<JobJson[]>(['jobs', 'location-sync']);
    expect(jobs.map((j) => j.status)).to.deep.equal(['succeeded', 'succeeded']);
    const [second, firstJob] = jobs as [JobJson, JobJson];
    expect(firstJob.id).to.equal(jobId);
    expect(Date.parse(second.startedAt)).to.be.at.least(Date.parse(firstJob.finishedAt as string));
    const names = pair.wiw.snapshot().accounts.flatMap((a) => a.locations.map((l) => l.name));
    expect(new Set(names).size).to.equal(names.length);
  });

  it('takes over the lease of a SIGKILLed process and records its job as interrupted', async () => {
    const { first, jobId } = await startHeld();
    first.child.kill('SIGKILL');
    await first.exited;
    gate.open();

    const next = await cli.run(['test', 'location-sync']);
    expect(next.code, next.stderr).to.equal(0);
    const killed = (await cli.json<JobJson[]>(['jobs', 'location-sync'])).find((j) => j.id === jobId);
    expect(killed?.status).to.equal('failed');
    expect(killed?.error?.code).to.equal('JOB_INTERRUPTED');
    expect(await leaseJob(cli, 'location-sync')).to.equal(undefined);
  });
});
