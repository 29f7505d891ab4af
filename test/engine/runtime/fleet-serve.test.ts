/** `serve --queue`'s loop (fleet-serve.ts): ticks for started recipes, once per slot; every project's history pruned. */
import { expect } from 'chai';
import pg from 'pg';
import { silentLogger } from '../../../src/engine/logger.js';
import { JobQueue } from '../../../src/engine/queue/job-queue.js';
import { Fleet } from '../../../src/engine/runtime/fleet.js';
import { serveFleet } from '../../../src/engine/runtime/fleet-serve.js';
import { testConnector } from '../../fixtures/connectors/test-connector.js';
import { forEachDatabase } from '../../support/databases.js';
import { Harness } from './helpers.js';

forEachDatabase('runtime: serve --queue', function (db) {
  this.timeout(60_000);
  const harness = new Harness(db);
  after(() => harness.cleanup());

  it("queues one tick per slot for each started recipe, and prunes every project's history", async () => {
    const { rt, dataDir } = await harness.open('engine-poll');
    const url = (harness as unknown as { urls: Map<string, string> }).urls.get(dataDir)!;
    await rt.test('counter');
    await rt.test('counter');
    await rt.properties.set('job_retention_days', '1');
    const poller = rt.package.recipeOrder.find((n) => ['poll', 'schedule'].includes(rt.recipe(n).trigger.type))!;
    await rt.start(poller);
    await rt.close();
    // Both jobs ended two days ago.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE jobs SET finished_at = $1, started_at = $1`, [new Date(Date.now() - 2 * 86_400_000).toISOString()]);
    await client.end();

    const fleet = await Fleet.open({ databaseUrl: url, dataDir, connectors: [testConnector], logger: silentLogger(), secretKey: 'engine-test-key' });
    const queue = await JobQueue.open(url, { logger: silentLogger(), supervise: false });
    const controller = new AbortController();
    const ticks: string[] = [];
    const pruned: { project: string; jobs: number }[] = [];
    // Two `serve --queue` at once: each sends the slot's tick, pg-boss keeps one (the hour-long slot of `every: 1h`).
    const serving = Promise.all([0, 1].map((i) => serveFleet(fleet, queue, {
      signal: controller.signal,
      watchMs: 50,
      pruneEveryMs: i === 0 ? undefined : 0,
      onTick: (project, recipe) => ticks.push(`${project}/${recipe}`),
      onPrune: (project, report) => pruned.push({ project, jobs: report.jobs }),
    })));
    const deadline = Date.now() + 20_000;
    while ((ticks.length === 0 || pruned.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await serving;
    expect(pruned).to.deep.equal([{ project: 'default', jobs: 1 }]); // the latest (and latest success) stays
    expect(ticks[0]).to.equal(`default/${poller}`);
    expect(ticks).to.have.length(1);
    const queued = await queue.draw(10);
    expect(queued.map((e) => e.data)).to.deep.equal([{ tick: { project: 'default', recipe: poller } }]);
    await queue.close();
    await fleet.close();
  });
}, ['postgres']);
