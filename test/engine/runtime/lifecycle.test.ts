/**
 * The job lifecycle's failure branches (src/engine/runtime/job-lifecycle.ts): a failure in any phase ends
 * as a recorded failed job with its reason, the recipe's lease released and job:end emitted.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import type { JobRecord, Runtime } from '../../../src/index.js';
import { forEachDatabase } from '../../support/databases.js';
import { Harness, rejection, runTest } from './helpers.js';

interface StoredError {
  code: string;
  kind: string;
  message: string;
  hint?: string;
  details?: { phase?: string };
}

/** Runs `run` and returns what it threw (if it did) and the job:end record it emitted. */
async function ended(rt: Runtime, run: () => Promise<unknown>): Promise<{ thrown?: Error & { code?: string }; job: JobRecord }> {
  const end = once(rt, 'job:end') as Promise<[JobRecord]>;
  let thrown: (Error & { code?: string }) | undefined;
  try {
    await run();
  } catch (error) {
    thrown = error as Error & { code?: string };
  }
  const [job] = await end;
  return { thrown, job };
}

forEachDatabase('runtime: job lifecycle failures', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  beforeEach(async () => {
    ({ rt } = await harness.open('engine-lifecycle'));
  });
  after(() => harness.cleanup());

  it('properties missing: the job is recorded failed with PROPERTY_MISSING and its hint, and the error is thrown', async () => {
    const { thrown, job } = await ended(rt, () => rt.test('show'));
    expect(thrown?.code).to.equal('PROPERTY_MISSING');
    const stored = await rt.job(job.id);
    expect(stored.status).to.equal('failed');
    const error = stored.error as StoredError;
    expect([error.code, error.kind, error.message, error.hint, error.details?.phase]).to.deep.equal([
      'PROPERTY_MISSING',
      'user',
      "Project property 'label' (Label) is not set.",
      'recipes properties set label VALUE',
      'properties',
    ]);
    await rt.properties.set('label', 'Uptown');
    expect((await runTest(rt, 'show')).status).to.equal('succeeded'); // not RECIPE_BUSY: the lease was released
  });

  it('a connection that cannot be built: the job is recorded failed with CONNECTION_SETTINGS', async () => {
    await rt.properties.set('label', 'Uptown');
    await rt.properties.set('prefix', '5');
    const { thrown, job } = await ended(rt, () => rt.test('show'));
    expect(thrown?.code).to.equal('CONNECTION_SETTINGS');
    const error = (await rt.job(job.id)).error as StoredError;
    expect([job.status, error.code, error.details?.phase]).to.deep.equal(['failed', 'CONNECTION_SETTINGS', 'connections']);
    expect(error.message).to.include("Connection 'sink'");
    await rt.properties.unset('prefix');
    expect((await runTest(rt, 'show')).status).to.equal('succeeded');
  });

  it('an exception thrown inside the interpreter (a step listener): the job is recorded failed with it', async () => {
    await rt.properties.set('label', 'Uptown');
    const listener = () => {
      throw new Error('the host listener broke');
    };
    rt.on('step', listener);
    const { thrown, job } = await ended(rt, () => rt.test('show'));
    rt.off('step', listener);
    expect(thrown).to.equal(undefined);
    const error = (await rt.job(job.id)).error as StoredError;
    expect([job.status, error.code, error.message]).to.deep.equal(['failed', 'INTERNAL', 'the host listener broke']);
    expect((await runTest(rt, 'show')).status).to.equal('succeeded');
  });

  it('a job:start listener that throws does not leave the job running', async () => {
    await rt.properties.set('label', 'Uptown');
    const listener = () => {
      throw new Error('the host listener broke');
    };
    rt.on('job:start', listener);
    const { thrown, job } = await ended(rt, () => rt.test('show'));
    rt.off('job:start', listener);
    expect([thrown, job.status]).to.deep.equal([undefined, 'succeeded']);
    expect((await runTest(rt, 'show')).status).to.equal('succeeded');
  });

  it('a polled event whose job failed before its steps is run again, as a rerun of that job, and only then passed', async () => {
    await rt.properties.set('prefix', '5');
    const failed = await rejection(rt.test('events'));
    expect(failed.code).to.equal('CONNECTION_SETTINGS');
    await rt.properties.unset('prefix');
    const again = await rt.test('events');
    const first = (await rt.jobs('events')).at(-1) as JobRecord;
    expect([again?.status, again?.eventId, again?.rerunOf]).to.deep.equal(['succeeded', '1', first.id]);
    expect((await rt.test('events'))?.summary).to.deep.equal({ n: 2 });
  });
});

describe('runtime: job lifecycle, step records that cannot be written [sqlite]', () => {
  const harness = new Harness();
  after(() => harness.cleanup());

  it('the job is recorded failed with the write error, the lease released, job:end emitted', async () => {
    const { rt, dataDir } = await harness.open('engine-lifecycle');
    await rt.properties.set('label', 'Uptown');
    // A real fault: another connection takes the steps table away, as a damaged or foreign schema would.
    const other = new Database(join(dataDir, 'state.db'));
    other.exec('ALTER TABLE steps RENAME TO steps_away');
    const { thrown, job } = await ended(rt, () => rt.test('show'));
    expect(thrown).to.equal(undefined);
    const error = (await rt.job(job.id)).error as StoredError;
    expect([job.status, error.details?.phase]).to.deep.equal(['failed', 'records']);
    expect(error.message).to.match(/no such table: steps/);
    other.exec('ALTER TABLE steps_away RENAME TO steps');
    other.close();
    expect((await runTest(rt, 'show')).status).to.equal('succeeded');
  });
});
