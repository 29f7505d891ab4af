import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { forEachDatabase } from '../../support/databases.js';
import { withAdmin } from '../../support/postgres.js';
import { TempDirs, thrown } from './helpers.js';

describe('store: serve lock (SQLite: a lock file)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('writes a lock file with this process id', async () => {
    const store = await temp.open();
    const lock = await store.acquireServeLock();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).to.equal(process.pid);
    await lock.release();
  });

  it('refuses a second lock while the first is held', async () => {
    const store = await temp.open();
    const lock = await store.acquireServeLock();
    const other = await temp.open({ dataDir: store.dataDir });
    const err = await thrown(() => other.acquireServeLock());
    expect(err.code).to.equal('SERVE_LOCKED');
    expect(err.message).to.equal(`Another \`recipes serve\` (pid ${process.pid}) is already running with data dir ${store.dataDir}.`);
    await lock.release();
  });

  it('refuses a lock held by another live process, and takes it once that process is gone', async () => {
    const store = await temp.open();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    try {
      await once(child, 'spawn');
      writeFileSync(join(store.dataDir, 'serve.lock'), JSON.stringify({ pid: child.pid, token: 't', startedAt: 'x' }));
      expect((await thrown(() => store.acquireServeLock())).message).to.contain(`(pid ${child.pid})`);
    } finally {
      child.kill();
      await exited;
    }
    await (await store.acquireServeLock()).release();
  });

  it('can be acquired again after release', async () => {
    const store = await temp.open();
    await (await store.acquireServeLock()).release();
    const again = await store.acquireServeLock();
    expect(existsSync(again.file)).to.equal(true);
    await again.release();
    expect(existsSync(again.file)).to.equal(false);
  });

  it('takes over a stale lock whose process is dead', async () => {
    const store = await temp.open();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(store.dataDir, 'serve.lock'), JSON.stringify({ pid: dead, token: 'old', startedAt: 'x' }));
    const lock = await store.acquireServeLock();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).to.equal(process.pid);
    await lock.release();
  });

  it('takes over a lock file it cannot read', async () => {
    const store = await temp.open();
    writeFileSync(join(store.dataDir, 'serve.lock'), 'garbage');
    const lock = await store.acquireServeLock();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).to.equal(process.pid);
    await lock.release();
  });

  it('does not remove a lock that another holder took over', async () => {
    const store = await temp.open();
    const lock = await store.acquireServeLock();
    writeFileSync(lock.file, JSON.stringify({ pid: process.pid, token: 'someone-else', startedAt: 'x' }));
    await lock.release();
    expect(existsSync(lock.file)).to.equal(true);
  });
});

forEachDatabase(
  'store: serve lock (PostgreSQL: an advisory lock on a connection of its own)',
  (db) => {
    const temp = new TempDirs(db);
    after(() => temp.cleanup());

    it('refuses a second serve on the same database, and lets it in once the first releases', async () => {
      const store = await temp.open();
      const other = await temp.open({ databaseUrl: temp.urlOf(store) });
      const lock = await store.acquireServeLock();
      const err = await thrown(() => other.acquireServeLock());
      expect(err.code).to.equal('SERVE_LOCKED');
      expect(err.message).to.match(/^Another `recipes serve` is already running with the database postgres:\/\/recipes_test:\*\*\*\*@127\.0\.0\.1:\d+\/\w+\.$/);
      await lock.release();
      await (await other.acquireServeLock()).release();
    });

    it('is dropped by the server when its holder goes away', async () => {
      const store = await temp.open();
      const other = await temp.open({ databaseUrl: temp.urlOf(store) });
      await store.acquireServeLock();
      // a crashed serve: the server ends its connection
      await withAdmin((c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'`));
      await (await other.acquireServeLock()).release();
    });
  },
  ['postgres'],
);


forEachDatabase('store: serve lock per project', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  it("lets each project's serve run at once on one store, but not two of the same project, and reports each", async () => {
    const store = await temp.open();
    const other = await temp.open(db.kind === 'postgres' ? { databaseUrl: temp.urlOf(store) } : { dataDir: store.dataDir });
    const defaultLock = await store.acquireServeLock();
    const acmeLock = await other.acquireServeLock('acme');
    expect(await other.serveStatus('acme')).to.have.property('running', true);
    expect(await other.serveStatus('globex')).to.have.property('running', false);
    const err = await thrown(() => store.acquireServeLock('acme'));
    expect(err.code).to.equal('SERVE_LOCKED');
    expect(err.message).to.contain('already running for project acme with');
    await acmeLock.release();
    expect(await other.serveStatus('acme')).to.have.property('running', false);
    expect(await other.serveStatus()).to.have.property('running', true);
    await (await store.acquireServeLock('acme')).release();
    await defaultLock.release();
  });
});
