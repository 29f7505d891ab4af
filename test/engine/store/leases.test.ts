import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { LEASE_TTL_MS, type NewJob } from '../../../src/engine/store/index.js';
import { TempDirs } from './helpers.js';

const job = (extra: Partial<NewJob> = {}): NewJob => ({ pkg: 'pkg', recipe: 'r', test: false, dryRun: false, trigger: { type: 'manual' }, ...extra });

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('store: recipe leases', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('gives the lease to one job per recipe; another recipe is free; release frees it', () => {
    const store = temp.open();
    const first = store.startJob(job());
    if (!('jobId' in first)) throw new Error('expected the lease');
    expect(store.startJob(job())).to.deep.include({ busy: { pkg: 'pkg', recipe: 'r', jobId: first.jobId, pid: process.pid, acquiredAt: store.leaseHolder('pkg', 'r')?.acquiredAt, expiresAt: store.leaseHolder('pkg', 'r')?.expiresAt } });
    expect(store.startJob(job({ recipe: 'other' }))).to.have.property('jobId');
    store.finishJob(first.jobId, { status: 'succeeded' });
    store.releaseLease('pkg', 'r', first.jobId);
    expect(store.leaseHolder('pkg', 'r')).to.equal(undefined);
    expect(store.startJob(job())).to.have.property('jobId');
  });

  it('takes over a lease whose heartbeat lapsed (pid alive) and the old holder can no longer renew it', () => {
    const store = temp.open();
    const first = store.startJob(job()) as { jobId: number };
    const later = Date.now() + LEASE_TTL_MS + 1;
    expect(store.leaseHolder('pkg', 'r', later)).to.equal(undefined);
    const second = store.startJob(job(), later) as { jobId: number };
    expect(second.jobId).to.be.greaterThan(first.jobId);
    expect(store.getJob(first.jobId)).to.deep.include({ status: 'failed', error: { code: 'JOB_INTERRUPTED', kind: 'operational', message: 'The process stopped while this job ran.' } });
    expect(store.renewLease('pkg', 'r', first.jobId)).to.equal(false);
    expect(store.renewLease('pkg', 'r', second.jobId)).to.equal(true);
  });

  it('markInterrupted leaves a job whose holder is alive and renewing, and fails one whose lease lapsed', () => {
    const dataDir = temp.dir();
    const store = temp.open({ dataDir });
    const live = (store.startJob(job({ recipe: 'a' })) as { jobId: number }).jobId;
    const lapsed = (store.startJob(job({ recipe: 'b' })) as { jobId: number }).jobId;
    const db = new Database(join(dataDir, 'state.db'));
    db.prepare(`UPDATE leases SET expires_at = 0 WHERE job_id = ?`).run(lapsed);
    db.close();
    temp.open({ dataDir }); // a second process opening the store
    expect(store.getJob(live)?.status).to.equal('running');
    expect(store.getJob(lapsed)?.status).to.equal('failed');
  });

  it('takes over the lease of a dead pid at once', () => {
    const dataDir = temp.dir();
    const store = temp.open({ dataDir, recoverJobs: false });
    const first = (store.startJob(job()) as { jobId: number }).jobId;
    const db = new Database(join(dataDir, 'state.db'));
    db.prepare(`UPDATE leases SET pid = ?`).run(deadPid());
    db.close();
    expect(store.startJob(job())).to.have.property('jobId');
    expect(store.getJob(first)?.status).to.equal('failed');
  });

  it('does not run a polled event again that another process ran meanwhile (a dry run, a rerun or a stopped job do not count)', () => {
    const store = temp.open();
    const ev = { eventId: 'e1@t1' };
    const dry = (store.startJob(job({ ...ev, dryRun: true })) as { jobId: number }).jobId;
    store.finishJob(dry, { status: 'succeeded' });
    store.releaseLease('pkg', 'r', dry);
    const stopped = (store.startJob(job(ev)) as { jobId: number }).jobId;
    store.finishJob(stopped, { status: 'stopped' });
    store.releaseLease('pkg', 'r', stopped);
    const ran = (store.startJob(job(ev)) as { jobId: number }).jobId;
    store.finishJob(ran, { status: 'failed', error: { code: 'X', message: 'x' } });
    store.releaseLease('pkg', 'r', ran);
    expect(store.startJob(job(ev))).to.deep.equal({ done: ran });
    const rerun = store.startJob(job({ ...ev, rerunOf: ran })) as { jobId: number };
    expect(rerun.jobId).to.be.a('number');
  });
});
