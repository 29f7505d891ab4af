import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { TempDirs, thrown } from './helpers.js';

describe('store: serve lock', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('writes a lock file with this process id', () => {
    const store = temp.open();
    const lock = store.acquireServeLock();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).to.equal(process.pid);
    lock.release();
  });

  it('refuses a second lock while the first is held', () => {
    const store = temp.open();
    const lock = store.acquireServeLock();
    const other = temp.open({ dataDir: store.dataDir });
    const err = thrown(() => other.acquireServeLock());
    expect(err.code).to.equal('SERVE_LOCKED');
    expect(err.message).to.equal(`Another \`recipes serve\` (pid ${process.pid}) is already running with data dir ${store.dataDir}.`);
    lock.release();
  });

  it('refuses a lock held by another live process, and takes it once that process is gone', async () => {
    const store = temp.open();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    try {
      await once(child, 'spawn');
      writeFileSync(join(store.dataDir, 'serve.lock'), JSON.stringify({ pid: child.pid, token: 't', startedAt: 'x' }));
      expect(thrown(() => store.acquireServeLock()).message).to.contain(`(pid ${child.pid})`);
    } finally {
      child.kill();
      await exited;
    }
    store.acquireServeLock().release();
  });

  it('can be acquired again after release', () => {
    const store = temp.open();
    store.acquireServeLock().release();
    const again = store.acquireServeLock();
    expect(existsSync(again.file)).to.equal(true);
    again.release();
    expect(existsSync(again.file)).to.equal(false);
  });

  it('takes over a stale lock whose process is dead', () => {
    const store = temp.open();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(store.dataDir, 'serve.lock'), JSON.stringify({ pid: dead, token: 'old', startedAt: 'x' }));
    const lock = store.acquireServeLock();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).to.equal(process.pid);
    lock.release();
  });

  it('takes over a lock file it cannot read', () => {
    const store = temp.open();
    writeFileSync(join(store.dataDir, 'serve.lock'), 'garbage');
    const lock = store.acquireServeLock();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).to.equal(process.pid);
    lock.release();
  });

  it('does not remove a lock that another holder took over', () => {
    const store = temp.open();
    const lock = store.acquireServeLock();
    writeFileSync(lock.file, JSON.stringify({ pid: process.pid, token: 'someone-else', startedAt: 'x' }));
    lock.release();
    expect(existsSync(lock.file)).to.equal(true);
  });
});
