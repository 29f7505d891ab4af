/**
 * `recipes serve` as a spawned process against the emulators: employee-sync (polling GoCo every 150 ms in a
 * copy of the package) applies GoCo changes to WIW, notices start/stop and property changes made by other
 * processes, catches up after a stop, never redoes an event a test run consumed, stops cleanly on
 * SIGINT/SIGTERM, refuses a second serve, and stops a recipe whose trigger keeps failing.
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { cliFor, fastPackage, TempDirs, until, type Cli, type Result, type Served } from './helpers.js';
import { forEachDatabase } from '../support/databases.js';

interface JobJson {
  id: number;
  recipe: string;
  status: string;
  test: boolean;
  trigger: { id?: string };
}

const JOB_OK = /^job \d+ {2}employee-sync {2}ok/;

forEachDatabase('cli: serve', function (db) {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;
  let employees: string[];
  let started: Result;
  let listedRunning: { name: string; running: boolean }[];
  const servers: Served[] = [];

  /** Changes employee i's work email in GoCo; returns its id and the new email. */
  const change = (i: number) => {
    const id = employees[i] as string;
    const email = `cli-serve-${i}@example.com`;
    pair.goco.updateEmployee(id, { workEmail: email });
    return { id, email };
  };
  const inWiw = (email: string) => pair.wiw.snapshot().accounts.some((a) => a.users.some((u) => u.email === email && !u.is_deleted));
  const serve = (args: string[] = []) => {
    const s = cli.serve(args);
    servers.push(s);
    return s;
  };

  before(async () => {
    pair = await startEmulators();
    cli = await cliFor(pair, dirs, fastPackage(dirs), db);
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'department-sync']);
    await cli.ok(['test', 'all-employees-sync']); // everyone linked: a change is an update
    employees = pair.goco
      .snapshot()
      .employees.filter((e) => e.status === 'active' && e.syncToWhenIWork !== false)
      .map((e) => e.id);
    started = await cli.ok(['start', 'employee-sync']);
    listedRunning = await cli.json(['list']);
  });
  after(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await pair?.close();
    dirs.cleanup();
  });

  it('start persists: list shows employee-sync running, and says changes from now on are served', () => {
    expect(started.stdout).to.contain('employee-sync started. Changes from now on run under `recipes serve`.');
    expect(listedRunning.find((r) => r.name === 'employee-sync')?.running).to.equal(true);
    expect(listedRunning.find((r) => r.name === 'location-sync')?.running).to.equal(false);
  });

  describe('while serving', () => {
    let s: Served;
    let first: { line: string; email: string };
    let second: Result;
    let stoppedLine: string;
    let jobsWhileStopped: number;
    let listedStopped: { name: string; running: boolean }[];
    let caughtUp: { line: string; email: string };
    let badPassword: string;
    let goodAgain: { line: string; email: string };
    let exitCode: number | null;

    before(async () => {
      s = serve();
      await s.waitFor(/^employee-sync: running its trigger \(poll goco\.employee_changed every 150ms\)/);

      let mark = s.mark();
      const c0 = change(0);
      first = { line: await s.waitFor(/^job \d+ {2}employee-sync /, mark), email: c0.email };
      await until(() => inWiw(c0.email), 'the first change in WIW');

      second = await cli.run(['serve']);

      mark = s.mark();
      await cli.ok(['stop', 'employee-sync']);
      stoppedLine = await s.waitFor(/^employee-sync: stopped/, mark);
      const c1 = change(1);
      listedStopped = await cli.json(['list']);
      jobsWhileStopped = s.lines.slice(mark).filter((l) => l.startsWith('job ')).length;
      mark = s.mark();
      await cli.ok(['start', 'employee-sync']);
      caughtUp = { line: await s.waitFor(/^job \d+ {2}employee-sync /, mark), email: c1.email };

      await cli.ok(['properties', 'set', 'wiw_password', '--stdin'], { input: 'a-wrong-password\n' });
      mark = s.mark();
      change(2);
      badPassword = await s.waitFor(/^job \d+ {2}employee-sync /, mark);
      await cli.ok(['properties', 'set', 'wiw_password', '--stdin'], { input: pair.properties.wiw_password + '\n' });
      mark = s.mark();
      const c3 = change(3);
      goodAgain = { line: await s.waitFor(/^job \d+ {2}employee-sync /, mark), email: c3.email };

      exitCode = await s.stop('SIGINT');
    });
    after(() => s?.stop('SIGKILL')); // a failed step above must not leave the data dir locked

    it('runs a GoCo change through employee-sync into WIW and prints the job', () => {
      expect(first.line).to.match(JOB_OK);
      expect(inWiw(first.email)).to.equal(true);
    });

    it('a second serve on the same data dir (or database) exits non-zero with SERVE_LOCKED', () => {
      expect(second.code).to.not.equal(0);
      expect(second.stderr).to.contain('SERVE_LOCKED');
      // A data dir's lock file names the holder's pid; a database's advisory lock only that one is held.
      expect(second.stderr).to.match(db.kind === 'postgres' ? /Another `recipes serve` is already running with the database postgres:\/\/\w+:\*\*\*\*@/ : /Another `recipes serve` \(pid \d+\) is already running/);
      if (cli.databaseUrl) expect(second.stderr).not.to.contain(new URL(cli.databaseUrl).password);
    });

    it('notices a stop made by another process and runs nothing while stopped', () => {
      expect(stoppedLine).to.equal('employee-sync: stopped');
      expect(listedStopped.find((r) => r.name === 'employee-sync')?.running).to.equal(false);
      expect(jobsWhileStopped).to.equal(0);
    });

    it('catches up on a change made while stopped once started again', async () => {
      expect(caughtUp.line).to.match(JOB_OK);
      await until(() => inWiw(caughtUp.email), 'the change made while stopped in WIW');
    });

    it('uses a changed password for the next job without a restart: wrong fails with the login error, right succeeds', () => {
      expect(badPassword).to.match(/employee-sync {2}FAILED .*WIW_LOGIN_FAILED/);
      expect(goodAgain.line).to.match(JOB_OK);
      expect(inWiw(goodAgain.email)).to.equal(true);
    });

    it('exits 0 on SIGINT', () => {
      expect(exitCode).to.equal(0);
      expect(s.lines.at(-1)).to.equal('stopped.');
    });
  });

  describe('after a test run, and on SIGTERM mid-job', () => {
    let tested: Result;
    let testedId: number;
    let served: JobJson[];
    let c5: string;
    let exitCode: number | null;
    let s: Served;
    let stoppedJob: { job: JobJson; steps: { path: string; status: string }[] };

    before(async () => {
      change(4);
      tested = await cli.run(['test', 'employee-sync']);
      testedId = Number(/^job (\d+)/m.exec(tested.stdout)?.[1]);

      s = serve();
      await s.waitFor(/^employee-sync: running its trigger/);
      let mark = s.mark();
      c5 = change(5).id;
      await s.waitFor(/^job \d+ {2}employee-sync /, mark);
      served = (await cli.json<JobJson[]>(['jobs', 'employee-sync'])).filter((j) => j.id > testedId);

      // The next job's first WIW call (list users) stalls; SIGTERM arrives while it is in flight.
      pair.wiw.faults.configure({ stallMs: 1500 });
      pair.wiw.faults.inject('stall', (r) => r.method === 'GET' && r.path === '/2/users');
      mark = s.mark();
      change(6);
      await until(() => pair.wiw.faults.served.stall === 1, 'the stalled request');
      exitCode = await s.stop('SIGTERM');
      const id = Number(/recorded as stopped: job (\d+)/.exec(s.lines.slice(mark).join('\n'))?.[1]);
      if (!id) throw new Error(`serve printed no stopped job:\n${s.lines.join('\n')}\n${s.stderr}`);
      stoppedJob = await cli.json(['jobs', 'show', String(id)]);
    });
    after(() => s?.stop('SIGKILL'));

    it('a test run processes the earliest unprocessed change', () => {
      expect(tested.code).to.equal(0);
      expect(tested.stdout).to.match(/employee-sync {2}ok .*\(test\)/);
    });

    it('serve does not process again the event the test run consumed', () => {
      expect(served.map((j) => [j.test, j.trigger.id])).to.deep.equal([[false, c5]]);
    });

    it('on SIGTERM finishes the step in flight, records the job as stopped and exits 0', () => {
      expect(exitCode).to.equal(0);
      expect(stoppedJob.job.status).to.equal('stopped');
      expect(stoppedJob.steps.find((st) => st.path === 'users')?.status).to.equal('succeeded');
      expect(stoppedJob.steps.map((st) => st.path)).not.to.include('plan');
    });
  });

  describe('repeated trigger failures', () => {
    let line: string;
    let failures: string[];
    let list: Result;
    let exitCode: number | null;

    before(async () => {
      await cli.ok(['properties', 'set', 'goco_api_token', '--stdin'], { input: 'not-the-token\n' });
      const s = serve(['--max-trigger-failures', '2']);
      line = await s.waitFor(/^employee-sync: stopped\./);
      failures = s.lines.filter((l) => l.includes('trigger failed'));
      list = await cli.run(['list']);
      exitCode = await s.stop('SIGINT');
    });

    it('stops the recipe after N consecutive trigger failures (--max-trigger-failures), saying why', () => {
      expect(failures).to.have.length(2);
      expect(failures[0]).to.match(/^employee-sync: trigger failed \(1 of 2 in a row\): GOCO_\w+/);
      expect(line).to.match(/^employee-sync: stopped\. Stopped after 2 consecutive trigger failures; last: GOCO_\w+/);
    });

    it('recipes list shows it stopped and why', () => {
      expect(list.stdout).to.match(/^employee-sync\s+stopped/m);
      expect(list.stdout).to.match(/^employee-sync: Stopped after 2 consecutive trigger failures; last: GOCO_\w+/m);
      expect(list.stdout).not.to.contain('not-the-token');
    });

    it('keeps serving after the recipe stopped itself and exits 0 on SIGINT', () => {
      expect(exitCode).to.equal(0);
    });
  });
});
