/**
 * Issue 7, rate budget: the WIW emulator allows 600 requests per rolling minute (429 above it) and the
 * package's connection is given the same budget (project property wiw_requests_per_minute). A sync of
 * SOAK_EMPLOYEES employees must use at least 95% of the budget and never be answered 429. A counting proxy
 * between the connector and the emulator sees every request and every status.
 */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { generateSeed } from '../../src/emulators/seed/index.js';
import type { Seed } from '../../src/emulators/seed/types.js';
import type { Runtime } from '../../src/engine/runtime/runtime.js';
import type { JobRecord } from '../../src/engine/store/index.js';
import { ALL, openRuntime, runSetup, tempDir } from '../faults/package-run.js';
import { busiestMinute, startCountingProxy, type CountingProxy, type Seen } from './counting-proxy.js';
import { SOAK_EMPLOYEES, soakDescribe } from './helpers.js';
import { skipBecause } from '../skip.js';

const BUDGET = 600;
const MINUTE = 60_000;

/** Requests per minute between the first and the last request of `seen` (n requests span n - 1 gaps). */
function ratePerMinute(seen: Seen[]): number {
  if (seen.length < 2) return 0;
  const span = (seen.at(-1) as Seen).at - (seen[0] as Seen).at;
  return ((seen.length - 1) / span) * MINUTE;
}

/** Where the time between requests went: the median gap and the longest gaps, for a failure message. */
function gapReport(seen: Seen[]): string {
  const gaps = seen.slice(1).map((s, i) => ({ ms: s.at - (seen[i] as Seen).at, before: `${s.method} ${s.path}` }));
  const sorted = gaps.map((g) => g.ms).sort((a, b) => a - b);
  const longest = [...gaps].sort((a, b) => b.ms - a.ms).slice(0, 5).map((g) => `${g.ms.toFixed(0)} ms before ${g.before}`);
  return `median gap ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)} ms, longest: ${longest.join('; ')}`;
}


soakDescribe(`rate budget: all-employees-sync of ${SOAK_EMPLOYEES} employees against WIW's ${BUDGET} requests a minute`, function () {
  this.timeout(900_000);
  let seed: Seed;
  let tmp: { dir: string; remove: () => void };
  let pair: EmulatorPair;
  let proxy: CountingProxy;
  let rt: Runtime;
  let job: JobRecord;
  let setupCount: number;
  let run: Seen[];

  before(async () => {
    tmp = tempDir('recipes-rate-');
    seed = generateSeed({ seed: 11, employees: SOAK_EMPLOYEES, wiwUsers: Math.round(SOAK_EMPLOYEES * 0.6) });
    pair = await startEmulators({ seed, wiwRateLimit: { limit: BUDGET, mode: '429' } });
    proxy = await startCountingProxy(pair.wiw.url);
    rt = await openRuntime(pair, tmp.dir, {
      wiw_login_url: proxy.url, wiw_api_url: `${proxy.url}/2`, wiw_requests_per_minute: String(BUDGET),
    });
    await runSetup(rt, 1);
    setupCount = proxy.seen.length;
    const made = await rt.test(ALL);
    if (!made) throw new Error('all-employees-sync made no job');
    job = made;
    run = proxy.seen.slice(setupCount);
  });
  after(async () => {
    await rt?.close();
    await proxy?.close();
    await pair?.close();
    tmp?.remove();
  });

  it('makes every create the plan asks for (created or reported as not created)', async () => {
    const s = job.summary as { created: number; not_created: unknown[] };
    expect(s.created + s.not_created.length).to.equal(seed.expected.counts.created);
  });

  it(`sends at least 95% of ${BUDGET} requests in the sync's busiest minute`, function () {
    if ((run.at(-1) as Seen).at - (run[0] as Seen).at < MINUTE) skipBecause(this, `the sync took under a minute; raise SOAK_EMPLOYEES above ${SOAK_EMPLOYEES}`);
    expect(busiestMinute(run), gapReport(run)).to.be.at.least(0.95 * BUDGET);
  });

  it(`sends at least 95% of ${BUDGET} requests a minute over the whole sync`, () => {
    const rate = ratePerMinute(run);
    expect(run.length, 'requests in the sync').to.be.greaterThan(BUDGET);
    expect(rate, `${run.length} requests in ${(((run.at(-1) as Seen).at - (run[0] as Seen).at) / 1000).toFixed(1)} s; ${gapReport(run)}`)
      .to.be.at.least(0.95 * BUDGET);
  });

  it(`never sends more than ${BUDGET} requests in any rolling minute, setup recipes included`, () => {
    expect(busiestMinute(proxy.seen)).to.be.at.most(BUDGET);
  });

  it('is never answered 429, and every request got an answer', async () => {
    const statuses = new Map<number, number>();
    for (const s of proxy.seen) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    expect(statuses.get(429) ?? 0, JSON.stringify([...statuses])).to.equal(0);
    expect(statuses.get(0) ?? 0, 'requests with no answer').to.equal(0);
  });
});
