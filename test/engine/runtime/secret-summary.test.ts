import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Runtime } from '../../../src/engine/runtime/runtime.js';
import { testConnector } from '../../fixtures/connectors/test-connector.js';

describe('runtime: a job record never keeps a secret, even one an API handed back into a summary', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-secret-summary-'));
  let rt: Runtime;
  before(async () => {
    rt = await Runtime.open({ packageDir: 'test/fixtures/packages/engine-secret-summary', dataDir, connectors: [testConnector], secretKey: 'test' });
    await rt.properties.set('api_token', 's3cr3t-t0ken');
  });
  after(async () => {
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('replaces the secret in the stored summary', async () => {
    const job = await rt.test('careless');
    expect(job?.status).to.equal('succeeded');
    expect((await rt.job(job!.id)).summary).to.deep.equal({ leak: 'Bearer [redacted]', note: 'the token is [redacted]' });
  });
});
