import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { LEASE_TTL_MS, type NewJob } from '../../../src/engine/store/index.js';
import { forEachDatabase } from '../../support/databases.js';
import { TempDirs, rawExec } from './helpers.js';

const job = (extra: Partial<NewJob> = {}): NewJob => ({ project: 'pkg', recipe: 'r', test: false, dryRun: false, trigger: { type: 'manual' }, ...extra });

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

forEachDatabase('store: recipe leases', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  it('gives the lease to one job per recipe; another recipe is free; release frees it', async () => {
    const store = await temp.open();
    const first = await store.startJob(job());
    if (!('jobId' in first)) throw new Error('expected the lease');
    const holder = await store.leaseHolder('pkg', 'r');
    expect(await store.startJob(job())).to.deep.include({ busy: { project: 'pkg', recipe: 'r', jobId: first.jobId, pid: process.pid, host: holder?.host, acquiredAt: holder?.acquiredAt, expiresAt: holder?.expiresAt } });
    expect(await store.startJob(job({ recipe: 'other' }))).to.have.property('jobId');
    await store.finishJob(first.jobId, { status: 'succeeded' });
    await store.releaseLease('pkg', 'r', first.jobId);
    expect(await store.leaseHolder('pkg', 'r')).to.equal(undefined);
    expect(await store.startJob(job())).to.have.property('jobId');
  });

  it('takes over a lease whose heartbeat lapsed (pid alive) and the old holder can no longer renew it', async () => {
    const store = await temp.open();
    const first = (await store.startJob(job())) as { jobId: number };
    const later = Date.now() + LEASE_TTL_MS + 1;
    expect(await store.leaseHolder('pkg', 'r', later)).to.equal(undefined);
    const second = (await store.startJob(job(), later)) as { jobId: number };
    expect(second.jobId).to.be.greaterThan(first.jobId);
    expect(await store.getJob(first.jobId)).to.deep.include({ status: 'failed', error: { code: 'JOB_INTERRUPTED', kind: 'operational', message: 'The process stopped while this job ran.' } });
    expect(await store.renewLease('pkg', 'r', first.jobId)).to.equal(false);
    expect(await store.renewLease('pkg', 'r', second.jobId)).to.equal(true);
  });

  it('markInterrupted leaves a job whose holder is alive and renewing, and fails one whose lease lapsed', async () => {
    const dataDir = temp.dir();
    const store = await temp.open({ dataDir });
    const live = ((await store.startJob(job({ recipe: 'a' }))) as { jobId: number }).jobId;
    const lapsed = ((await store.startJob(job({ recipe: 'b' }))) as { jobId: number }).jobId;
    await rawExec(temp, store, `UPDATE leases SET expires_at = 0 WHERE job_id = ?`, lapsed);
    await temp.open({ dataDir, databaseUrl: db.kind === 'postgres' ? temp.urlOf(store) : undefined }); // a second process opening the store
    expect((await store.getJob(live))?.status).to.equal('running');
    expect((await store.getJob(lapsed))?.status).to.equal('failed');
  });

  it('takes over the lease of a dead pid on this host at once', async () => {
    const store = await temp.open({ recoverJobs: false });
    const first = ((await store.startJob(job())) as { jobId: number }).jobId;
    await rawExec(temp, store, `UPDATE leases SET pid = ?`, deadPid());
    expect(await store.startJob(job())).to.have.property('jobId');
    expect((await store.getJob(first))?.status).to.equal('failed');
  });

  it('judges a holder on another host by its expiry only: its pid means nothing here', async () => {
    const dataDir = temp.dir();
    const store = await temp.open({ dataDir, recoverJobs: false });
    const first = ((await store.startJob(job())) as { jobId: number }).jobId;
    await rawExec(temp, store, `UPDATE leases SET pid = ?, host = ?`, deadPid(), 'another-machine');
    const busy = await store.startJob(job());
    expect(busy).to.have.nested.property('busy.host', 'another-machine');
    await temp.open({ dataDir, databaseUrl: db.kind === 'postgres' ? temp.urlOf(store) : undefined });
    expect((await store.getJob(first))?.status).to.equal('running');
    expect(await store.startJob(job(), Date.now() + LEASE_TTL_MS + 1)).to.have.property('jobId');
    expect((await store.getJob(first))?.status).to.equal('failed');
  });

  it('two stores racing for one recipe: exactly one job gets the lease', async () => {
    const dataDir = temp.dir();
    const a = await temp.open({ dataDir });
    const b = await temp.open({ dataDir, databaseUrl: db.kind === 'postgres' ? temp.urlOf(a) : undefined });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).startJob(job())));
    expect(results.filter((r) => 'jobId' in r)).to.have.length(1);
    expect(results.filter((r) => 'busy' in r)).to.have.length(7);
  });

  it('does not run a polled event again that another process ran meanwhile (a dry run, a rerun or a stopped job do not count)', async () => {
    const store = await temp.open();
    const ev = { eventId: 'e1@t1' };
    const dry = ((await store.startJob(job({ ...ev, dryRun: true }))) as { jobId: number }).jobId;
    await store.finishJob(dry, { status: 'succeeded' });
    await store.releaseLease('pkg', 'r', dry);
    const stopped = ((await store.startJob(job(ev))) as { jobId: number }).jobId;
    await store.finishJob(stopped, { status: 'stopped' });
    await store.releaseLease('pkg', 'r', stopped);
    const ran = ((await store.startJob(job(ev))) as { jobId: number }).jobId;
    await store.finishJob(ran, { status: 'failed', error: { code: 'X', message: 'x' } });
    await store.releaseLease('pkg', 'r', ran);
    expect(await store.startJob(job(ev))).to.deep.equal({ done: ran });
    const rerun = (await store.startJob(job({ ...ev, rerunOf: ran }))) as { jobId: number };
    expect(rerun.jobId).to.be.a('number');
  });

  it('an interrupted run of the event does not count: the event runs again', async () => {
    const store = await temp.open();
    const first = ((await store.startJob(job({ eventId: 'e2' }))) as { jobId: number }).jobId;
    const second = await store.startJob(job({ eventId: 'e2' }), Date.now() + LEASE_TTL_MS + 1);
    expect((await store.getJob(first))?.error).to.have.property('code', 'JOB_INTERRUPTED');
    expect(second).to.have.property('jobId');
  });
});
