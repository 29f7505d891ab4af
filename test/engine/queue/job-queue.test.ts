/**
 * A fleet's first start: serve and its workers open the job queue and the shared request budgets at the
 * same moment, on a database that has neither queue yet. Two pg-boss `createQueue` calls at once can
 * deadlock in PostgreSQL (each inserts its queue row, then adds a foreign key to the queue table), and
 * rate-limiter-flexible's `create table if not exists` fails for all but one of several processes: either
 * ended a worker at start. test/soak/fleet/startup.test.ts does the same with real processes.
 */
import { expect } from 'chai';
import { silentLogger } from '../../../src/engine/logger.js';
import { DEAD_QUEUE, JobQueue, RUN_QUEUE } from '../../../src/engine/queue/job-queue.js';
import { SharedBudgets } from '../../../src/engine/queue/rate-budget.js';
import { skipBecause } from '../../skip.js';
import { createDatabase, postgresUnavailable, queryRows } from '../../support/postgres.js';
import { TempDirs } from '../store/helpers.js';

const OPENERS = 8;
const ROUNDS = 6;

const rejections = (settled: PromiseSettledResult<unknown>[]) => settled.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));

describe('job queue and request budgets: opened by many processes at once [postgres]', function () {
  this.timeout(120_000);
  before(function () {
    const reason = postgresUnavailable();
    if (reason) skipBecause(this, reason);
  });

  it(`${OPENERS} queue opens at once, where pg-boss is installed but no queue made, all succeed and make each queue once (${ROUNDS} rounds)`, async () => {
    const url = await createDatabase('recipes_queue_open');
    await (await JobQueue.open(url, { logger: silentLogger(), supervise: false, maxConnections: 1 })).close();
    for (let round = 1; round <= ROUNDS; round++) {
      await queryRows(url, `select pgboss.delete_queue(name) from pgboss.queue order by name = '${DEAD_QUEUE}'`);
      const opened = await Promise.allSettled(Array.from({ length: OPENERS }, () => JobQueue.open(url, { logger: silentLogger(), supervise: false, maxConnections: 1 })));
      await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
      expect(rejections(opened), `round ${round}`).to.deep.equal([]);
      expect((await queryRows<{ name: string }>(url, 'select name from pgboss.queue order by name')).map((r) => r.name)).to.deep.equal([DEAD_QUEUE, RUN_QUEUE].sort());
    }
  });

  it(`${OPENERS} budget opens at once on a migrated store all succeed, and share one count`, async () => {
    const temp = new TempDirs();
    const url = await createDatabase('recipes_budget_open');
    await temp.open({ databaseUrl: url }); // migrates
    try {
      const opened = await Promise.allSettled(Array.from({ length: OPENERS }, () => SharedBudgets.open(url)));
      try {
        expect(rejections(opened)).to.deep.equal([]);
        const budgets = opened.map((o) => (o as PromiseFulfilledResult<SharedBudgets>).value);
        await Promise.all(budgets.map((b) => b.budget('acme/wiw', 600).take()));
        const rows = await queryRows<{ points: number }>(url, 'select points from rate_budget');
        expect(rows.map((r) => r.points)).to.deep.equal([OPENERS]);
      } finally {
        await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
      }
    } finally {
      await temp.cleanup();
    }
  });
});
