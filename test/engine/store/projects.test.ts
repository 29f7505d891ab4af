import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import type { NewJob, Store } from '../../../src/engine/store/index.js';
import { forEachDatabase } from '../../support/databases.js';
import { TempDirs, thrown } from './helpers.js';
import { intoProjects, readRows } from './migrated-rows.js';

describe('store: a data dir made by the Kysely store before projects (schema v5, two packages)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());
  const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'state-v5', 'state.db');
  const TABLES = ['properties', 'recipes', 'jobs', 'job_triggers', 'steps', 'mappings', 'counters', 'leases'];
  // The package with the newest job gets `default`; the other one a project named after it.
  const projectOf = (pkg: string) => (pkg === 'wiw-provisioning' ? 'default' : pkg);

  it('moves every row into a project: the main package into default, the other into its own', async () => {
    const dir = temp.dir();
    copyFileSync(fixture, join(dir, 'state.db'));
    const before = readRows(join(dir, 'state.db'), TABLES);
    expect(before.jobs).to.have.length(4);
    expect(before.leases).to.have.length(1);
    expect(new Set(before.properties!.map((p) => p.pkg))).to.deep.equal(new Set(['wiw-provisioning', 'other-package']));
    await (await temp.open({ dataDir: dir, recoverJobs: false })).close();
    expect(readRows(join(dir, 'state.db'), TABLES)).to.deep.equal(intoProjects(before, projectOf));
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    expect(db.prepare('SELECT name, package_dir, package_name, package_version FROM projects ORDER BY name').all()).to.deep.equal([
      { name: 'default', package_dir: null, package_name: 'wiw-provisioning', package_version: null },
      { name: 'other-package', package_dir: null, package_name: 'other-package', package_version: null },
    ]);
    db.close();
  });

  it('reads every row back through the store, secrets of both projects included', async () => {
    const dir = temp.dir();
    copyFileSync(fixture, join(dir, 'state.db'));
    const s = await temp.open({ dataDir: dir, secretKey: 'fixture-passphrase' });
    expect(await s.getProperty('default', 'wiw_email')).to.include({ value: 'admin@example.com', secret: false });
    expect(await s.getProperty('default', 'wiw_password')).to.include({ value: 'fixture-secret-pw', secret: true });
    expect(await s.getProperty('other-package', 'token')).to.include({ value: 'other-secret', secret: true });
    expect(await s.getProperty('default', 'token')).to.equal(undefined);
    expect([await s.propertiesVersion('default'), await s.recipesVersion('default')]).to.deep.equal([2, 2]);
    expect([await s.propertiesVersion('other-package'), await s.recipesVersion('other-package')]).to.deep.equal([1, 1]);
    expect(await s.getRecipe('default', 'employee-sync')).to.deep.include({ running: true, cursor: { since: '2024-07-01T00:00:00.000Z', id: 'emp-11' } });
    expect(await s.getRecipe('default', 'department-sync')).to.include({ running: false, stoppedReason: 'Stopped after 5 consecutive trigger failures; last: HTTP_503: down' });
    expect(await s.getRecipe('default', 'location-sync')).to.include({ triggerFailures: 1 });
    expect(await s.getRecipe('other-package', 'nightly')).to.include({ running: true });
    const jobs = await s.listJobs({ project: 'default' });
    expect(jobs.map((j) => [j.id, j.project, j.pkg, j.recipe, j.status, j.test, j.dryRun, j.eventId, j.rerunOf, j.packageVersion, j.packageHash])).to.deep.equal([
      [4, 'default', 'wiw-provisioning', 'all-employees-sync', 'failed', true, false, null, null, null, null], // its holder is gone
      [3, 'default', 'wiw-provisioning', 'location-sync', 'stopped', true, true, null, 2, null, null],
      [2, 'default', 'wiw-provisioning', 'location-sync', 'failed', true, false, null, null, null, null],
      [1, 'default', 'wiw-provisioning', 'employee-sync', 'succeeded', false, false, 'evt-11', null, null, null],
    ]);
    expect(jobs[0]!.error).to.deep.include({ code: 'JOB_INTERRUPTED' });
    expect(jobs[1]!.summary).to.deep.equal({ message: 'stopped' });
    expect(jobs[2]).to.deep.include({ trigger: { type: 'manual', at: '2024-07-01T11:00:00.000Z' }, summary: { created: 0, failed: 1 }, error: { code: 'HTTP_500', kind: 'operational', message: 'boom' } });
    expect(jobs[3]).to.deep.include({ trigger: { items: [{ id: 'emp-11' }] }, summary: { updated: 1 } });
    expect(await s.getSteps(1)).to.deep.equal([{ seq: 1, stepId: 'get', path: 'get', status: 'succeeded', input: { id: 'emp-11' }, output: { id: 'emp-11' }, startedAt: '2024-07-01T10:00:00.100Z', durationMs: 7 }]);
    expect(await s.getSteps(2)).to.deep.equal([
      { seq: 1, stepId: 'create', path: 'each[0].create', status: 'failed', input: { name: 'HQ' }, error: { code: 'HTTP_500', kind: 'operational', message: 'boom' }, startedAt: '2024-07-01T11:00:00.200Z', durationMs: 30 },
    ]);
    expect(await s.listJobs({ project: 'other-package' })).to.deep.equal([]);
    expect(await s.mappings('default').all('location')).to.deep.equal({ 'goco-1': '101' });
    expect(await s.mappings('default').all('department')).to.deep.equal({ d1: 'p9' });
    expect(await s.mappings('other-package').all('location')).to.deep.equal({ 'goco-1': '555' });
    expect(await s.leaseHolder('default', 'all-employees-sync')).to.equal(undefined);
    const job = { project: 'default', recipe: 'employee-sync', test: false, dryRun: false, trigger: {}, eventId: 'evt-11' };
    expect(await s.startJob(job)).to.deep.equal({ done: 1 });
    expect(await s.startJob({ ...job, eventId: 'evt-12' })).to.deep.equal({ jobId: 5 });
  });
});

const job = (project: string, recipe = 'r', extra: Partial<NewJob> = {}): NewJob => ({ project, recipe, test: false, dryRun: false, trigger: { type: 'manual' }, ...extra });

/** Everything a project holds, read through the store. */
async function stateOf(s: Store, project: string, jobIds: number[]) {
  return {
    project: await s.getProject(project),
    properties: await s.listProperties(project),
    secret: await s.getProperty(project, 'token'),
    recipe: await s.getRecipe(project, 'r'),
    versions: [await s.propertiesVersion(project), await s.recipesVersion(project)],
    jobs: (await s.listJobs({ project })).map((j) => [j.id, j.status]),
    steps: await Promise.all(jobIds.map((id) => s.getSteps(id))),
    triggers: await Promise.all(jobIds.map(async (id) => (await s.getJob(id))?.trigger)),
    mappings: await s.mappings(project).all('location'),
    lease: await s.leaseHolder(project, 'r'),
  };
}

forEachDatabase('store: projects', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  async function fill(s: Store, project: string): Promise<number[]> {
    await s.createProject({ name: project, packageDir: `/packages/${project}`, packageName: 'pkg', packageVersion: '1.0.0' });
    await s.setProperty(project, 'email', `${project}@example.com`, false);
    await s.setProperty(project, 'token', `${project}-secret`, true);
    await s.setRunning(project, 'r', true);
    await s.setCursor(project, 'r', { since: project });
    await s.mappings(project).set('location', 'g1', `${project}-w1`);
    const a = await s.createJob(job(project, 'r', { trigger: { who: project } }));
    await s.addSteps(a, [{ seq: 1, stepId: 's', path: 's', status: 'succeeded', startedAt: '2024-01-01T00:00:00.000Z', durationMs: 1 }]);
    await s.finishJob(a, { status: 'succeeded' });
    const b = await s.createJob(job(project, 'r', { rerunOf: a }));
    await s.finishJob(b, { status: 'failed' });
    const leased = (await s.startJob(job(project, 'r'))) as { jobId: number };
    await s.finishJob(leased.jobId, { status: 'succeeded' });
    await s.releaseLease(project, 'r', leased.jobId);
    return [a, b, leased.jobId];
  }

  it('records a project once: its package folder, name, version and creation time', async () => {
    const s = await temp.open();
    const created = await s.createProject({ name: 'acme', packageDir: '/p/acme', packageName: 'wiw-provisioning', packageVersion: '1.0.0' });
    expect(await s.getProject('acme')).to.deep.equal(created);
    expect(created.createdAt).to.match(/^\d{4}-\d\d-\d\dT/);
    expect((await thrown(() => s.createProject({ name: 'acme', packageDir: null, packageName: 'x', packageVersion: null }))).code).to.equal('PROJECT_EXISTS');
    await s.updateProject('acme', { packageVersion: '1.1.0' });
    expect(await s.getProject('acme')).to.include({ packageDir: '/p/acme', packageVersion: '1.1.0' });
    expect(await s.getProject('nobody')).to.equal(undefined);
  });

  it('lists projects by name with their started recipes and newest job', async () => {
    const s = await temp.open();
    await fill(s, 'globex');
    await s.createProject({ name: 'acme', packageDir: null, packageName: 'pkg', packageVersion: null });
    const list = await s.listProjects();
    expect(list.map((p) => [p.name, p.running, p.lastJob?.status ?? null])).to.deep.equal([['acme', 0, null], ['globex', 1, 'succeeded']]);
    expect(list[1]!.lastJob?.project).to.equal('globex');
  });

  it('removes everything of one project, secrets included, and nothing of another', async () => {
    const s = await temp.open();
    const acmeJobs = await fill(s, 'acme');
    const globexJobs = await fill(s, 'globex');
    const globexBefore = await stateOf(s, 'globex', globexJobs);
    expect(await s.projectContents('acme')).to.deep.equal({ properties: 2, secrets: 1, recipes: 1, jobs: 3, mappings: 1 });

    expect(await s.removeProject('acme')).to.deep.equal({ removed: { properties: 2, secrets: 1, recipes: 1, jobs: 3, mappings: 1 } });
    const acme = await stateOf(s, 'acme', acmeJobs);
    expect(acme).to.deep.equal({
      project: undefined, properties: [], secret: undefined, recipe: { running: false, cursor: undefined, triggerFailures: 0, stoppedReason: null, updatedAt: null },
      versions: [0, 0], jobs: [], steps: [[], [], []], triggers: [undefined, undefined, undefined], mappings: {}, lease: undefined,
    });
    for (const id of acmeJobs) expect(await s.getJob(id)).to.equal(undefined);
    expect(await stateOf(s, 'globex', globexJobs)).to.deep.equal(globexBefore);
    expect(await s.projectContents('acme')).to.deep.equal({ properties: 0, secrets: 0, recipes: 0, jobs: 0, mappings: 0 });
    expect((await thrown(() => s.removeProject('acme'))).code).to.equal('PROJECT_UNKNOWN');
  });

  it('refuses to remove a project while one of its jobs holds a live lease, naming the job; a dead holder does not count', async () => {
    const s = await temp.open();
    await fill(s, 'acme');
    const running = (await s.startJob(job('acme', 'r'))) as { jobId: number };
    const refused = await s.removeProject('acme');
    expect(refused).to.have.nested.property('busy.jobId', running.jobId);
    expect(refused).to.have.nested.property('busy.recipe', 'r');
    expect(await s.getProject('acme')).to.not.equal(undefined);
    expect((await s.listJobs({ project: 'acme' })).length).to.equal(4);
    // once its lease has lapsed (its process is gone), the project can go
    expect(await s.removeProject('acme', Date.now() + 120_000)).to.have.property('removed');
    expect(await s.getProject('acme')).to.equal(undefined);
  });
});

