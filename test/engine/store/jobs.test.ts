import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { RecipeError } from '../../../src/engine/errors.js';
import type { Store, StepRecord } from '../../../src/engine/store/index.js';
import { rawExec, TempDirs, thrown } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

const job = (recipe = 'r', extra: Partial<Parameters<Store['createJob']>[0]> = {}) => ({
  project: 'pkg',
  recipe,
  test: false,
  dryRun: false,
  trigger: { type: 'manual' },
  ...extra,
});

function step(seq: number, extra: Partial<StepRecord> = {}): StepRecord {
  return { seq, stepId: 'create', path: `each[${seq}].create`, status: 'succeeded', startedAt: '2024-01-01T00:00:00.000Z', durationMs: 3, ...extra };
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

forEachDatabase('store: jobs and steps', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  it('creates a running job with integer id and its trigger data', async () => {
    const store = await temp.open();
    const id = await store.createJob(job('r', { test: true, eventId: 'evt-1', trigger: { id: 'e1', n: 2 } }));
    expect(id).to.be.a('number');
    expect(await store.getJob(id)).to.deep.include({
      id, project: 'pkg', pkg: null, packageVersion: null, packageHash: null, recipe: 'r', status: 'running', test: true, dryRun: false,
      trigger: { id: 'e1', n: 2 }, eventId: 'evt-1', rerunOf: null, finishedAt: null, durationMs: null,
    });
  });

  it('records the package a job ran: name, version and content hash', async () => {
    const store = await temp.open();
    const hash = 'a'.repeat(64);
    const id = await store.createJob(job('r', { package: { name: 'wiw-provisioning', version: '1.2.0', hash } }));
    expect(await store.getJob(id)).to.deep.include({ project: 'pkg', pkg: 'wiw-provisioning', packageVersion: '1.2.0', packageHash: hash });
    const leased = await store.startJob(job('s', { package: { name: 'wiw-provisioning', hash } }));
    expect(await store.getJob((leased as { jobId: number }).jobId)).to.deep.include({ pkg: 'wiw-provisioning', packageVersion: null, packageHash: hash });
  });

  it('finishes a job with status, summary, error and duration', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    await store.finishJob(id, { status: 'failed', error: { code: 'SEAT_LIMIT', message: 'no seats' }, summary: { created: 3 } });
    const j = (await store.getJob(id))!;
    expect(j).to.deep.include({ status: 'failed', error: { code: 'SEAT_LIMIT', message: 'no seats' }, summary: { created: 3 } });
    expect(j.durationMs).to.be.at.least(0);
    expect(j.finishedAt).to.be.a('string');
  });

  it('hands the summary out whole to every way of reading a record (it is parsed on first read)', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    const summary = { created: 2, new_users: [{ employee: 'Ana' }, { employee: 'Bo' }] };
    await store.finishJob(id, { status: 'succeeded', summary });
    const j = (await store.getJob(id))!;
    expect(JSON.parse(JSON.stringify(j)).summary).to.deep.equal(summary);
    expect({ ...j }.summary).to.deep.equal(summary);
    expect(structuredClone(j).summary).to.deep.equal(summary);
    expect(j.summary).to.equal(j.summary);
  });

  it('stores an Error in its serialized shape', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    await store.finishJob(id, { status: 'failed', error: new RecipeError('WIW_DOWN', 'WIW answered 503', { retryable: true }) });
    expect((await store.getJob(id))!.error).to.deep.equal({ code: 'WIW_DOWN', kind: 'operational', message: 'WIW answered 503' });
  });

  it('refuses to finish a job twice', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    await store.finishJob(id, { status: 'succeeded' });
    expect((await thrown(async () => (await store.finishJob(id, { status: 'failed' })))).code).to.equal('JOB_NOT_RUNNING');
  });

  it('reports an unknown job as JOB_NOT_FOUND when finishing', async () => {
    expect((await thrown(async () => (await temp.open()).finishJob(999, { status: 'succeeded' }))).code).to.equal('JOB_NOT_FOUND');
  });

  it('records a rerun link', async () => {
    const store = await temp.open();
    const first = await store.createJob(job());
    const again = await store.createJob(job('r', { rerunOf: first }));
    expect((await store.getJob(again))!.rerunOf).to.equal(first);
  });

  it('lists jobs newest first, filtered by recipe and status, limited', async () => {
    const store = await temp.open();
    const a = await store.createJob(job('a'));
    const b = await store.createJob(job('b'));
    const c = await store.createJob(job('a'));
    await store.finishJob(c, { status: 'succeeded' });
    expect((await store.listJobs({ project: 'pkg' })).map((j) => j.id)).to.deep.equal([c, b, a]);
    expect((await store.listJobs({ project: 'pkg', recipe: 'a' })).map((j) => j.id)).to.deep.equal([c, a]);
    expect((await store.listJobs({ project: 'pkg', status: 'running' })).map((j) => j.id)).to.deep.equal([b, a]);
    expect((await store.listJobs({ project: 'pkg', limit: 1 })).map((j) => j.id)).to.deep.equal([c]);
    expect(await store.listJobs({ project: 'other' })).to.deep.equal([]);
  });

  it('finds the last job and the last succeeded one (tests count, dry runs do not)', async () => {
    const store = await temp.open();
    const ok = await store.createJob(job('r', { test: true }));
    await store.finishJob(ok, { status: 'succeeded' });
    const dry = await store.createJob(job('r', { dryRun: true }));
    await store.finishJob(dry, { status: 'succeeded' });
    const bad = await store.createJob(job());
    await store.finishJob(bad, { status: 'failed' });
    expect((await store.lastJob('pkg', 'r'))?.id).to.equal(bad);
    expect((await store.lastSucceeded('pkg', 'r'))?.id).to.equal(ok);
    expect(await store.lastSucceeded('pkg', 'never')).to.equal(undefined);
  });

  it('inserts a batch of steps and reads them back in order', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    await store.addSteps(id, [step(2, { output: { id: 5 } }), step(1, { input: { email: 'a@b.c' } })]);
    await store.addSteps(id, [step(3, { status: 'failed', error: { code: 'X', message: 'm' } })]);
    const steps = await store.getSteps(id);
    expect(steps.map((s) => s.seq)).to.deep.equal([1, 2, 3]);
    expect(steps[0]).to.deep.equal(step(1, { input: { email: 'a@b.c' } }));
    expect(steps[2]!.error).to.deep.equal({ code: 'X', message: 'm' });
  });

  it('writes a batch entirely or not at all', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    await thrown(() => store.addSteps(id, [step(1), step(1)]));
    expect(await store.getSteps(id)).to.deep.equal([]);
  });

  it('refuses steps of an unknown job', async () => {
    expect((await thrown(async () => (await temp.open()).addSteps(12345, [step(1)]))).code).to.equal('JOB_NOT_FOUND');
  });

  it('inserts 100,000 step rows in one batch', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    const rows = Array.from({ length: 100_000 }, (_, i) => step(i, { input: { i }, output: { id: i } }));
    const t0 = performance.now();
    await store.addSteps(id, rows);
    const ms = performance.now() - t0;
    expect(await store.getSteps(id)).to.have.length(100_000);
    // reported, not asserted: timing depends on the machine
    console.log(`      (100,000 steps inserted in ${Math.round(ms)} ms)`);
  });

  it('leaves running jobs of a live process alone', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    expect(await store.markInterrupted()).to.equal(0);
    expect((await store.getJob(id))!.status).to.equal('running');
  });

  it('fails running jobs whose owner the predicate says is gone', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    expect(await store.markInterrupted(() => false)).to.equal(1);
    expect(await store.getJob(id)).to.deep.include({
      status: 'failed',
      error: { code: 'JOB_INTERRUPTED', kind: 'operational', message: 'The process stopped while this job ran.' },
    });
  });

  it('fails, on open, jobs left running by a process that died', async () => {
    const store = await temp.open();
    const id = await store.createJob(job());
    const done = await store.createJob(job());
    await store.finishJob(done, { status: 'succeeded' });
    const url = db.kind === 'postgres' ? temp.urlOf(store) : undefined;
    await store.close();
    await rawExec(temp, store, 'UPDATE jobs SET pid = ?', deadPid());
    const reopened = await temp.open({ dataDir: store.dataDir, databaseUrl: url });
    expect((await reopened.getJob(id))!.status).to.equal('failed');
    expect((await reopened.getJob(done))!.status).to.equal('succeeded');
  });
});
