/**
 * Issue 15, the rate budget across workers: one project whose When I Work account allows 600 requests a
 * minute (property wiw_requests_per_minute; the emulator answers 429 beyond it), three `recipes worker`
 * processes running employee-sync (GoCo changes, its ticks queued by `recipes serve --queue`) and
 * all-employees-sync at once. A counting proxy in front of the emulator sees every request: no rolling
 * minute above 600, no 429, and at least 90% of the budget used while both recipes run.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../../src/emulators/index.js';
import { generateSeed } from '../../../src/emulators/seed/index.js';
import type { JobRecord } from '../../../src/engine/store/index.js';
import { until } from '../../cli/helpers.js';
import { ALL, PACKAGE_DIR, tempDir } from '../../faults/package-run.js';
import { skipBecause } from '../../skip.js';
import { postgresUnavailable } from '../../support/postgres.js';
import { busiestMinute, startCountingProxy, type CountingProxy, type Seen } from '../counting-proxy.js';
import { SOAK_EMPLOYEES, soakDescribe } from '../helpers.js';
import { FleetHarness } from './fleet-support.js';

const BUDGET = 600;
const MINUTE = 60_000;
const CHANGES = 300;

/** Wall-clock ms of a request the proxy saw. */
const wall = (s: Seen) => performance.timeOrigin + s.at;


soakDescribe(`fleet rate budget: 3 workers share one account's ${BUDGET} requests a minute`, function () {
  this.timeout(900_000);
  let fleet: FleetHarness;
  let pair: EmulatorPair;
  let proxy: CountingProxy;
  let pkg: { dir: string; remove: () => void };
  let fromWorkers: Seen[];
  let all: JobRecord;
  let changes: JobRecord[];

  before(async function () {
    const reason = postgresUnavailable();
    if (reason) skipBecause(this, reason);
    pkg = tempDir('recipes-fleet-pkg-');
    const dir = join(pkg.dir, 'wiw-provisioning');
    cpSync(PACKAGE_DIR, dir, { recursive: true });
    const sync = join(dir, 'employee-sync.yaml');
    writeFileSync(sync, readFileSync(sync, 'utf8').replace(/every: \d+[a-z]+/, 'every: 2s'));

    const seed = generateSeed({ seed: 13, employees: SOAK_EMPLOYEES, wiwUsers: Math.round(SOAK_EMPLOYEES * 0.6) });
    pair = await startEmulators({ seed, wiwRateLimit: { limit: BUDGET, mode: '429' } });
    proxy = await startCountingProxy(pair.wiw.url);
    fleet = await FleetHarness.create();
    await fleet.addProject('acme', pair, { wiw_login_url: proxy.url, wiw_api_url: `${proxy.url}/2`, wiw_requests_per_minute: String(BUDGET) }, true, dir);
    const started = fleet.spawn(['--project', 'acme', 'start', 'employee-sync']);
    expect(await started.exited).to.equal(0);
    const active = pair.goco.snapshot().employees.filter((e) => e.status === 'active' && e.syncToWhenIWork !== false);
    // A pay change, not one of the keys people are matched by: a changed email would make its employee a
    // new hire to all-employees-sync, and the seed's seats are counted for the people as they are.
    active.slice(0, CHANGES).forEach((e, i) => pair.goco.updateEmployee(e.id, { hourlyRate: 20 + (i % 7) }));

    const setupEnd = proxy.seen.length;
    fleet.spawn(['serve', '--queue']);
    await Promise.all([fleet.worker(), fleet.worker(), fleet.worker()]);
    const allId = await fleet.enqueue('acme', ALL);
    [all] = await fleet.finished([allId], 900_000);
    // employee-sync has run every change (one job per change event).
    changes = await until(async () => {
      const jobs = (await fleet.jobs('acme', 'employee-sync')).filter((j) => j.status !== 'running');
      return jobs.length >= CHANGES ? jobs : undefined;
    }, `${CHANGES} employee-sync jobs`, 600_000);
    fromWorkers = proxy.seen.slice(setupEnd);
  });
  after(async () => {
    await fleet?.close();
    await proxy?.close();
    await pair?.close();
    pkg?.remove();
  });

  it('runs both recipes to the end (the seed holds records WIW rejects: those items fail on every run)', () => {
    if (all.status !== 'succeeded') expect((all.error as { code: string }).code, JSON.stringify(all.error)).to.equal('ITEMS_FAILED');
    const code = (j: JobRecord) => (j.status === 'succeeded' ? 'ok' : (j.error as { code: string }).code);
    expect(changes.filter((j) => !['ok', 'ITEMS_FAILED'].includes(code(j))).map((j) => [j.id, j.error])).to.deep.equal([]);
  });

  it(`never sends more than ${BUDGET} requests in any rolling minute, and is never answered 429`, () => {
    expect(busiestMinute(fromWorkers)).to.be.at.most(BUDGET);
    expect(fromWorkers.filter((s) => s.status === 429).length).to.equal(0);
    expect(fromWorkers.filter((s) => s.status === 0).length, 'requests with no answer').to.equal(0);
  });

  it('uses at least 90% of the budget while both recipes run', () => {
    const from = Math.max(Date.parse(all.startedAt), Math.min(...changes.map((j) => Date.parse(j.startedAt))));
    const to = Math.min(Date.parse(all.finishedAt!), Math.max(...changes.map((j) => Date.parse(j.finishedAt!))));
    expect(to - from, 'both recipes ran side by side for at least 30 s').to.be.at.least(30_000);
    const inside = fromWorkers.filter((s) => wall(s) >= from && wall(s) <= to).length;
    const perMinute = (inside / (to - from)) * MINUTE;
    expect(perMinute, `${inside} requests in ${((to - from) / 1000).toFixed(1)} s`).to.be.at.least(0.9 * BUDGET);
  });
});
