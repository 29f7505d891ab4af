/**
 * `recipes worker` and `recipes enqueue` as spawned processes on a real PostgreSQL, against the emulators:
 * a queued job runs on a worker and is recorded with the worker that ran it; the queue refuses a data dir;
 * a wrong database URL is bad usage; SIGTERM puts the job in flight back in the queue.
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { createServer, type AddressInfo } from 'node:net';
import { Cli, cliFor, run, TempDirs, until, type Served } from '../cli/helpers.js';
import { forEachDatabase } from '../support/databases.js';
import { hostname } from 'node:os';

forEachDatabase('fleet: worker and enqueue', function (db) {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;
  const workers: Served[] = [];
  const worker = (args: string[] = []) => {
    const w = cli.spawn(['worker', ...args]);
    workers.push(w);
    return w;
  };

  before(async () => {
    pair = await startEmulators();
    cli = await cliFor(pair, dirs, undefined, db);
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'department-sync']);
  });
  after(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await pair?.close();
    dirs.cleanup();
  });

  it('a queued all-employees-sync runs on a worker: the record says queued, then which worker ran it', async () => {
    const queued = await cli.json<{ jobId: number; status: string }>(['enqueue', 'all-employees-sync']);
    expect(queued.status).to.equal('queued');
    const listed = await cli.json<{ id: number; status: string; viaQueue: boolean }[]>(['jobs']);
    expect(listed.find((j) => j.id === queued.jobId)).to.include({ status: 'queued', viaQueue: true });
    const w = worker(['--concurrency', '2']);
    await w.waitFor(/^worker \d+: running queued jobs of every project/);
    const line = await w.waitFor(new RegExp(`job ${queued.jobId} +succeeded`), 0, 60_000);
    expect(line).to.match(/^project default {2}all-employees-sync {2}job \d+ {2}succeeded$/);
    const shown = await cli.json<{ job: { status: string; host: string; pid: number }; attempts: { attempt: number; host: string; pid: number; outcome: string }[] }>(['jobs', 'show', String(queued.jobId)]);
    expect(shown.job).to.include({ status: 'succeeded', host: hostname(), pid: w.child.pid });
    expect(shown.attempts).to.deep.equal([{ ...shown.attempts[0], attempt: 1, host: hostname(), pid: w.child.pid, outcome: 'succeeded' }]);
    const text = await cli.ok(['jobs']);
    expect(text.stdout).to.match(new RegExp(`^job ${queued.jobId} {2}all-employees-sync {2}ok .*\\[worker ${hostname()}:${w.child.pid}\\]$`, 'm'));
    expect(await w.stop('SIGTERM')).to.equal(0);
  });

  it('enqueue --wait prints the job like `recipes test` once a worker ran it', async () => {
    const w = worker();
    const r = await cli.run(['enqueue', 'location-sync', '--wait']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^job \d+ {2}location-sync {2}ok /m);
    expect(r.stderr).to.match(/^job \d+ queued: location-sync; waiting for a worker/m);
    await w.stop('SIGTERM');
  });

  it('--listen --metrics: /readyz, and /metrics with the queue depth and the jobs of every project', async () => {
    const w = worker(['--listen', '127.0.0.1:0', '--metrics']);
    const url = /^ops endpoint at (\S+):/.exec(await w.waitFor(/^ops endpoint at /))![1]!;
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    const queued = await cli.json<{ jobId: number }>(['enqueue', 'department-sync']);
    await w.waitFor(new RegExp(`job ${queued.jobId} +succeeded`), 0, 30_000);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).to.match(/^recipes_queue_depth \d+$/m);
    expect(text).to.match(/^recipes_jobs_finished_total\{project="default",recipe="department-sync",kind="run",outcome="succeeded"\} 1$/m);
    expect(text).not.to.contain(pair.properties.wiw_password);
    await w.stop('SIGTERM');
  });

  it('a queued job whose project was removed fails with that reason on the worker that draws it', async () => {
    const other = cli.inProject('leaving');
    await cli.ok(['projects', 'add', 'leaving', '--package', cli.pkg]);
    const queued = await other.json<{ jobId: number }>(['enqueue', 'location-sync', '--force']);
    await cli.ok(['projects', 'remove', 'leaving', '--yes']);
    const w = worker();
    const line = await w.waitFor(new RegExp(`job ${queued.jobId} +failed`), 0, 30_000);
    expect(line).to.contain('PROJECT_UNKNOWN: the job was queued for a project that has been removed since');
    await w.stop('SIGTERM');
  });

  it('SIGTERM lets the job in flight finish its step and puts it back in the queue; the next worker runs it', async () => {
    const slowPair = await startEmulators({ wiwFaults: { latencyMs: 40 } });
    try {
      const slow = cli.inProject('slow');
      await cli.ok(['projects', 'add', 'slow', '--package', cli.pkg]);
      await slow.setProperties({ ...slowPair.properties, name_match: 'create' });
      await slow.ok(['test', 'location-sync']);
      await slow.ok(['test', 'department-sync']);
      const queued = await slow.json<{ jobId: number }>(['enqueue', 'all-employees-sync']);
      const first = worker();
      // Stopped once it creates users: the steps before are done, so the first attempt leaves step records.
      await until(async () => (slowPair.wiw.stats.get('POST /2/users') ?? 0) > 0, 'the job to create users', 30_000);
      first.child.kill('SIGTERM');
      expect(await first.exited).to.equal(0);
      expect(first.lines.join('\n')).to.match(new RegExp(`job ${queued.jobId} +stopped, queued again`));
      expect(first.lines.at(-1)).to.equal('stopped; 1 job queued again.');
      const second = worker();
      await second.waitFor(new RegExp(`job ${queued.jobId} +succeeded +\\(attempt 2\\)`), 0, 60_000);
      const shown = await slow.json<{ attempts: { outcome: string; pid: number }[]; steps: { seq: number; path: string; status: string }[] }>(['jobs', 'show', String(queued.jobId)]);
      expect(shown.attempts.map((a) => [a.outcome, a.pid])).to.deep.equal([['stopped', first.child.pid], ['succeeded', second.child.pid]]);
      // Both attempts' steps are kept, the second's numbered after the first's: the recipe's first step twice.
      expect(shown.steps.map((s) => s.seq)).to.deep.equal(shown.steps.map((_, i) => i + 1));
      const firstStep = shown.steps[0]!.path;
      expect(shown.steps.filter((s) => s.path === firstStep)).to.have.length(2);
      // The text says which attempt ran which steps: each attempt's own, from the recipe's first step.
      const text = (await slow.ok(['jobs', 'show', String(queued.jobId)])).stdout.split('\n');
      const heads = ['  attempt 1:', '  attempt 2:'].map((h) => text.indexOf(h));
      expect(heads[0], text.join('\n')).to.be.above(0);
      expect(heads[1]).to.be.above(heads[0]!);
      for (const at of heads) expect(text[at + 1]).to.match(new RegExp(`^    \\S+ +${firstStep} `));
      // The step the shutdown ended says so (it once read "INTERNAL: [object Object]").
      expect(text.join('\n')).to.match(/^ +error JOB_STOPPED: The job was cancelled after the step in flight\.$/m).and.not.to.contain('INTERNAL');
      await second.stop('SIGTERM');
    } finally {
      await slowPair.close();
    }
  });

  it('a wrong password or an unreachable server: worker exits 2 with the reason, the password never printed', async () => {
    const url = new URL(cli.databaseUrl!);
    url.password = 'not-the-password';
    const wrong = await run(['--data-dir', cli.dataDir, 'worker'], { env: { RECIPES_DATABASE_URL: url.toString() } });
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.contain('STORE_AUTH_FAILED');
    expect(wrong.stderr + wrong.stdout).not.to.contain('not-the-password');
    url.port = String(await closedPort());
    const away = await run(['--data-dir', cli.dataDir, 'worker'], { env: { RECIPES_DATABASE_URL: url.toString() } });
    expect(away.code).to.equal(2);
    expect(away.stderr).to.contain('STORE_UNREACHABLE');
  });
}, ['postgres']);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

forEachDatabase('fleet: the queue needs PostgreSQL', function () {
  const dirs = new TempDirs();
  after(() => dirs.cleanup());
  it('worker and enqueue on a data dir exit 2 saying why', async () => {
    const cli = new Cli(dirs.make('recipes-fleet-'));
    for (const args of [['worker'], ['enqueue', 'location-sync'], ['serve', '--queue']]) {
      const r = await cli.run(args);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('QUEUE_NEEDS_POSTGRES');
      expect(r.stderr).to.contain('--database-url');
    }
  });
}, ['sqlite']);

