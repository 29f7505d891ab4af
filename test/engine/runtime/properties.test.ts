import { expect } from 'chai';
import type { Runtime } from '../../../src/index.js';
import { Harness, rejection, runTest, type Probe } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

forEachDatabase('runtime: project properties in jobs', (db) => {
  const harness = new Harness(db);
  let rt: Runtime;
  let probe: Probe;
  beforeEach(async () => {
    ({ rt, probe } = (await harness.open('engine-props')));
  });
  after(() => harness.cleanup());

  it('refuses to run with PROPERTY_MISSING naming the missing property', async () => {
    const err = await rejection(rt.test('show'));
    expect(err.code).to.equal('PROPERTY_MISSING');
    expect(err.message).to.include("'label'");
    expect(err.details).to.deep.equal({ missing: ['label'] });
  });

  it('names the command that sets it', async () => {
    const err = await rejection(rt.test('show'));
    expect(err.hint).to.equal('recipes properties set label VALUE');
  });

  it('records the job as failed with that error when a property is missing', async () => {
    await rejection(rt.test('show'));
    const jobs = await rt.jobs('show');
    expect(jobs.map((j) => [j.status, (j.error as { code?: string }).code])).to.deep.equal([['failed', 'PROPERTY_MISSING']]);
  });

  it('applies declared defaults, typed', async () => {
    await rt.properties.set('label', 'Uptown');
    const job = await runTest(rt, 'show');
    expect(job.summary).to.deep.equal({ text: 'Uptown/US', retries: 2 });
  });

  it('prefers a set value over the default', async () => {
    await rt.properties.set('label', 'Uptown');
    await rt.properties.set('retries', '5');
    const job = await runTest(rt, 'show');
    expect(job.summary).to.deep.equal({ text: 'Uptown/US', retries: 5 });
  });

  it('hands the decrypted secret to the connection settings', async () => {
    await rt.properties.set('label', 'Uptown');
    await rt.properties.set('api_secret', 'tok-93b1');
    await runTest(rt, 'show');
    expect(probe.handles.map((h) => h.settings)).to.deep.equal([{ prefix: 'US', token: 'tok-93b1' }]);
  });

  it('decrypts the secret in a runtime opened later on the same data dir', async () => {
    await rt.properties.set('label', 'Uptown');
    await rt.properties.set('api_secret', 'tok-93b1');
    const again = await harness.open('engine-props', { dataDir: rt.storeInfo.dataDir });
    await runTest(again.rt, 'show');
    expect(again.probe.handles[0]?.settings.token).to.equal('tok-93b1');
  });
});
