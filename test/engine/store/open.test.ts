import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { Store } from '../../../src/engine/store/index.js';
import { APPLICATION_ID, MIGRATIONS } from '../../../src/engine/store/legacy-migrations.js';
import { LATEST_VERSION, MIGRATION_NAMES } from '../../../src/engine/store/migrations.js';
import { TempDirs, thrown } from './helpers.js';
import { intoProjects, readRows } from './migrated-rows.js';

/** A file as an earlier release left it at hand-written schema `version`. */
function legacyFile(dir: string, version: number): Database.Database {
  const db = new Database(join(dir, 'state.db'));
  for (const m of MIGRATIONS) if (m.version <= version) m.up(db);
  db.pragma(`user_version = ${version}`);
  return db;
}

const storeModule = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'engine', 'store', 'index.ts');
const schemaVersion = (db: Database.Database) => db.pragma('user_version', { simple: true }) as number;

describe('store: opening and migrations (SQLite)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('brings a fresh database to the latest schema, recorded by Kysely and in user_version', async () => {
    const store = await temp.open();
    await store.close();
    const db = new Database(join(store.dataDir, 'state.db'), { readonly: true });
    expect(schemaVersion(db)).to.equal(LATEST_VERSION);
    expect(db.pragma('application_id', { simple: true })).to.equal(APPLICATION_ID);
    expect(db.prepare('SELECT name FROM kysely_migration ORDER BY name').all().map((r) => (r as { name: string }).name)).to.deep.equal([...MIGRATION_NAMES]);
    db.close();
  });

  it('migrates a v1 database of an earlier release and keeps its data', async () => {
    const dir = temp.dir();
    const db = legacyFile(dir, 1);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.prepare(`INSERT INTO properties VALUES ('p', 'wiw_email', 'a@b.c', 0, '2024-01-01T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO recipes (pkg, name, running, cursor, updated_at) VALUES ('p', 'r', 1, '{"since":5}', 'x')`).run();
    db.close();

    const store = await temp.open({ dataDir: dir });
    expect((await store.getProperty('default', 'wiw_email'))?.value).to.equal('a@b.c');
    expect(await store.getRecipe('default', 'r')).to.include({ running: true, triggerFailures: 0, stoppedReason: null });
    expect((await store.getRecipe('default', 'r')).cursor).to.deep.equal({ since: 5 });
    await store.mappings('default').set('location', '1', '2'); // a v2 table
    expect(await store.mappings('default').get('location', '1')).to.equal('2');
  });

  it("moves a v2 database's inline job triggers to their own table (v3)", async () => {
    const dir = temp.dir();
    const db = legacyFile(dir, 2);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.prepare(`INSERT INTO jobs (pkg, recipe, status, test, dry_run, trigger, started_at) VALUES ('p', 'r', 'succeeded', 0, 0, '{"items":[1,2]}', 'x')`).run();
    db.close();

    const store = await temp.open({ dataDir: dir });
    const [job] = await store.listJobs({ project: 'default' });
    expect(job?.trigger).to.deep.equal({ items: [1, 2] });
    expect(job?.pkg).to.equal('p');
    await store.close();
    const raw = new Database(join(dir, 'state.db'), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM jobs WHERE trigger IS NOT NULL').get()).to.deep.equal({ n: 0 });
    raw.close();
  });

  it('refuses a database written by a newer version (user_version), leaving it as it is', async () => {
    const dir = temp.dir();
    await (await temp.open({ dataDir: dir })).close();
    const db = new Database(join(dir, 'state.db'));
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const err = await thrown(() => Store.open({ dataDir: dir }));
    expect(err.code).to.equal('STORE_TOO_NEW');
    expect(err.message).to.contain(`schema v${LATEST_VERSION + 1}`);
  });

  it('refuses a database with a migration this version does not know (never downgrades)', async () => {
    const dir = temp.dir();
    await (await temp.open({ dataDir: dir })).close();
    const db = new Database(join(dir, 'state.db'));
    db.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', ?)`).run(new Date().toISOString());
    db.close();
    const err = await thrown(() => Store.open({ dataDir: dir }));
    expect(err.code).to.equal('STORE_TOO_NEW');
    expect(err.message).to.contain('9999-from-the-future');
  });

  it('uses WAL journal mode', async () => {
    const store = await temp.open();
    await store.close();
    const db = new Database(join(store.dataDir, 'state.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    db.close();
  });

  it('reports a file that is not a database as STORE_CORRUPT', async () => {
    const dir = temp.dir();
    writeFileSync(join(dir, 'state.db'), 'this is not sqlite at all, just some garbage text '.repeat(100));
    const err = await thrown(() => Store.open({ dataDir: dir }));
    expect(err.code).to.equal('STORE_CORRUPT');
    expect(err.message).to.equal(`${join(dir, 'state.db')} is not a recipes state file (file is not a database).`);
  });

  it('reports an SQLite database of another program as STORE_CORRUPT', async () => {
    const dir = temp.dir();
    const db = new Database(join(dir, 'state.db'));
    db.exec('CREATE TABLE other (x)');
    db.close();
    expect((await thrown(() => Store.open({ dataDir: dir }))).code).to.equal('STORE_CORRUPT');
  });

  it('reports a missing data dir as STORE_MISSING when create is false', async () => {
    const dir = join(temp.dir(), 'nope');
    const err = await thrown(() => Store.open({ dataDir: dir, create: false }));
    expect(err.code).to.equal('STORE_MISSING');
    expect(err.message).to.equal(`No state store at ${dir} (the folder does not exist).`);
    expect((err as { hint?: string }).hint).to.contain('`recipes properties set NAME VALUE`');
    expect(existsSync(dir)).to.equal(false);
  });

  it('reports a data dir without state.db as STORE_MISSING when create is false', async () => {
    const dir = join(temp.dir(), 'empty');
    mkdirSync(dir);
    expect((await thrown(() => Store.open({ dataDir: dir, create: false }))).code).to.equal('STORE_MISSING');
    expect(existsSync(join(dir, 'state.db'))).to.equal(false);
  });

  it('creates a missing data dir by default', async () => {
    const dir = join(temp.dir(), 'a', 'b');
    const store = await temp.open({ dataDir: dir });
    expect(store.dataDir).to.equal(dir);
    expect(existsSync(join(dir, 'state.db'))).to.equal(true);
  });

  it('opens an existing store when create is false', async () => {
    const dir = temp.dir();
    await (await temp.open({ dataDir: dir })).setProperty('p', 'n', 'v', false);
    expect((await (await temp.open({ dataDir: dir, create: false })).getProperty('p', 'n'))?.value).to.equal('v');
  });

  it('lets two processes open an empty data dir at once: one migrates, the other waits and finds it done', async () => {
    const dir = temp.dir();
    // Two processes: within one, better-sqlite3's busy wait would block the very connection it waits for.
    const code = `import { Store } from ${JSON.stringify(storeModule)}; const s = await Store.open({ dataDir: process.argv[1] }); await s.setProperty('p', 'n' + process.pid, 'v', false); await s.close();`;
    const open = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('exit', resolve);
      });
    expect(await Promise.all([open(), open()])).to.deep.equal([0, 0]);
    const store = await temp.open({ dataDir: dir });
    expect(await store.listProperties('p')).to.have.length(2);
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM kysely_migration').get()).to.deep.equal({ n: MIGRATION_NAMES.length });
    db.close();
  });
});

describe('store: a data dir made by the release before the Kysely store', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());
  const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'state-v3', 'state.db');
  const TABLES = ['properties', 'recipes', 'jobs', 'job_triggers', 'steps', 'mappings', 'counters'];

  it('adopts it into project default: every row of every table kept', async () => {
    const dir = temp.dir();
    copyFileSync(fixture, join(dir, 'state.db'));
    const before = readRows(join(dir, 'state.db'), TABLES);
    expect(before.jobs).to.have.length(4);
    expect(before.steps).to.have.length(3);
    await (await temp.open({ dataDir: dir, recoverJobs: false })).close();
    expect(readRows(join(dir, 'state.db'), TABLES)).to.deep.equal(intoProjects(before, () => 'default'));
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    expect(schemaVersion(db)).to.equal(LATEST_VERSION);
    expect(db.prepare('SELECT name, package_dir, package_name, package_version FROM projects').all()).to.deep.equal([
      { name: 'default', package_dir: null, package_name: 'wiw-provisioning', package_version: null },
    ]);
    db.close();
  });

  it('reads every row back through the store, in project default', async () => {
    const dir = temp.dir();
    copyFileSync(fixture, join(dir, 'state.db'));
    const s = await temp.open({ dataDir: dir, secretKey: 'fixture-passphrase' });
    const project = 'default';
    expect((await s.listProperties(project)).map((p) => [p.name, p.secret])).to.deep.equal([['wiw_email', false], ['wiw_password', true]]);
    expect(await s.getProperty(project, 'wiw_email')).to.include({ value: 'admin@example.com', secret: false });
    expect(await s.getProperty(project, 'wiw_password')).to.include({ value: 'fixture-secret-pw', secret: true });
    expect(await s.propertiesVersion(project)).to.equal(4);
    expect(await s.recipesVersion(project)).to.equal(2);
    expect(await s.getRecipe(project, 'location-sync')).to.include({ running: true, stoppedReason: null, triggerFailures: 0 });
    expect(await s.getRecipe(project, 'department-sync')).to.include({ running: false, stoppedReason: 'Stopped after 5 consecutive trigger failures; last: HTTP_503: down' });
    const employee = await s.getRecipe(project, 'employee-sync');
    expect(employee).to.include({ running: false, triggerFailures: 2 });
    expect(employee.cursor).to.deep.equal({ since: '2024-05-01T00:00:00.000Z', id: 'emp-7' });

    const jobs = await s.listJobs({ project });
    expect(jobs.map((j) => [j.id, j.recipe, j.status, j.test, j.dryRun, j.eventId, j.rerunOf, j.pkg, j.packageVersion, j.packageHash])).to.deep.equal([
      [4, 'all-employees-sync', 'failed', true, false, null, null, 'wiw-provisioning', null, null], // left running by a dead process: recovered on open
      [3, 'employee-sync', 'stopped', true, true, 'evt-7', 2, 'wiw-provisioning', null, null],
      [2, 'employee-sync', 'succeeded', false, false, 'evt-7', null, 'wiw-provisioning', null, null],
      [1, 'location-sync', 'failed', true, false, null, null, 'wiw-provisioning', null, null],
    ]);
    expect(jobs[0]!.error).to.deep.include({ code: 'JOB_INTERRUPTED' });
    expect(jobs[0]!.trigger).to.equal(undefined);
    expect(jobs[2]!.trigger).to.deep.equal({ items: [{ id: 'emp-7' }] });
    expect(jobs[2]!.summary).to.deep.equal({ updated: 1 });
    expect(jobs[3]).to.deep.include({ trigger: { type: 'manual', at: '2024-05-01T10:00:00.000Z' }, summary: { created: 0, failed: 1 } });
    expect(jobs[3]!.error).to.deep.equal({ code: 'HTTP_500', kind: 'operational', message: 'boom' });
    expect(await s.getSteps(1)).to.deep.equal([
      { seq: 1, stepId: 'locations', path: 'locations', status: 'succeeded', input: { page: 1 }, output: { items: [{ id: 'l1', name: 'HQ' }] }, startedAt: '2024-05-01T10:00:00.100Z', durationMs: 12 },
      { seq: 2, stepId: 'create', path: 'each[0].create', status: 'failed', input: { name: 'HQ' }, error: { code: 'HTTP_500', kind: 'operational', message: 'boom' }, startedAt: '2024-05-01T10:00:00.200Z', durationMs: 30 },
      { seq: 3, stepId: 'skip', path: 'each[1].skip', status: 'skipped', startedAt: '2024-05-01T10:00:00.300Z', durationMs: 0 },
    ]);
    expect(await s.mappings(project).all('location')).to.deep.equal({ 'goco-1': '101', ['__proto__']: '102' });
    expect(await s.mappings(project).all('department')).to.deep.equal({ d1: 'p9' });
    expect(await s.listJobs({ project: 'wiw-provisioning' })).to.deep.equal([]);

    // and it goes on from there: new ids follow the old ones
    expect(await s.createJob({ project, recipe: 'location-sync', test: false, dryRun: false, trigger: undefined })).to.equal(5);
  });
});

describe('store: a data dir made by the release with recipe leases (schema v4)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());
  const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'state-v4', 'state.db');
  const TABLES = ['properties', 'recipes', 'jobs', 'job_triggers', 'steps', 'mappings', 'counters', 'leases'];

  it('adopts it into project default: every row kept, the leases gain an empty host column', async () => {
    const dir = temp.dir();
    copyFileSync(fixture, join(dir, 'state.db'));
    const before = readRows(join(dir, 'state.db'), TABLES);
    expect(before.leases).to.have.length(1);
    await (await temp.open({ dataDir: dir, recoverJobs: false })).close();
    const withHost = { ...before, leases: before.leases!.map((l) => ({ ...l, host: null })) };
    expect(readRows(join(dir, 'state.db'), TABLES)).to.deep.equal(intoProjects(withHost, () => 'default'));
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    expect(schemaVersion(db)).to.equal(LATEST_VERSION);
    expect(db.prepare('SELECT name FROM kysely_migration ORDER BY name').all().map((r) => (r as { name: string }).name)).to.deep.equal([...MIGRATION_NAMES]);
    db.close();
  });

  it('reads every row back; the job its dead holder left running is interrupted; the event it ran is not run again', async () => {
    const dir = temp.dir();
    copyFileSync(fixture, join(dir, 'state.db'));
    const s = await temp.open({ dataDir: dir, secretKey: 'fixture-passphrase' });
    const project = 'default';
    expect(await s.getProperty(project, 'wiw_password')).to.include({ value: 'fixture-secret-pw', secret: true });
    expect((await s.getRecipe(project, 'employee-sync')).cursor).to.deep.equal({ since: '2024-06-01T00:00:00.000Z', id: 'emp-9' });
    const jobs = await s.listJobs({ project });
    expect(jobs.map((j) => [j.id, j.recipe, j.status, j.eventId, j.pkg])).to.deep.equal([
      [2, 'location-sync', 'failed', null, 'wiw-provisioning'],
      [1, 'employee-sync', 'succeeded', 'evt-9', 'wiw-provisioning'],
    ]);
    expect(jobs[0]!.error).to.deep.include({ code: 'JOB_INTERRUPTED' });
    expect(await s.getSteps(1)).to.have.length(1);
    expect(await s.mappings(project).get('employee', 'emp-9')).to.equal('9009');
    expect(await s.leaseHolder(project, 'location-sync')).to.equal(undefined);
    const job = { project, recipe: 'employee-sync', test: false, dryRun: false, trigger: {}, eventId: 'evt-9' };
    expect(await s.startJob(job)).to.deep.equal({ done: 1 });
    expect(await s.startJob({ ...job, recipe: 'location-sync', eventId: undefined })).to.deep.equal({ jobId: 3 });
  });
});
