/**
 * Retention in the store: which finished jobs a prune deletes (with their steps and trigger data), which it
 * keeps whatever their age, the dry run, and (SQLite) the file giving the space back.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import type { FinishedJobStatus, Store, StepRecord } from '../../../src/engine/store/index.js';
import { rawExec, TempDirs } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

const P = 'acme';
/** A cutoff after every job made so far: all finished jobs count as old. */
const future = () => new Date(Date.now() + 60_000).toISOString();

function steps(n: number, payload = ''): StepRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i, stepId: 'create', path: `each[${i}].create`, status: 'succeeded' as const, output: { note: payload }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 2,
  }));
}

/** A finished job of `recipe` with `stepCount` steps; returns its id. */
async function finished(store: Store, recipe: string, status: FinishedJobStatus, o: { stepCount?: number; dryRun?: boolean; rerunOf?: number; project?: string; payload?: string } = {}): Promise<number> {
  const id = await store.createJob({ project: o.project ?? P, recipe, test: false, dryRun: o.dryRun ?? false, trigger: { type: 'manual', n: 1 }, rerunOf: o.rerunOf });
  await store.addSteps(id, steps(o.stepCount ?? 3, o.payload));
  await store.finishJob(id, { status, summary: { ok: status === 'succeeded' } });
  return id;
}

async function ids(store: Store, project = P): Promise<number[]> {
  return (await store.listJobs({ project, limit: 1000 })).map((j) => j.id).sort((a, b) => a - b);
}

forEachDatabase('store: pruning job history', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  it('deletes finished jobs older than the cutoff with their steps and trigger data, and counts them', async () => {
    const store = await temp.open();
    const a1 = await finished(store, 'a', 'succeeded', { stepCount: 4 });
    const a2 = await finished(store, 'a', 'failed', { stepCount: 5 });
    const a3 = await finished(store, 'a', 'succeeded', { stepCount: 2 });
    const a4 = await finished(store, 'a', 'failed', { stepCount: 1 });
    const result = await store.pruneJobs({ project: P, before: future() });
    expect(result).to.include({ jobs: 2, steps: 9, kept: 2 });
    expect(await ids(store)).to.deep.equal([a3, a4]);
    expect(await store.getJob(a1)).to.equal(undefined);
    expect(await store.getSteps(a2)).to.deep.equal([]);
    expect(await store.getSteps(a3)).to.have.length(2);
    expect((await store.getJob(a3))?.trigger).to.deep.equal({ type: 'manual', n: 1 });
  });

  it("keeps each recipe's latest successful job whatever its age (the proof `needs` reads), dry runs aside", async () => {
    const store = await temp.open();
    const success = await finished(store, 'setup', 'succeeded');
    const dry = await finished(store, 'setup', 'succeeded', { dryRun: true });
    const later = await finished(store, 'setup', 'failed');
    const other = await finished(store, 'other', 'succeeded');
    const before = await store.lastSucceeded(P, 'setup');
    await store.pruneJobs({ project: P, before: future() });
    expect(await ids(store)).to.deep.equal([success, later, other]);
    expect((await store.lastSucceeded(P, 'setup'))?.id).to.equal(before?.id).and.to.equal(success);
    expect(await store.getSteps(success)).to.have.length(3);
    expect(await store.getJob(dry)).to.equal(undefined);
  });

  it('never deletes a running job, nor one holding a lease', async () => {
    const store = await temp.open();
    const old = await finished(store, 'r', 'failed');
    await finished(store, 'r', 'succeeded');
    const running = await store.createJob({ project: P, recipe: 'r', test: false, dryRun: false, trigger: null });
    const leased = await store.startJob({ project: P, recipe: 'q', test: false, dryRun: false, trigger: null });
    const result = await store.pruneJobs({ project: P, before: future() });
    expect(result.jobs).to.equal(1);
    expect(await store.getJob(old)).to.equal(undefined);
    expect((await store.getJob(running))?.status).to.equal('running');
    expect((await store.getJob((leased as { jobId: number }).jobId))?.status).to.equal('running');
  });

  it('keeps the job a kept rerun replays, and its own original in turn', async () => {
    const store = await temp.open();
    const original = await finished(store, 'r', 'failed');
    const firstRerun = await finished(store, 'r', 'failed', { rerunOf: original });
    const unrelated = await finished(store, 'r', 'failed');
    await finished(store, 'r', 'succeeded', { rerunOf: firstRerun });
    // Only the first three are old: the last rerun is recent, so what it replays stays.
    await rawExec(temp, store, `update jobs set finished_at = ? where id in (?, ?, ?)`, '2020-01-01T00:00:00.000Z', original, firstRerun, unrelated);
    const result = await store.pruneJobs({ project: P, before: '2021-01-01T00:00:00.000Z' });
    expect(result).to.include({ jobs: 1, kept: 2 });
    expect(await store.getJob(unrelated)).to.equal(undefined);
    expect((await store.getJob(firstRerun))?.rerunOf).to.equal(original);
  });

  it('touches only jobs that finished before the cutoff, of the project given; other state is not job history', async () => {
    const store = await temp.open();
    const old = await finished(store, 'r', 'failed');
    const recent = await finished(store, 'r', 'failed');
    await finished(store, 'r', 'failed');
    const elsewhere = await finished(store, 'r', 'failed', { project: 'other' });
    await finished(store, 'r', 'failed', { project: 'other' });
    await rawExec(temp, store, `update jobs set finished_at = ? where id = ?`, '2020-01-01T00:00:00.000Z', old);
    await store.setProperty(P, 'wiw_email', 'a@b.c', false);
    await store.setRunning(P, 'r', true);
    await store.setCursor(P, 'r', { since: 5 });
    await store.mappings(P).set('location', 'goco-1', '101');
    const result = await store.pruneJobs({ project: P, before: '2021-01-01T00:00:00.000Z' });
    expect(result).to.include({ jobs: 1, steps: 3, kept: 0 });
    expect(await store.getJob(recent)).to.not.equal(undefined);
    expect(await store.getJob(elsewhere)).to.not.equal(undefined);
    expect((await store.getProperty(P, 'wiw_email'))?.value).to.equal('a@b.c');
    expect(await store.getRecipe(P, 'r')).to.deep.include({ running: true, cursor: { since: 5 } });
    expect(await store.mappings(P).get('location', 'goco-1')).to.equal('101');
  });

  it('a dry run counts what it would delete and changes nothing', async () => {
    const store = await temp.open();
    await finished(store, 'r', 'failed', { stepCount: 7 });
    await finished(store, 'r', 'failed', { stepCount: 2 });
    await finished(store, 'r', 'succeeded', { stepCount: 1 });
    await finished(store, 'r', 'failed', { stepCount: 1 });
    const all = await ids(store);
    const before = future();
    const dry = await store.pruneJobs({ project: P, before, dryRun: true });
    expect(dry).to.deep.equal({ jobs: 2, steps: 9, kept: 2 });
    expect(await ids(store)).to.deep.equal(all);
    for (const id of all) expect(await store.getSteps(id)).to.not.deep.equal([]);
    expect(await store.pruneJobs({ project: P, before })).to.include({ jobs: 2, steps: 9, kept: 2 });
  });

  it('deletes write keys untouched for a day (no job works from a listing that old), keeps newer ones', async () => {
    const store = await temp.open();
    const dayAgo = new Date(Date.now() - 86_400_000 - 60_000).toISOString();
    await rawExec(temp, store, 'INSERT INTO write_keys (project, key, value, updated_at) VALUES (?, ?, ?, ?)', P, 'old', 'done 1', dayAgo);
    await rawExec(temp, store, 'INSERT INTO write_keys (project, key, value, updated_at) VALUES (?, ?, ?, ?)', 'other', 'old', 'done 2', dayAgo);
    await store.writeKeys(P, '5').done('new', '3');
    await store.pruneJobs({ project: P, before: future(), dryRun: true });
    expect(await store.writeKeys(P, '6').take('old')).to.deep.include({ result: '1' });
    await store.pruneJobs({ project: P, before: future() });
    expect(await store.writeKeys(P, '6').take('old')).to.deep.equal({ taken: true });
    expect(await store.writeKeys(P, '6').take('new')).to.deep.include({ result: '3' });
    expect(await store.writeKeys('other', '6').take('old'), "another project's keys are its own prune's").to.deep.include({ result: '2' });
  });
});

// PostgreSQL: plain DELETEs; its autovacuum makes the space reusable and the files keep their size.
forEachDatabase('store: pruning gives the space back', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());
  const KB = 'x'.repeat(1024);

  /** state.db's size once everything is in it (closing checkpoints the WAL into the file). */
  async function sizeAfterClose(store: Store): Promise<number> {
    await store.close();
    return statSync(store.location).size;
  }

  async function fill(store: Store): Promise<void> {
    for (let i = 0; i < 12; i++) await finished(store, 'sync', 'failed', { stepCount: 400, payload: KB });
    await finished(store, 'sync', 'succeeded', { stepCount: 1 });
  }

  it('a new state.db uses incremental auto-vacuum, and shrinks after a prune', async () => {
    const dataDir = temp.dir();
    const store = await temp.open({ dataDir });
    await fill(store);
    const full = await sizeAfterClose(store);
    expect(full).to.be.above(4_000_000);
    const again = await temp.open({ dataDir });
    const result = await again.pruneJobs({ project: P, before: future() });
    expect(result).to.include({ jobs: 12, steps: 4800, convertedToIncrementalVacuum: false });
    expect(result.fileBytes!.after).to.be.below(full / 4);
    const after = await sizeAfterClose(again);
    expect(after).to.be.below(full / 4);
    const raw = new Database(again.location, { readonly: true });
    try {
      expect(raw.pragma('auto_vacuum', { simple: true })).to.equal(2);
    } finally {
      raw.close();
    }
  });

  it('a state.db made before incremental auto-vacuum is rewritten once on its first prune, then shrinks like a new one', async () => {
    const dataDir = temp.dir();
    const store = await temp.open({ dataDir });
    await fill(store);
    await store.close();
    // As an earlier release left it: no auto-vacuum.
    const raw = new Database(store.location);
    raw.pragma('auto_vacuum = NONE');
    raw.exec('VACUUM');
    expect(raw.pragma('auto_vacuum', { simple: true })).to.equal(0);
    raw.close();
    const full = statSync(store.location).size;
    const reopened = await temp.open({ dataDir });
    const first = await reopened.pruneJobs({ project: P, before: future() });
    expect(first).to.include({ jobs: 12, convertedToIncrementalVacuum: true });
    const small = await sizeAfterClose(reopened);
    expect(small).to.be.below(full / 4);
    const third = await temp.open({ dataDir });
    await fill(third);
    const refilled = await sizeAfterClose(third);
    const fourth = await temp.open({ dataDir });
    // 13: the first fill's success is no longer the latest.
    expect(await fourth.pruneJobs({ project: P, before: future() })).to.include({ jobs: 13, convertedToIncrementalVacuum: false });
    expect(await sizeAfterClose(fourth)).to.be.below(refilled / 4);
  });
}, ['sqlite']);
