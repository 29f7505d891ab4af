/**
 * Projects on one data dir: `projects add/list/remove`, and `--project` (or RECIPES_PROJECT) keeping two
 * projects' properties, recipe state and jobs apart; each job records the package it ran.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { startGateProxy, type GateProxy } from './gate-proxy.js';
import { BIN, Cli, cliEnv, cliFor, ROOT, Served, TempDirs, until, WIW_PACKAGE } from './helpers.js';

interface ProjectJson {
  name: string;
  packageDir: string | null;
  packageName: string;
  packageVersion: string | null;
  running: number;
  lastJob: { id: number; recipe: string; status: string; project: string } | null;
}
interface JobJson {
  id: number;
  project: string;
  pkg: string;
  packageVersion: string | null;
  packageHash: string | null;
  recipe: string;
  status: string;
}

const INVALID = join(ROOT, 'test', 'fixtures', 'packages', 'cli-invalid');
const OTHER = join(ROOT, 'test', 'fixtures', 'packages', 'cli-valid');

/** The job holding a lease of `project`, read straight from state.db as another process would. */
function leaseJob(cli: Cli, project: string): number | undefined {
  const db = new Database(join(cli.dataDir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT job_id FROM leases WHERE project = ?`).get(project) as { job_id: number } | undefined)?.job_id;
  } finally {
    db.close();
  }
}

describe('cli: projects', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  const running: Served[] = [];
  let pair: EmulatorPair;
  let gate: GateProxy;

  before(async () => {
    pair = await startEmulators();
    gate = await startGateProxy(pair.properties.goco_api_url, /locations/);
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

  it('adds a project that uses a package, lists it, and removes it with all its state only with --yes', async () => {
    const cli = new Cli(dirs.make('recipes-cli-data-'));
    const acme = cli.inProject('acme');
    expect((await cli.ok(['projects', 'add', 'acme'])).stdout).to.contain('project acme created: package wiw-provisioning 1.0.0');
    const again = await cli.run(['projects', 'add', 'acme']);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain("PROJECT_EXISTS: There is already a project 'acme'.");
    const invalid = await new Cli(cli.dataDir, INVALID).run(['projects', 'add', 'broken']);
    expect(invalid.code).to.equal(2);
    expect(invalid.stderr).to.match(/\d+ problems? found/);
    await acme.setProperties({ wiw_email: 'admin@acme.test', wiw_password: 'acme-pw' });
    await cli.ok(['properties', 'set', 'wiw_email', 'admin@default.test']);

    const list = await cli.json<ProjectJson[]>(['projects']);
    expect(list.map((p) => [p.name, p.packageName, p.packageVersion, p.packageDir, p.running, p.lastJob])).to.deep.equal([
      ['acme', 'wiw-provisioning', '1.0.0', WIW_PACKAGE, 0, null],
      ['default', 'wiw-provisioning', '1.0.0', WIW_PACKAGE, 0, null], // recorded when a command first used it
    ]);
    expect((await cli.ok(['projects', 'list'])).stdout).to.match(/^acme\s+wiw-provisioning 1\.0\.0\s+0\s+-\s+/m);

    const unconfirmed = await cli.run(['projects', 'remove', 'acme']);
    expect(unconfirmed.code).to.equal(2);
    expect(unconfirmed.stderr).to.contain("Removing project 'acme' deletes its 2 properties (1 secret)");
    expect(unconfirmed.stderr).to.contain('recipes projects remove acme --yes');
    expect((await acme.ok(['properties', 'get', 'wiw_email'])).stdout).to.contain('admin@acme.test');

    expect((await cli.ok(['projects', 'remove', 'acme', '--yes'])).stdout).to.contain('project acme removed: deleted 2 properties (1 secret)');
    const gone = await acme.run(['properties']);
    expect(gone.code).to.equal(2);
    expect(gone.stderr).to.contain("PROJECT_UNKNOWN: There is no project 'acme'.");
    const raw = new Database(join(cli.dataDir, 'state.db'), { readonly: true });
    expect(raw.prepare(`SELECT count(*) AS n FROM properties WHERE project = 'acme'`).get()).to.deep.equal({ n: 0 });
    raw.close();
    expect((await cli.json<ProjectJson[]>(['projects'])).map((p) => p.name)).to.deep.equal(['default']);
    expect((await cli.ok(['properties', 'get', 'wiw_email'])).stdout).to.contain('admin@default.test');
  });

  it('keeps two projects on one data dir apart: properties, recipe state and jobs; RECIPES_PROJECT picks one too', async () => {
    const cli = await cliFor(pair, dirs);
    const acme = cli.inProject('acme');
    await cli.ok(['projects', 'add', 'acme']);
    await acme.setProperties({ ...pair.properties, default_phone_region: 'GB' });
    await acme.ok(['start', 'location-sync']);
    await cli.ok(['test', 'location-sync']);
    await acme.ok(['test', 'department-sync']);

    const defaultJobs = await cli.json<JobJson[]>(['jobs']);
    const acmeJobs = await acme.json<JobJson[]>(['jobs']);
    expect(defaultJobs.map((j) => [j.project, j.recipe])).to.deep.equal([['default', 'location-sync']]);
    expect(acmeJobs.map((j) => [j.project, j.recipe])).to.deep.equal([['acme', 'department-sync']]);
    const env = { RECIPES_PROJECT: 'acme' };
    expect((await cli.run(['jobs', '--json'], { env })).stdout).to.equal((await acme.ok(['jobs', '--json'])).stdout);

    const region = async (c: Cli, options = {}) => (await c.ok(['properties', 'get', 'default_phone_region'], options)).stdout;
    expect(await region(cli)).to.contain('US');
    expect(await region(acme)).to.contain('GB');
    expect(await region(cli, { env })).to.contain('GB');

    const started = async (c: Cli) => (await c.json<{ name: string; started: boolean }[]>(['list'])).find((r) => r.name === 'location-sync')?.started;
    expect([await started(cli), await started(acme)]).to.deep.equal([false, true]);

    const other = await acme.run(['jobs', 'show', String(defaultJobs[0]!.id)]);
    expect(other.code).to.equal(2);
    expect(other.stderr).to.contain(`There is no job ${defaultJobs[0]!.id}`);
    const projects = await cli.json<ProjectJson[]>(['projects']);
    expect(projects.map((p) => [p.name, p.running, p.lastJob?.id ?? null])).to.deep.equal([
      ['acme', 1, acmeJobs[0]!.id],
      ['default', 0, defaultJobs[0]!.id],
    ]);
  });

  it('records the package name, version and content hash of each job; a changed package file changes the hash', async () => {
    const cli = await cliFor(pair, dirs);
    const copy = join(dirs.make('recipes-cli-pkg-'), 'wiw-provisioning');
    cpSync(WIW_PACKAGE, copy, { recursive: true });
    const viaCopy = new Cli(cli.dataDir, copy);
    const first = await cli.json<{ job: JobJson }>(['test', 'location-sync']);
    const same = await viaCopy.json<{ job: JobJson }>(['test', 'location-sync']);
    appendFileSync(join(copy, 'location-sync.yaml'), '# a comment changes no behaviour, but the files\n');
    const changed = await viaCopy.json<{ job: JobJson }>(['test', 'location-sync']);
    for (const { job } of [first, same, changed]) {
      expect(job).to.include({ pkg: 'wiw-provisioning', packageVersion: '1.0.0' });
      expect(job.packageHash).to.match(/^[0-9a-f]{64}$/);
    }
    expect(same.job.packageHash).to.equal(first.job.packageHash);
    expect(changed.job.packageHash).to.not.equal(first.job.packageHash);
    const shown = await cli.ok(['jobs', 'show', String(changed.job.id)]);
    expect(shown.stdout.split('\n')[1]).to.equal(`  package wiw-provisioning 1.0.0, sha256 ${changed.job.packageHash}`);
    expect((await cli.json<{ job: JobJson }>(['jobs', 'show', String(first.job.id)])).job).to.include({ packageHash: first.job.packageHash });
  });

  it("refuses --package of another package for a project that uses one, and leaves the project's record alone", async () => {
    const cli = new Cli(dirs.make('recipes-cli-data-'));
    await cli.ok(['properties', 'set', 'wiw_email', 'a@b.test']);
    const r = await new Cli(cli.dataDir, OTHER).run(['list']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("PROJECT_PACKAGE_MISMATCH: Project 'default' uses package wiw-provisioning");
    expect(r.stderr).to.contain('recipes projects add NAME --package');
    expect((await cli.json<ProjectJson[]>(['projects']))[0]).to.include({ name: 'default', packageName: 'wiw-provisioning' });
    // a project of that package is fine
    const other = new Cli(cli.dataDir, OTHER);
    await other.ok(['projects', 'add', 'other']);
    await other.inProject('other').ok(['list']);
  });

  it('refuses to remove a project while one of its jobs runs, naming the job (exit 1), and removes it once the job has ended', async () => {
    const cli = new Cli(dirs.make('recipes-cli-data-'));
    await cli.ok(['projects', 'add', 'busy']);
    const busy = cli.inProject('busy');
    await busy.setProperties({ ...pair.properties, goco_api_url: gate.url });
    gate.shut();
    const held = new Served(spawn(process.execPath, [BIN, ...busy.args(['test', 'location-sync'])], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
    running.push(held);
    const jobId = await until(() => gate.held > 0 && leaseJob(cli, 'busy'), 'the job holding its lease');

    const refused = await cli.run(['projects', 'remove', 'busy', '--yes']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain(`PROJECT_BUSY: Project 'busy' is running job ${jobId} (location-sync`);
    expect(refused.stderr).to.contain('nothing was removed');
    expect((await busy.ok(['properties', 'get', 'goco_api_url'])).stdout).to.contain(gate.url);

    gate.open();
    expect(await held.exited).to.equal(0);
    expect((await cli.ok(['projects', 'remove', 'busy', '--yes'])).stdout).to.match(/project busy removed: deleted \d+ properties \(\d+ secrets\), the state of 0 recipes, 1 job with their steps/);
  });

  it("serves two projects of one data dir at once, each by its own process; a second serve of one project is SERVE_LOCKED", async () => {
    const cli = new Cli(dirs.make('recipes-cli-data-'));
    await cli.ok(['properties', 'set', 'wiw_email', 'a@b.test']);
    await cli.ok(['projects', 'add', 'acme']);
    const acme = cli.inProject('acme');
    const first = cli.serve();
    const second = acme.serve();
    running.push(first, second);
    await first.waitFor(/^serving /, 0, 30_000);
    await second.waitFor(/^serving /, 0, 30_000);
    const again = await acme.run(['serve']);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain('SERVE_LOCKED');
    expect(again.stderr).to.contain('for project acme');
    expect((await acme.json<{ serve: { running: boolean } }[]>(['list']))[0]!.serve.running).to.equal(true);
  });
});
