/**
 * A fleet's first start, as processes: `recipes serve --queue` and three `recipes worker` spawned at the same
 * moment on a database whose store is migrated but has no queue yet, ten times on fresh databases. Each must
 * come up: the queues and the request-budget table are made once, by whichever process gets there first
 * (test/engine/queue/job-queue.test.ts has the in-process version). Before that fix about one start in eight
 * ended a worker with "deadlock detected".
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../../src/emulators/index.js';
import { generateSeed } from '../../../src/emulators/seed/index.js';
import { skipBecause } from '../../skip.js';
import { postgresUnavailable } from '../../support/postgres.js';
import { soakDescribe } from '../helpers.js';
import { FleetHarness } from './fleet-support.js';

const ROUNDS = 10;

soakDescribe('fleet start: serve and three workers at once on a fresh database', function () {
  this.timeout(600_000);
  let pair: EmulatorPair;

  before(async function () {
    const reason = postgresUnavailable();
    if (reason) skipBecause(this, reason);
    pair = await startEmulators({ seed: generateSeed({ seed: 1, employees: 20, wiwUsers: 5 }) });
  });
  after(async () => {
    await pair?.close();
  });

  it(`every process comes up, ${ROUNDS} times over`, async () => {
    const failures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const fleet = await FleetHarness.create();
      try {
        await fleet.addProject('acme', pair, {}, false);
        const serve = fleet.spawn(['serve', '--queue']);
        const up = await Promise.allSettled([fleet.worker(), fleet.worker(), fleet.worker(), serve.waitFor(/^serving the queue/, 0, 60_000)]);
        for (const r of up) if (r.status === 'rejected') failures.push(`round ${round}: ${String(r.reason)}`);
      } finally {
        await fleet.close();
      }
    }
    expect(failures).to.deep.equal([]);
  });
});
