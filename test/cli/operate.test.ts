/**
 * The admin's flow through the spawned CLI against the emulators: properties, test runs (needs, dry run,
 * --json, progress bar only on a terminal), job history, job detail (redacted) and reruns.
 */
import { spawn, spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { generateSeed } from '../../src/emulators/seed/index.js';
import { BIN, cliFor, ROOT, TempDirs, TERMINAL_CONTROL, type Cli, type Result } from './helpers.js';
import { skipBecause } from '../skip.js';
import { forEachDatabase } from '../support/databases.js';

interface JobJson {
  id: number;
  recipe: string;
  status: string;
  test: boolean;
  dryRun: boolean;
  rerunOf: number | null;
}

const hasScript = spawnSync('script', ['--version']).status === 0;

/**
 * Runs the CLI under `script`, so it sees a terminal; `input` is typed into the pseudo-terminal once the
 * first output shows the program is up. Asynchronous: the emulators answer from this process.
 */
function onTerminal(cli: Cli, args: string[], input = ''): Promise<Result> {
  const command = [process.execPath, BIN, ...cli.args(args)].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env: cli.env({ COLUMNS: '100', TERM: 'xterm' }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let typed = input === '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!typed) {
        typed = true;
        child.stdin.write(input);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

forEachDatabase('cli: properties, test runs and job history', function (db) {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;
  const r: Record<string, Result> = {};

  before(async () => {
    // 80 employees: all-employees-sync creates more than 50 users, long enough for a progress bar.
    pair = await startEmulators({ seed: generateSeed({ seed: 11, employees: 80 }) });
    cli = await cliFor(pair, dirs, undefined, db);
  });
  after(async () => {
    await pair?.close();
    dirs.cleanup();
  });

  describe('properties', () => {
    before(async () => {
      const [list, listJson, getSecret, getPlain, setUnknown, setNoValue] = await Promise.all([
        cli.run(['properties']),
        cli.run(['properties', 'list', '--json']),
        cli.run(['properties', 'get', 'wiw_password']),
        cli.run(['properties', 'get', 'wiw_email']),
        cli.run(['properties', 'set', 'no_such_property', 'x']),
        cli.run(['properties', 'set', 'wiw_api_key']),
      ]);
      Object.assign(r, { list, listJson, getSecret, getPlain, setUnknown, setNoValue });
      r.setRegion = await cli.run(['properties', 'set', 'default_phone_region', 'GB']);
      r.getRegion = await cli.run(['properties', 'get', 'default_phone_region']);
      r.unsetRegion = await cli.run(['properties', 'unset', 'default_phone_region']);
      r.getDefault = await cli.run(['properties', 'get', 'default_phone_region']);
    });

    it('lists every property with secrets masked, never their values', () => {
      expect(r.list?.code).to.equal(0);
      expect(r.list?.stdout).to.match(/wiw_password\s+yes\s+\*{8}/);
      expect(r.list?.stdout).to.contain(pair.properties.wiw_email);
      expect(JSON.parse(r.listJson?.stdout ?? '')).to.be.an('array');
      for (const res of [r.list, r.listJson, r.getSecret]) {
        for (const secret of [pair.properties.wiw_password, pair.properties.wiw_api_key, pair.properties.goco_api_token]) expect(res?.stdout).not.to.contain(secret);
      }
    });

    it('get shows a plain value, and only a mask for a secret', () => {
      expect(r.getPlain?.stdout.trim()).to.equal(pair.properties.wiw_email);
      expect(r.getSecret?.stdout.trim()).to.equal('********');
    });

    it('set, get and unset a plain property; the default applies again', () => {
      expect(r.setRegion?.stdout).to.contain('default_phone_region set to GB');
      expect(r.getRegion?.stdout.trim()).to.equal('GB');
      expect(r.unsetRegion?.stdout).to.contain('default_phone_region unset');
      expect(r.getDefault?.stdout.trim()).to.equal('US (default)');
    });

    it('an unknown property exits 2 and names the known ones', () => {
      expect(r.setUnknown?.code).to.equal(2);
      expect(r.setUnknown?.stderr).to.contain("no property 'no_such_property'");
      expect(r.setUnknown?.stderr).to.contain('wiw_password');
    });

    it('a secret left out with no terminal exits 2 and points at --stdin', () => {
      expect(r.setNoValue?.code).to.equal(2);
      expect(r.setNoValue?.stderr).to.contain('--stdin');
    });

    it('a secret left out on a terminal is asked for with hidden input', async function () {
      if (!hasScript) skipBecause(this, 'needs util-linux `script` for a pseudo-terminal');
      const other = await cli.copy(dirs);
      const prompted = await onTerminal(other, ['properties', 'set', 'wiw_api_key'], 'typed-key-123\r');
      expect(prompted.code, prompted.stdout).to.equal(0);
      expect(prompted.stdout).to.contain('WIW developer key');
      expect(prompted.stdout).to.contain('wiw_api_key set (secret, stored encrypted)');
      expect(prompted.stdout).not.to.contain('typed-key-123');
      // The typed value is what was stored: the connection now fails on the developer key.
      const test = await other.run(['connections', 'test', 'wiw']);
      expect(test.stderr).to.contain('WIW_BAD_KEY');
    });
  });

  describe('test runs', () => {
    let refused: Result;
    let forcedJson: Result;
    let location: Result;
    let all: Result;
    let jobs: JobJson[];

    before(async () => {
      refused = await cli.run(['test', 'all-employees-sync']);
      forcedJson = await cli.run(['test', 'all-employees-sync', '--force', '--dry-run', '--json']);
      location = await cli.run(['test', 'location-sync']);
      await cli.ok(['test', 'department-sync']);
      all = await cli.run(['test', 'all-employees-sync']);
      jobs = await cli.json<JobJson[]>(['jobs']);
    });

    it('refuses all-employees-sync before location-sync and department-sync succeeded, naming what to run', () => {
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.contain("needs 'location-sync' and 'department-sync'");
      expect(refused.stderr).to.contain('recipes test location-sync; recipes test department-sync');
      expect(refused.stderr).to.contain('--force');
    });

    it('--force overrides the needs; --dry-run --json prints one JSON document and writes nothing', () => {
      expect(forcedJson.code).to.equal(0);
      const parsed = JSON.parse(forcedJson.stdout) as { job: JobJson; steps: unknown[] };
      expect(parsed.job).to.include({ recipe: 'all-employees-sync', status: 'succeeded', dryRun: true, test: true });
      expect(parsed.steps.length).to.be.greaterThan(3);
      expect(forcedJson.stdout).not.to.match(TERMINAL_CONTROL);
    });

    it('prints each step and the job id, exit 0', () => {
      expect(location.code).to.equal(0);
      expect(location.stdout).to.match(/^job \d+ {2}location-sync {2}ok/m);
      for (const step of ['goco_locations', 'wiw_locations', 'plan', 'create']) expect(location.stdout).to.match(new RegExp(`^\\s+ok\\s+${step}\\b`, 'm'));
      expect(location.stdout).to.match(/^summary:\n\s+created: \d+/m);
    });

    it('runs all-employees-sync once its needs succeeded, without a progress bar when stdout is not a terminal', () => {
      expect(all.code, all.stderr).to.equal(0);
      expect(all.stdout).to.match(/created: \d\d/);
      expect(all.stdout + all.stderr).not.to.match(TERMINAL_CONTROL);
      expect(all.stdout).not.to.match(/\[[░█=\-#]{5,}/);
    });

    it('draws a progress bar for a long loop on a terminal', async function () {
      if (!hasScript) skipBecause(this, 'needs util-linux `script` for a pseudo-terminal');
      const tty = await onTerminal(cli, ['test', 'all-employees-sync', '--dry-run']);
      expect(tty.code, tty.stdout).to.equal(0);
      expect(tty.stdout).to.match(/\w+ \[[░█]+\] \d+\/\d+/);
      expect(tty.stdout).to.match(/job \d+ {2}all-employees-sync {2}ok/);
    });

    it('lists the jobs newest first', () => {
      expect(jobs.map((j) => j.recipe)).to.deep.equal(['all-employees-sync', 'department-sync', 'location-sync', 'all-employees-sync']);
      expect(jobs.every((j) => j.test)).to.equal(true);
    });
  });

  describe('job detail and reruns', () => {
    let failed: Result;
    let failedId: number;
    let show: Result;
    let showJson: Result;
    let okShow: Result;
    let rerun: Result;

    before(async () => {
      const wrong = await cli.copy(dirs);
      await wrong.ok(['properties', 'set', 'wiw_password', '--stdin'], { input: 'not-the-password\n' });
      failed = await wrong.run(['test', 'location-sync']);
      failedId = Number(/^job (\d+)/m.exec(failed.stdout)?.[1]);
      [show, showJson] = await Promise.all([wrong.run(['jobs', 'show', String(failedId)]), wrong.run(['jobs', 'show', String(failedId), '--json'])]);
      const lastOk = (await cli.json<JobJson[]>(['jobs', 'all-employees-sync', '--limit', '1']))[0] as JobJson;
      okShow = await cli.run(['jobs', 'show', String(lastOk.id), '--json']);
      rerun = await cli.run(['jobs', 'rerun', String(lastOk.id)]);
    });

    it('a wrong password fails the job: exit 1 with the plain reason', () => {
      expect(failed.code).to.equal(1);
      expect(failed.stdout).to.match(/location-sync {2}FAILED/);
      expect(failed.stdout).to.contain('When I Work rejected the email or password');
    });

    it('jobs show marks the failing step with its error and the explanation', () => {
      expect(show.code).to.equal(0);
      expect(show.stdout).to.match(/^\s+FAILED\s+wiw_locations/m);
      expect(show.stdout).to.match(/error WIW_LOGIN_FAILED: When I Work rejected the email or password/);
      expect(show.stdout).to.contain('recipes properties set wiw_password');
    });

    it("jobs show prints digests of each step's input and output; --json the whole record", () => {
      const parsed = JSON.parse(okShow.stdout) as { steps: { path: string; input?: unknown; output?: unknown }[] };
      const users = parsed.steps.find((s) => s.path === 'users');
      expect(users?.input).to.deep.equal({ show_deleted: true });
      expect(parsed.steps.find((s) => s.path === 'account')?.output).to.have.property('seats');
      expect(show.stdout).to.match(/\d+ms {2}(in|out): /);
      expect(show.stdout).not.to.match(/^\s*[{}]/m);
    });

    it('never shows the WIW password, the developer key, the GoCo token or a session token', () => {
      for (const text of [show.stdout, showJson.stdout, okShow.stdout]) {
        for (const secret of ['not-the-password', pair.properties.wiw_password, pair.properties.wiw_api_key, pair.properties.goco_api_token]) expect(text).not.to.contain(secret);
        expect(text).not.to.match(/"(token|w-token|authorization|password)": "(?!\[redacted\])/i);
      }
    });

    it('jobs rerun says what it will do (a manual recipe: reads its data as it is now), and runs the job again', () => {
      expect(rerun.code, rerun.stderr).to.equal(0);
      expect(rerun.stderr).to.match(/warning: rerun of job \d+ runs the current all-employees-sync again, reading its data as it is now/);
      expect(rerun.stdout).to.match(/all-employees-sync {2}ok .*rerun of \d+/);
    });
  });
});
