/**
 * `recipes jobs prune` and `serve`'s daily prune: what is deleted and kept (each recipe's latest success
 * stays, so `needs` still holds), the dry run, --project, the job_retention_days property, and a failing
 * prune that serve only logs.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import pg from 'pg';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { cliFor, TempDirs, until, type Cli, type Served } from './helpers.js';
import { forEachDatabase } from '../support/databases.js';

interface JobJson {
  id: number;
  recipe: string;
  status: string;
}
interface PruneJson {
  jobs: number;
  steps: number;
  kept: number;
  dryRun: boolean;
  olderThanMs: number;
  olderThanFrom: 'option' | 'property';
}

const DAY = 86_400_000;

/** One statement on the CLI's store from outside, as another program would (`?` placeholders). */
async function sqlOn(cli: Cli, text: string, ...params: unknown[]): Promise<void> {
  if (!cli.databaseUrl) {
    const db = new Database(join(cli.dataDir, 'state.db'));
    try {
      db.prepare(text).run(...params);
    } finally {
      db.close();
    }
    return;
  }
  let n = 0;
  const client = new pg.Client({ connectionString: cli.databaseUrl });
  await client.connect();
  try {
    await client.query(text.replace(/\?/g, () => `$${++n}`), params);
  } finally {
    await client.end();
  }
}

/** Makes jobs look as if they finished `days` ago. */
async function age(cli: Cli, ids: number[], days: number): Promise<void> {
  const at = new Date(Date.now() - days * DAY).toISOString();
  for (const id of ids) await sqlOn(cli, `update jobs set started_at = ?, finished_at = ? where id = ?`, at, at, id);
}

forEachDatabase('cli: jobs prune', function (db) {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let base: Cli;
  let served: Served | undefined;

  before(async () => {
    pair = await startEmulators();
    base = await cliFor(pair, dirs, undefined, db);
  });
  afterEach(async () => {
    await served?.stop('SIGKILL');
    served = undefined;
  });
  after(async () => {
    await pair?.close();
    dirs.cleanup();
  });

  /** location-sync: succeeded twice, then failed (a property unset); department-sync: succeeded twice. */
  async function history(cli: Cli): Promise<JobJson[]> {
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'department-sync']);
    await cli.ok(['test', 'department-sync']);
    await cli.ok(['properties', 'unset', 'goco_api_url']);
    expect((await cli.run(['test', 'location-sync'])).code).to.equal(2);
    await cli.ok(['properties', 'set', 'goco_api_url', pair.properties.goco_api_url!]);
    return cli.json<JobJson[]>(['jobs']);
  }

  it("--older-than 0s deletes every finished job but each recipe's latest and latest success; needs still hold; --dry-run first changes nothing", async () => {
    const cli = await base.copy(dirs);
    const jobs = await history(cli);
    expect(jobs.map((j) => `${j.recipe} ${j.status}`)).to.deep.equal([
      'location-sync failed', 'department-sync succeeded', 'department-sync succeeded', 'location-sync succeeded', 'location-sync succeeded',
    ]);
    const dry = await cli.ok(['jobs', 'prune', '--older-than', '0s', '--dry-run']);
    expect(dry.stdout).to.match(/^would delete 2 jobs \(\d+ steps\) older than 0 seconds \(finished before [^)]*\); kept 3 older jobs/m);
    expect(dry.stdout).to.contain('kept 3 older jobs');
    expect(dry.stdout).to.contain('(--dry-run: nothing was deleted)');
    expect(await cli.json<JobJson[]>(['jobs'])).to.deep.equal(jobs);

    const report = await cli.json<PruneJson>(['jobs', 'prune', '--older-than', '0s']);
    expect(report).to.include({ jobs: 2, kept: 3, dryRun: false, olderThanMs: 0, olderThanFrom: 'option' });
    expect(report.steps).to.be.above(2);
    const left = await cli.json<JobJson[]>(['jobs']);
    // The newest of each recipe, and location-sync's success before its failure.
    expect(left.map((j) => j.id)).to.deep.equal([jobs[0]!.id, jobs[1]!.id, jobs[3]!.id]);
    expect((await cli.ok(['jobs', 'show', String(jobs[3]!.id)])).stdout).to.match(/succeeded/);
    // all-employees-sync needs both: their kept successes still count.
    const plan = await cli.run(['test', 'all-employees-sync', '--dry-run']);
    expect(plan.stderr).not.to.contain('NEEDS_UNMET');
    expect(plan.code).to.equal(0);
  });

  it('without --older-than it uses job_retention_days (default 90), and only the project given', async () => {
    const cli = await base.copy(dirs);
    const jobs = await history(cli);
    const [failed, , depOld, , locOld] = jobs.map((j) => j.id) as [number, number, number, number, number];
    await age(cli, [depOld, locOld], 100);
    await age(cli, [failed], 20);
    await cli.ok(['projects', 'add', 'other']);
    expect(await cli.inProject('other').json<PruneJson>(['jobs', 'prune'])).to.include({ jobs: 0, kept: 0 });
    expect(await cli.json<JobJson[]>(['jobs'])).to.have.length(5);

    const byDefault = await cli.json<PruneJson>(['jobs', 'prune']);
    expect(byDefault).to.include({ jobs: 2, olderThanMs: 90 * DAY, olderThanFrom: 'property' });
    await cli.ok(['properties', 'set', 'job_retention_days', '10']);
    const line = (await cli.ok(['jobs', 'prune'])).stdout;
    // The failed job is location-sync's latest: kept whatever its age.
    expect(line).to.match(/^deleted 0 jobs \(0 steps\) older than 10 days \(finished before .*, job_retention_days\); kept 1 older job/m);
    expect((await cli.json<JobJson[]>(['jobs'])).map((j) => j.id)).to.deep.equal([jobs[0]!.id, jobs[1]!.id, jobs[3]!.id]);
  });

  it('refuses an age it cannot read (exit 2) and deletes nothing', async () => {
    const r = await base.run(['jobs', 'prune', '--older-than', '30 days']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("DURATION_INVALID: --older-than '30 days' is not an age: a whole number with d (days), h (hours), m (minutes) or s (seconds).");
  });

  it('serve prunes at start and prints one line; a prune that fails is logged and serve goes on', async () => {
    const cli = await base.copy(dirs);
    const jobs = await history(cli);
    await age(cli, [jobs[2]!.id, jobs[4]!.id], 100);
    served = cli.serve();
    const line = await served.waitFor(/^job history: /);
    expect(line).to.match(/^job history: deleted 2 jobs \(\d+ steps\) older than 90 days/);
    expect(await served.stop('SIGINT')).to.equal(0);
    expect(await cli.json<JobJson[]>(['jobs'])).to.have.length(3);

    // A stored value that no longer fits (written by hand): the prune fails, serve does not.
    await sqlOn(cli, `update properties set value = ? where name = ?`, 'soon', 'job_retention_days');
    await sqlOn(cli, `insert into properties (project, name, value, secret, updated_at) select 'default', 'job_retention_days', 'soon', 0, '2026-01-01T00:00:00.000Z' where not exists (select 1 from properties where name = 'job_retention_days')`);
    served = cli.serve();
    await served.waitFor(/^serving /);
    await until(() => served!.stderr.includes('pruning job history failed'), 'the failed prune in the log');
    expect(served.stderr).to.contain('PROPERTY_INVALID');
    expect(served.child.exitCode).to.equal(null);
    expect((await cli.ok(['list'])).stdout).to.match(/serve: running/);
    expect(await served.stop('SIGINT')).to.equal(0);
  });
});
