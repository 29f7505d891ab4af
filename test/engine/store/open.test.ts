import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { Store } from '../../../src/engine/store/index.js';
import { APPLICATION_ID, LATEST_VERSION, migrate, schemaVersion } from '../../../src/engine/store/migrations.js';
import { TempDirs, thrown } from './helpers.js';

describe('store: opening and migrations', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('brings a fresh database to the latest schema version', () => {
    const store = temp.open();
    store.close();
    const db = new Database(join(store.dataDir, 'state.db'), { readonly: true });
    expect(schemaVersion(db)).to.equal(LATEST_VERSION);
    expect(db.pragma('application_id', { simple: true })).to.equal(APPLICATION_ID);
    db.close();
  });

  it('keeps at least two migrations so the upgrade path is exercised', () => {
    expect(LATEST_VERSION).to.be.at.least(2);
  });

  it('migrates a v1 database and keeps its data', () => {
    const dir = temp.dir();
    const db = new Database(join(dir, 'state.db'));
    migrate(db, 'state.db', 1);
    expect(schemaVersion(db)).to.equal(1);
    db.prepare(`INSERT INTO properties VALUES ('p', 'wiw_email', 'a@b.c', 0, '2024-01-01T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO recipes (pkg, name, running, cursor, updated_at) VALUES ('p', 'r', 1, '{"since":5}', 'x')`).run();
    db.close();

    const store = temp.open({ dataDir: dir });
    expect(store.getProperty('p', 'wiw_email')?.value).to.equal('a@b.c');
    expect(store.getRecipe('p', 'r')).to.include({ running: true, triggerFailures: 0, stoppedReason: null });
    expect(store.getRecipe('p', 'r').cursor).to.deep.equal({ since: 5 });
    store.mappings('p').set('location', '1', '2'); // a v2 table
    expect(store.mappings('p').get('location', '1')).to.equal('2');
  });

  it('moves a v2 database\'s inline job triggers to their own table (v3)', () => {
    const dir = temp.dir();
    const db = new Database(join(dir, 'state.db'));
    migrate(db, 'state.db', 2);
    db.prepare(
      `INSERT INTO jobs (pkg, recipe, status, test, dry_run, trigger, started_at) VALUES ('p', 'r', 'succeeded', 0, 0, '{"items":[1,2]}', 'x')`,
    ).run();
    db.close();

    const store = temp.open({ dataDir: dir });
    const [job] = store.listJobs({ pkg: 'p' });
    expect(job?.trigger).to.deep.equal({ items: [1, 2] });
    store.close();
    const raw = new Database(join(dir, 'state.db'), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM jobs WHERE trigger IS NOT NULL').get()).to.deep.equal({ n: 0 });
    raw.close();
  });

  it('refuses a database written by a newer version', () => {
    const dir = temp.dir();
    temp.open({ dataDir: dir }).close();
    const db = new Database(join(dir, 'state.db'));
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const err = thrown(() => Store.open({ dataDir: dir }));
    expect(err.code).to.equal('STORE_TOO_NEW');
    expect(err.message).to.contain(`schema v${LATEST_VERSION + 1}`);
  });

  it('uses WAL journal mode', () => {
    const store = temp.open();
    store.close();
    const db = new Database(join(store.dataDir, 'state.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    db.close();
  });

  it('reports a file that is not a database as STORE_CORRUPT', () => {
    const dir = temp.dir();
    writeFileSync(join(dir, 'state.db'), 'this is not sqlite at all, just some garbage text '.repeat(100));
    const err = thrown(() => Store.open({ dataDir: dir }));
    expect(err.code).to.equal('STORE_CORRUPT');
    expect(err.message).to.equal(`${join(dir, 'state.db')} is not a recipes state file (file is not a database).`);
  });

  it('reports an SQLite database of another program as STORE_CORRUPT', () => {
    const dir = temp.dir();
    const db = new Database(join(dir, 'state.db'));
    db.exec('CREATE TABLE other (x)');
    db.close();
    expect(thrown(() => Store.open({ dataDir: dir })).code).to.equal('STORE_CORRUPT');
  });

  it('reports a missing data dir as STORE_MISSING when create is false', () => {
    const dir = join(temp.dir(), 'nope');
    const err = thrown(() => Store.open({ dataDir: dir, create: false }));
    expect(err.code).to.equal('STORE_MISSING');
    expect(err.message).to.equal(`No state store at ${dir} (the folder does not exist).`);
    expect((err as { hint?: string }).hint).to.contain('`recipes properties set NAME VALUE`');
    expect(existsSync(dir)).to.equal(false);
  });

  it('reports a data dir without state.db as STORE_MISSING when create is false', () => {
    const dir = join(temp.dir(), 'empty');
    mkdirSync(dir);
    expect(thrown(() => Store.open({ dataDir: dir, create: false })).code).to.equal('STORE_MISSING');
    expect(existsSync(join(dir, 'state.db'))).to.equal(false);
  });

  it('creates a missing data dir by default', () => {
    const dir = join(temp.dir(), 'a', 'b');
    const store = temp.open({ dataDir: dir });
    expect(store.dataDir).to.equal(dir);
    expect(existsSync(join(dir, 'state.db'))).to.equal(true);
  });

  it('opens an existing store when create is false', () => {
    const dir = temp.dir();
    temp.open({ dataDir: dir }).setProperty('p', 'n', 'v', false);
    expect(temp.open({ dataDir: dir, create: false }).getProperty('p', 'n')?.value).to.equal('v');
  });
});
