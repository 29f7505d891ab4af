import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { registerFunction, unregisterFunction } from '../../../src/engine/expressions/index.js';
import { Runtime } from '../../../src/engine/runtime/runtime.js';

describe('runtime: a job whose expression hits a limit is recorded failed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-limits-'));
  let rt: Runtime;
  before(async () => {
    // Stands for a slow built-in: one call, no AST nodes visited while it runs.
    registerFunction('busyForTest', (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return ms;
    }, '<n:n>');
    rt = await Runtime.open({ packageDir: 'test/fixtures/packages/engine-limits', dataDir, connectors: [], secretKey: 'test' });
  });
  after(async () => {
    unregisterFunction('busyForTest');
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The loop may meet the clock before the step count on a loaded machine: either limit will do.
  for (const [recipe, limits] of [['slow-builtin', ['time']], ['many-steps', ['steps', 'time']]] as const) {
    it(`${recipe}: failed with EXPRESSION_LIMIT (${limits.join(' or ')}), never succeeded`, async () => {
      const job = await rt.test(recipe);
      const record = await rt.job(job!.id);
      expect(record.status).to.equal('failed');
      expect(record.error).to.deep.include({ code: 'EXPRESSION_LIMIT' });
      expect((record.error as { details?: { limit?: string } }).details?.limit).to.be.oneOf([...limits]);
    });
  }
});
