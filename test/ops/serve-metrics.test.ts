/**
 * `recipes serve --metrics --listen` as a spawned process against the emulators: /healthz and /readyz
 * answer, /metrics counts a served employee-sync job (started, finished, duration, API requests by connector
 * and status, a retry after a 429, waits for the WIW request budget), the free seats a console dry run saw,
 * and /readyz answers 503 with the reason once state.db is garbage.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { cliFor, fastPackage, TempDirs, type Cli, type Served } from '../cli/helpers.js';

/** The value of one sample line, e.g. `recipes_jobs_started_total{project="default",recipe="x"}`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Sum of every sample of `name` whose labels include `labels`. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

describe('ops: serve --metrics --listen', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;
  let s: Served;
  let ops: string;
  let consoleUrl: string;
  let token: string;

  const get = async (path: string) => {
    const res = await fetch(ops + path);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  before(async () => {
    pair = await startEmulators();
    cli = await cliFor(pair, dirs, fastPackage(dirs));
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'department-sync']);
    await cli.ok(['test', 'all-employees-sync']);
    await cli.ok(['properties', 'set', 'wiw_requests_per_minute', '120']); // one request every half second
    await cli.ok(['start', 'employee-sync']);
    s = cli.serve(['--metrics', '--listen', '127.0.0.1:0', '--console']);
    ops = (await s.waitFor(/^ops endpoint at /)).match(/at (http:\/\/\S+):/)![1]!;
    const login = (await s.waitFor(/open once to sign in: /)).match(/(http:\/\/[^/]+)\/\?token=(\S+)/)!;
    consoleUrl = login[1]!;
    token = login[2]!;
    await s.waitFor(/^employee-sync: running its trigger/);
  });
  after(async () => {
    await s?.stop('SIGKILL');
    await pair?.close();
    dirs.cleanup();
  });

  it('answers /healthz and /readyz with 200 on loopback', async () => {
    expect(ops).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get('/healthz')).to.include({ status: 200, text: 'ok\n' });
    expect(await get('/readyz')).to.include({ status: 200, text: 'ready\n' });
  });

  it('counts a served job, its API requests by connector and status, a retry after a 429 and rate-budget waits', async () => {
    const employee = pair.goco.snapshot().employees.find((e) => e.status === 'active' && e.syncToWhenIWork !== false)!;
    pair.goco.faults.inject('status429', (r) => r.method === 'GET' && r.path.includes(`/employees/${employee.id}`));
    const mark = s.mark();
    pair.goco.updateEmployee(employee.id, { workEmail: 'ops-metrics@example.com' });
    const line = await s.waitFor(/^job \d+ {2}employee-sync /, mark);
    expect(line).to.match(/ ok/);
    const m = await get('/metrics');
    expect(m.status).to.equal(200);
    expect(m.type).to.match(/^text\/plain; version=0\.0\.4/);
    const run = { project: 'default', recipe: 'employee-sync', kind: 'run' };
    expect(sample(m.text, 'recipes_jobs_started_total', run)).to.equal(1);
    expect(sample(m.text, 'recipes_jobs_finished_total', { ...run, outcome: 'succeeded' })).to.equal(1);
    expect(sample(m.text, 'recipes_job_duration_seconds_count', { recipe: 'employee-sync', outcome: 'succeeded' })).to.equal(1);
    expect(sample(m.text, 'recipes_job_duration_seconds_sum', { recipe: 'employee-sync', outcome: 'succeeded' })).to.be.greaterThan(0);
    expect(sample(m.text, 'recipes_api_requests_total', { connector: 'goco', status: '429' })).to.equal(1);
    expect(sample(m.text, 'recipes_api_requests_total', { connector: 'goco', status: '200' })).to.be.at.least(2);
    expect(sample(m.text, 'recipes_api_requests_total', { connector: 'wheniwork', status: '200' })).to.be.at.least(2);
    expect(sample(m.text, 'recipes_api_retries_total', { connector: 'goco' })).to.equal(1);
    expect(sample(m.text, 'recipes_api_rate_limited_total', { connector: 'goco' })).to.equal(1);
    expect(total(m.text, 'recipes_rate_budget_waits_total', { connector: 'wheniwork' })).to.be.at.least(1);
    expect(total(m.text, 'recipes_rate_budget_wait_seconds_total', { connector: 'wheniwork' })).to.be.greaterThan(0);
    // No queue yet, so no queue-depth gauge; Node's process metrics come along.
    expect(m.text).to.not.match(/queue/);
    expect(m.text).to.match(/^process_cpu_user_seconds_total /m);
  });

  it('shows the free seats a dry run of all-employees-sync saw (started from the console)', async () => {
    const res = await fetch(`${consoleUrl}/api/recipes/all-employees-sync/test`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ dryRun: true }),
    });
    expect(res.status).to.equal(202);
    const { jobId } = (await res.json()) as { jobId: number };
    await s.waitFor(new RegExp(`^job ${jobId} `)); // serve prints every job as it ends
    const r = await fetch(`${consoleUrl}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
    const job = (await r.json()) as { job: { status: string }; steps: { stepId: string; output?: { seats_free?: number } }[] };
    const seen = job.steps.find((st) => st.stepId === 'account')?.output?.seats_free;
    expect(seen).to.be.a('number');
    const m = await get('/metrics');
    expect(sample(m.text, 'recipes_seats_free', { project: 'default' })).to.equal(seen);
    expect(sample(m.text, 'recipes_jobs_finished_total', { recipe: 'all-employees-sync', kind: 'dry_run', outcome: 'succeeded' })).to.equal(1);
  });

  it('answers /readyz with 503 and the reason once state.db is not a database any more', async () => {
    writeFileSync(join(cli.dataDir, 'state.db'), 'this is not an SQLite database '.repeat(200));
    const r = await get('/readyz');
    expect(r.status).to.equal(503);
    expect(r.text).to.match(/^not ready: \/.*\/state\.db is not an SQLite database any more \(restore it from a backup\)\n$/);
    expect((await get('/healthz')).status).to.equal(200);
  });
});
