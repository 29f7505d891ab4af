/**
 * Queued jobs on a real PostgreSQL with pg-boss: the record and the queue entry commit together (or neither
 * does), a claim takes the recipe's lease and records the attempt, and a job whose worker died is taken
 * over with that attempt recorded as lost; a worker's shutdown puts its job back in the queue.
 */
import { expect } from 'chai';
import { silentLogger } from '../../../src/engine/logger.js';
import { JobQueue } from '../../../src/engine/queue/job-queue.js';
import { LEASE_TTL_MS, type NewJob, type Store } from '../../../src/engine/store/index.js';
import { forEachDatabase } from '../../support/databases.js';
import { TempDirs } from './helpers.js';

const job = (extra: Partial<NewJob> = {}): NewJob => ({ project: 'p', recipe: 'r', test: false, dryRun: false, trigger: { type: 'manual', n: 1 }, ...extra });

forEachDatabase('store: queued jobs', function (db) {
  this.timeout(60_000);
  const temp = new TempDirs(db);
  let store: Store;
  let queue: JobQueue;

  before(async () => {
    const url = (await db.fresh()) as string;
    store = await temp.open({ databaseUrl: url });
    queue = await JobQueue.open(url, { logger: silentLogger(), supervise: false, maxConnections: 2 });
  });
  after(async () => {
    await queue?.close();
    await temp.cleanup();
  });

  /** Draws entries until the queue is empty (entries of earlier tests included). */
  const drain = async () => {
    const all = [];
    for (let batch = await queue.draw(50); batch.length > 0; batch = await queue.draw(50)) all.push(...batch);
    for (const e of all) await queue.complete(e.id);
    return all.map((e) => e.data);
  };

  it('records the job as queued and its queue entry in one transaction: a worker sees neither before the commit', async () => {
    await drain();
    let seenInside: unknown[] | undefined;
    const id = await store.enqueueJob(job(), async (sql, jobId) => {
      await queue.sendJob(sql, jobId);
      seenInside = (await queue.draw(10)).map((e) => e.data); // another connection: the entry is not committed yet
    });
    expect(seenInside).to.deep.equal([]);
    expect(await store.getJob(id)).to.deep.include({ status: 'queued', viaQueue: true, trigger: { type: 'manual', n: 1 }, host: null, pid: null });
    expect(await drain()).to.deep.equal([{ jobId: id }]);
  });

  it('a failure between the record and the queue entry leaves neither', async () => {
    await drain();
    const before = (await store.listJobs({ project: 'p', limit: 100 })).length;
    let error: unknown;
    try {
      await store.enqueueJob(job(), async (sql, jobId) => {
        await queue.sendJob(sql, jobId);
        throw new Error('crashed after queueing');
      });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('crashed after queueing');
    expect((await store.listJobs({ project: 'p', limit: 100 })).length).to.equal(before);
    expect(await drain()).to.deep.equal([]);
  });

  it("a job queued with a `once` key twice at once, by two processes' stores: one job and one queue entry; the other is ALREADY_QUEUED naming it", async () => {
    await drain();
    const other = await temp.open({ databaseUrl: temp.urlOf(store) });
    const before = (await store.listJobs({ project: 'p', limit: 1000 })).length;
    const tries = await Promise.allSettled(
      [store, other].map((s) => s.enqueueJob(job({ recipe: 'hook' }), (sql, jobId) => queue.sendJob(sql, jobId), 'webhook hook delivery-1')),
    );
    const made = tries.filter((t) => t.status === 'fulfilled').map((t) => (t as PromiseFulfilledResult<number>).value);
    const refused = tries.filter((t) => t.status === 'rejected').map((t) => (t as PromiseRejectedResult).reason as { code: string; message: string });
    expect(made).to.have.length(1);
    expect(refused.map((e) => e.code)).to.deep.equal(['ALREADY_QUEUED']);
    expect(refused[0]!.message).to.contain(`as job ${made[0]}`);
    expect((await store.listJobs({ project: 'p', limit: 1000 })).length).to.equal(before + 1);
    expect(await drain()).to.deep.equal([{ jobId: made[0] }]);
    // Another delivery id is another job.
    const next = await other.enqueueJob(job({ recipe: 'hook' }), (sql, jobId) => queue.sendJob(sql, jobId), 'webhook hook delivery-2');
    expect(await drain()).to.deep.equal([{ jobId: next }]);
  });

  it('a claim takes the lease and records attempt 1; the same recipe is busy meanwhile; finishing ends the job and frees the lease', async () => {
    const id = await store.enqueueJob(job({ recipe: 'claim' }), (sql, jobId) => queue.sendJob(sql, jobId));
    const claim = await store.claimJob(id);
    expect(claim).to.deep.equal({ claimed: { jobId: id, attempt: 1, project: 'p', recipe: 'claim' } });
    expect(await store.getJob(id)).to.deep.include({ status: 'running', pid: process.pid });
    const second = await store.enqueueJob(job({ recipe: 'claim' }), (sql, jobId) => queue.sendJob(sql, jobId));
    expect(await store.claimJob(second)).to.have.nested.property('busy.jobId', id);
    expect(await store.startJob(job({ recipe: 'claim' }))).to.have.nested.property('busy.jobId', id); // a CLI run too
    await store.finishAttempt(id, 1, { status: 'succeeded', summary: { ok: true } });
    expect(await store.getJob(id)).to.deep.include({ status: 'succeeded', summary: { ok: true } });
    expect(await store.leaseHolder('p', 'claim')).to.equal(undefined);
    expect(await store.claimJob(id)).to.deep.equal({ finished: true }); // delivered twice: not run again
    expect(await store.claimJob(second)).to.have.property('claimed');
    await store.finishAttempt(second, 1, { status: 'failed', error: { code: 'X', message: 'no' } });
    expect((await store.jobAttempts([id, second])).get(second)).to.deep.equal([
      { ...(await store.jobAttempts([second])).get(second)![0], attempt: 1, outcome: 'failed', error: { code: 'X', message: 'no' } },
    ]);
  });

  it('takes over a job whose worker stopped renewing its lease: that attempt is recorded as lost', async () => {
    const id = await store.enqueueJob(job({ recipe: 'dead' }), (sql, jobId) => queue.sendJob(sql, jobId));
    await store.claimJob(id);
    // Its worker still renews the lease: a second claim is busy. Once the lease lapses the job is taken over.
    await store.renewLease('p', 'dead', id);
    expect(await store.claimJob(id)).to.have.property('busy');
    const later = Date.now() + LEASE_TTL_MS + 1;
    const again = await store.claimJob(id, later);
    expect(again).to.deep.equal({ claimed: { jobId: id, attempt: 2, project: 'p', recipe: 'dead' } });
    const attempts = (await store.jobAttempts([id])).get(id)!;
    expect(attempts.map((a) => [a.attempt, a.outcome, (a.error as { code?: string } | undefined)?.code])).to.deep.equal([
      [1, 'lost', 'WORKER_LOST'],
      [2, null, undefined],
    ]);
    // Opening the store (as every CLI command does) leaves a queued job's recovery to the queue.
    expect(await store.markInterrupted(() => false)).to.equal(0);
    expect((await store.getJob(id))?.status).to.equal('running');
  });

  it("a worker's shutdown records the attempt as stopped and puts the job back in the queue, in one transaction", async () => {
    await drain();
    const id = await store.enqueueJob(job({ recipe: 'stop' }), (sql, jobId) => queue.sendJob(sql, jobId));
    await drain();
    await store.claimJob(id);
    await store.finishAttempt(id, 1, { status: 'stopped', error: { code: 'JOB_STOPPED', message: 'shutdown' } }, (sql, jobId) => queue.sendJob(sql, jobId));
    expect((await store.getJob(id))?.status).to.equal('queued');
    expect(await store.leaseHolder('p', 'stop')).to.equal(undefined);
    expect(await drain()).to.deep.equal([{ jobId: id }]);
    expect(await store.claimJob(id)).to.have.nested.property('claimed.attempt', 2);
  });

  it('fails a job the queue gave up on, once, naming its project and recipe', async () => {
    const id = await store.enqueueJob(job({ recipe: 'poison' }), (sql, jobId) => queue.sendJob(sql, jobId));
    await store.claimJob(id);
    expect(await store.failExhausted(id, { code: 'JOB_ATTEMPTS_EXHAUSTED', message: 'gave up' })).to.deep.equal({ project: 'p', recipe: 'poison' });
    expect(await store.getJob(id)).to.deep.include({ status: 'failed', error: { code: 'JOB_ATTEMPTS_EXHAUSTED', message: 'gave up' } });
    expect(await store.failExhausted(id, { code: 'JOB_ATTEMPTS_EXHAUSTED', message: 'gave up' })).to.equal(undefined);
    expect(await store.leaseHolder('p', 'poison')).to.equal(undefined);
  });

  it('a job whose project was removed is gone for the worker that draws it', async () => {
    expect(await store.claimJob(987654)).to.deep.equal({ gone: true });
  });
}, ['postgres']);
