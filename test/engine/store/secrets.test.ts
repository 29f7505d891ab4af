import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { TempDirs, thrown } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

/** Everything SQLite wrote for this store: the database and its WAL. */
function rawBytes(dataDir: string): Buffer {
  const parts = ['state.db', 'state.db-wal'].map((f) => join(dataDir, f)).filter((f) => existsSync(f));
  return Buffer.concat(parts.map((f) => readFileSync(f)));
}

// The key file and the raw bytes on disk are SQLite's; PostgreSQL's key rules are in secrets-pg.test.ts.
forEachDatabase('store: secret properties', (db) => {
  const temp = new TempDirs(db);
  const savedEnv = process.env.RECIPES_SECRET_KEY;
  beforeEach(() => delete process.env.RECIPES_SECRET_KEY);
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.RECIPES_SECRET_KEY;
    else process.env.RECIPES_SECRET_KEY = savedEnv;
  });
  after(() => temp.cleanup());

  it('never writes a secret value in plain text, while a non-secret is stored as is', async () => {
    const store = await temp.open();
    await store.setProperty('pkg', 'wiw_password', 'hunter2-very-secret-value', true);
    await store.setProperty('pkg', 'wiw_email', 'admin@plain-visible.example', false);
    const raw = rawBytes(store.dataDir);
    expect(raw.includes('hunter2-very-secret-value')).to.equal(false);
    expect(raw.includes('admin@plain-visible.example')).to.equal(true);
  });

  it('reads a secret back decrypted and flagged as secret', async () => {
    const store = await temp.open();
    await store.setProperty('pkg', 'wiw_password', 's3cret', true);
    expect(await store.getProperty('pkg', 'wiw_password')).to.include({ value: 's3cret', secret: true });
  });

  it('creates the key file with mode 0600 on the first secret write', async () => {
    const store = await temp.open({ secretKey: undefined });
    expect(existsSync(join(store.dataDir, 'secret.key'))).to.equal(false);
    await store.setProperty('pkg', 'token', 'abc', true);
    const file = join(store.dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).to.have.length(32);
  });

  it('reuses the key file across opens', async () => {
    const dir = temp.dir();
    await (await temp.open({ dataDir: dir, secretKey: undefined })).setProperty('pkg', 'token', 'abc', true);
    expect((await (await temp.open({ dataDir: dir, secretKey: undefined })).getProperty('pkg', 'token'))?.value).to.equal('abc');
  });

  it('uses RECIPES_SECRET_KEY when set instead of a key file', async () => {
    const dir = temp.dir();
    process.env.RECIPES_SECRET_KEY = 'env passphrase';
    await (await temp.open({ dataDir: dir, secretKey: undefined })).setProperty('pkg', 'token', 'abc', true);
    expect(existsSync(join(dir, 'secret.key'))).to.equal(false);
    expect((await (await temp.open({ dataDir: dir, secretKey: undefined })).getProperty('pkg', 'token'))?.value).to.equal('abc');
  });

  it('throws SECRET_KEY_MISMATCH with a message free of the value when the key changed', async () => {
    const dir = temp.dir();
    await (await temp.open({ dataDir: dir, secretKey: 'key one' })).setProperty('pkg', 'wiw_password', 'topsecret-value', true);
    const err = await thrown(async () => (await temp.open({ dataDir: dir, secretKey: 'key two' })).getProperty('pkg', 'wiw_password'));
    expect(err.code).to.equal('SECRET_KEY_MISMATCH');
    expect(err.message).to.contain('wiw_password');
    expect(err.message).not.to.contain('topsecret-value');
    expect(err.message).not.to.contain('key one');
  });

  it('throws SECRET_KEY_MISSING when a secret exists but no key is available', async () => {
    const dir = temp.dir();
    process.env.RECIPES_SECRET_KEY = 'env passphrase';
    await (await temp.open({ dataDir: dir, secretKey: undefined })).setProperty('pkg', 'token', 'abc', true);
    delete process.env.RECIPES_SECRET_KEY;
    const store = await temp.open({ dataDir: dir, secretKey: undefined });
    expect((await thrown(async () => (await store.getProperty('pkg', 'token')))).code).to.equal('SECRET_KEY_MISSING');
    expect(existsSync(join(dir, 'secret.key'))).to.equal(false);
  });

  it('binds a ciphertext to its property: copied to another name it does not decrypt', async () => {
    const store = await temp.open();
    await store.setProperty('pkg', 'a', 'value-a', true);
    await store.close();
    const db = new Database(join(store.dataDir, 'state.db'));
    db.prepare(`INSERT INTO properties SELECT project, 'b', value, secret, updated_at FROM properties WHERE name = 'a'`).run();
    db.close();
    const reopened = await temp.open({ dataDir: store.dataDir });
    expect((await thrown(async () => reopened.getProperty('pkg', 'b'))).code).to.equal('SECRET_KEY_MISMATCH');
  });

  it('binds a ciphertext to its project: copied to another project it does not decrypt', async () => {
    const store = await temp.open();
    await store.setProperty('acme', 'token', 'acme-token', true);
    await store.close();
    const db = new Database(join(store.dataDir, 'state.db'));
    db.prepare(`INSERT INTO properties SELECT 'globex', name, value, secret, updated_at FROM properties WHERE project = 'acme'`).run();
    db.close();
    const reopened = await temp.open({ dataDir: store.dataDir });
    expect((await reopened.getProperty('acme', 'token'))?.value).to.equal('acme-token');
    const error = await thrown(async () => reopened.getProperty('globex', 'token'));
    expect(error.code).to.equal('SECRET_KEY_MISMATCH');
    expect(error.message).to.include('project globex').and.not.include('acme-token');
  });

  it('lists properties without their values', async () => {
    const store = await temp.open();
    await store.setProperty('pkg', 'b', 'x', true);
    await store.setProperty('pkg', 'a', 'y', false);
    const list = await store.listProperties('pkg');
    expect(list.map((p) => [p.name, p.secret])).to.deep.equal([['a', false], ['b', true]]);
    expect(list[0]).not.to.have.property('value');
  });
}, ['sqlite']);
