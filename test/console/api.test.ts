import { once } from 'node:events';
import { request } from 'node:http';
import { expect } from 'chai';
import { connectors } from '../../src/connectors/index.js';
import { Projects } from '../../src/engine/runtime/projects.js';
import { rerunWarning } from '../../src/reports/rerun-warning.js';
import { startGateProxy } from '../cli/gate-proxy.js';
import { until } from '../cli/helpers.js';
import { browserLike, openRig, PACKAGE_DIR, type Rig } from './helpers.js';

describe('console: API over the Runtime', () => {
  let rig: Rig;
  let api: ReturnType<typeof browserLike>;
  const bodies: string[] = [];
  const sse: Buffer[] = [];
  let closeStream: () => void = () => undefined;
  const record = async (method: string, path: string, body?: unknown) => {
    const res = await api(method, path, body);
    bodies.push(res.text, JSON.stringify(res.headers));
    return res;
  };
  const ended = (jobId: number) =>
    new Promise<void>((resolve) => {
      const check = () => void rig.rt.job(jobId).then((j) => (j.status !== 'running' ? resolve() : rig.rt.once('job:end', check)));
      check();
    });

  before(async () => {
    rig = await openRig();
    api = browserLike(rig.web);
    const req = request(`${rig.web.url}/api/events`, { headers: { cookie: `recipes_console=${rig.web.token}`, 'sec-fetch-site': 'same-origin' } });
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    res.on('data', (c: Buffer) => sse.push(c));
    closeStream = () => req.destroy();
  });
  after(async () => {
    closeStream();
    await rig.close();
  });

  it('describes the package: connections and recipes in package order', async () => {
    const res = await record('GET', '/api/package');
    expect(res.json.connections.map((c: { name: string }) => c.name)).to.have.members(['wiw', 'goco']);
    expect(res.json.recipes.map((r: { name: string }) => r.name)).to.deep.equal(rig.rt.package.recipeOrder);
  });

  it('says which recipes write, so the page asks before a test run of one', async () => {
    const res = await record('GET', '/api/package');
    const writes = Object.fromEntries(res.json.recipes.map((r: { name: string; writes: boolean }) => [r.name, r.writes]));
    expect(writes).to.deep.equal({ 'location-sync': true, 'department-sync': true, 'employee-sync': true, 'all-employees-sync': true, duplicates: false, link: true });
  });

  it('offers a dry run first on a manual recipe that writes and needs no input (all-employees-sync, not link)', async () => {
    const res = await record('GET', '/api/package');
    const first = res.json.recipes.filter((r: { planFirst: boolean }) => r.planFirst).map((r: { name: string }) => r.name);
    expect(first).to.deep.equal(['all-employees-sync']);
  });

  it('marks all-employees-sync to be run last, with the reason from its needs', async () => {
    const res = await record('GET', '/api/package');
    const all = res.json.recipes.find((r: { name: string }) => r.name === 'all-employees-sync');
    expect(all.runLast).to.contain('location-sync').and.to.contain('department-sync');
    expect(all.unmetNeeds).to.deep.equal(['location-sync', 'department-sync']);
  });

  it('tests a connection and remembers the result for the card', async () => {
    const res = await record('POST', '/api/connections/wiw/test');
    expect(res.json.ok).to.equal(true);
    expect(res.json.message).to.match(/^Connected/);
    const pkg = await record('GET', '/api/package');
    expect(pkg.json.connections.find((c: { name: string }) => c.name === 'wiw').status.ok).to.equal(true);
  });

  it('says why a connection is not connected', async () => {
    await rig.rt.properties.set('goco_api_token', 'wrong-token');
    const res = await record('POST', '/api/connections/goco/test');
    await rig.rt.properties.set('goco_api_token', rig.pair.properties.goco_api_token);
    expect(res.status).to.equal(200);
    expect(res.json.ok).to.equal(false);
    expect(res.json.message).to.be.a('string').and.not.to.equal('');
  });

  it('lists properties with secrets masked', async () => {
    const res = await record('GET', '/api/properties');
    const password = res.json.find((p: { name: string }) => p.name === 'wiw_password');
    expect(password.display).to.equal('********');
  });

  it('writes a secret one way: the reply is masked and the runtime has the value', async () => {
    const res = await record('PUT', '/api/properties/wiw_password', { value: rig.pair.properties.wiw_password });
    expect(res.status).to.equal(200);
    expect(res.json.display).to.equal('********');
    expect((await rig.rt.properties.resolve()).values.wiw_password).to.equal(rig.pair.properties.wiw_password);
  });

  it('refuses an invalid property value with the engine\'s message', async () => {
    const res = await record('PUT', '/api/properties/on_termination', { value: 'explode' });
    expect(res.status).to.equal(400);
    expect(res.json.error.code).to.equal('PROPERTY_INVALID');
  });

  it('types each property from its declaration: enum values, boolean, integer bounds, secrets as set or not', async () => {
    const res = await record('GET', '/api/properties');
    const by = Object.fromEntries(res.json.map((p: { name: string }) => [p.name, p]));
    expect(by.on_termination).to.include({ type: 'enum', source: 'default', set: false, default: 'remove' });
    expect(by.on_termination.values).to.deep.equal(['remove', 'keep']);
    expect(by.wiw_invite).to.include({ type: 'boolean', default: true });
    expect(by.wiw_requests_per_minute).to.include({ type: 'integer', min: 1, max: 100000 });
    expect(by.wiw_password).to.include({ type: 'secret', secret: true, set: true });
    expect(by.alert_webhook_url).to.include({ secret: true, set: false });
  });

  it('saves a switch\'s true/false and a number field\'s number by the rules of `properties set`', async () => {
    const off = await record('PUT', '/api/properties/wiw_invite', { value: false });
    expect(off.status).to.equal(200);
    expect(off.json).to.include({ display: 'false', set: true, type: 'boolean' });
    expect((await rig.rt.properties.resolve()).values.wiw_invite).to.equal(false);
    const rate = await record('PUT', '/api/properties/wiw_requests_per_minute', { value: 600 });
    expect(rate.json.display).to.equal('600');
    const keep = await record('PUT', '/api/properties/on_termination', { value: 'keep' });
    expect(keep.json.display).to.equal('keep');
    await rig.rt.properties.unset('wiw_invite');
    await rig.rt.properties.unset('on_termination');
    await rig.rt.properties.unset('wiw_requests_per_minute');
  });

  it('answers a number out of bounds, and a value that is no value, with a clear 400', async () => {
    const low = await record('PUT', '/api/properties/wiw_requests_per_minute', { value: 0 });
    expect(low.status).to.equal(400);
    expect(low.json.error.code).to.equal('PROPERTY_INVALID');
    expect(low.json.error.message).to.contain('must be at least 1, not 0');
    const odd = await record('PUT', '/api/properties/wiw_invite', { value: { on: true } });
    expect(odd.status).to.equal(400);
    expect(odd.json.error.code).to.equal('BODY_INVALID');
    expect((await rig.rt.properties.get('wiw_requests_per_minute')).source).to.equal('unset');
  });

  it('starts and stops a recipe', async () => {
    expect((await record('POST', '/api/recipes/employee-sync/start')).json.running).to.equal(true);
    expect((await rig.rt.recipes()).find((r) => r.name === 'employee-sync')?.running).to.equal(true);
    expect((await record('POST', '/api/recipes/employee-sync/stop')).json.running).to.equal(false);
  });

  it('refuses to test a recipe whose needs have not succeeded', async () => {
    const res = await record('POST', '/api/recipes/all-employees-sync/test', {});
    expect(res.status).to.equal(400);
    expect(res.json.error.code).to.equal('NEEDS_UNMET');
  });

  it('answers a test run with the job id while the job runs', async () => {
    const res = await record('POST', '/api/recipes/location-sync/test', {});
    expect(res.status).to.equal(202);
    await ended(res.json.jobId);
    expect((await rig.rt.job(res.json.jobId)).status).to.equal('succeeded');
  });

  it('plans all-employees-sync in a dry run and returns its summary and planned steps', async () => {
    await ended((await record('POST', '/api/recipes/department-sync/test', {})).json.jobId);
    const res = await record('POST', '/api/recipes/all-employees-sync/test', { dryRun: true });
    expect(res.status).to.equal(202);
    await ended(res.json.jobId);
    const job = await record('GET', `/api/jobs/${res.json.jobId}`);
    expect(job.json.job.dryRun).to.equal(true);
    expect(job.json.job.summary.to_create).to.be.a('number').above(0);
    expect(job.json.steps.some((s: { status: string }) => s.status === 'planned')).to.equal(true);
  });

  it('runs all-employees-sync for real and lists it in the recipe\'s history', async () => {
    const res = await record('POST', '/api/recipes/all-employees-sync/test', {});
    await ended(res.json.jobId);
    const history = await record('GET', '/api/recipes/all-employees-sync/jobs');
    expect(history.json[0].id).to.equal(res.json.jobId);
    expect(history.json[0].status).to.equal('succeeded');
  });

  it('filters the job list by recipe and by outcome', async () => {
    await rig.rt.properties.set('goco_api_token', 'revoked-token');
    const failed = await rig.rt.test('location-sync');
    await rig.rt.properties.set('goco_api_token', rig.pair.properties.goco_api_token);
    expect(failed?.status).to.equal('failed');
    const onlyFailed = await record('GET', '/api/jobs?status=failed');
    expect(onlyFailed.json.map((j: { id: number }) => j.id)).to.deep.equal([failed!.id]);
    const location = await record('GET', '/api/jobs?recipe=location-sync');
    expect(location.json.length).to.equal(2);
    expect(location.json.every((j: { recipe: string }) => j.recipe === 'location-sync')).to.equal(true);
    const both = await record('GET', '/api/jobs?recipe=all-employees-sync&status=failed');
    expect(both.json).to.deep.equal([]);
    const history = await record('GET', '/api/recipes/location-sync/jobs?status=succeeded');
    expect(history.json.map((j: { status: string }) => j.status)).to.deep.equal(['succeeded']);
    const bad = await record('GET', '/api/jobs?status=exploded');
    expect(bad.status).to.equal(400);
    expect(bad.json.error.message).to.contain('running, succeeded, failed, stopped');
    expect((await record('GET', '/api/jobs?recipe=nope')).status).to.equal(404);
  });

  it('says what a rerun would do, as `jobs rerun` does, and reruns the job', async () => {
    const [past] = await rig.rt.jobs('location-sync', 1, 'failed');
    const view = await record('GET', `/api/jobs/${past!.id}`);
    expect(view.json.rerunWarning).to.equal(rerunWarning(rig.rt, past!));
    expect(view.json.rerunWarning).to.contain(`rerun of job ${past!.id}`);
    const res = await record('POST', `/api/jobs/${past!.id}/rerun`);
    expect(res.status).to.equal(202);
    await ended(res.json.jobId);
    const again = await rig.rt.job(res.json.jobId);
    expect(again).to.include({ rerunOf: past!.id, status: 'succeeded', test: true });
  });

  it('answers a rerun of a recipe whose job is still running with 409', async () => {
    const gate = await startGateProxy(rig.pair.properties.goco_api_url, /locations/);
    try {
      await rig.rt.properties.set('goco_api_url', gate.url);
      gate.shut();
      const held = rig.rt.test('location-sync');
      await until(() => gate.held > 0, 'the location-sync job waiting at the gate');
      const [past] = await rig.rt.jobs('location-sync', 1, 'succeeded');
      const res = await record('POST', `/api/jobs/${past!.id}/rerun`);
      expect(res.status).to.equal(409);
      expect(res.json.error.code).to.equal('RECIPE_BUSY');
      gate.open();
      expect((await held)?.status).to.equal('succeeded');
    } finally {
      await rig.rt.properties.set('goco_api_url', rig.pair.properties.goco_api_url);
      await gate.close();
    }
  });

  it('serves another project of the store at /api/projects/NAME/, and keeps the own one at /api/', async () => {
    const projects = await Projects.open({ dataDir: rig.dataDir, connectors });
    await projects.add('acme', undefined, PACKAGE_DIR).finally(() => projects.close());
    const list = await record('GET', '/api/projects');
    expect(list.json).to.deep.equal({ current: 'default', projects: ['default', 'acme'] });
    const set = await record('PUT', '/api/projects/acme/properties/on_termination', { value: 'keep' });
    expect(set.status).to.equal(200);
    const acme = await record('GET', '/api/projects/acme/properties');
    expect(acme.json.find((p: { name: string }) => p.name === 'on_termination').display).to.equal('keep');
    expect(acme.json.find((p: { name: string }) => p.name === 'wiw_password').set).to.equal(false);
    const own = await record('GET', '/api/properties');
    expect(own.json.find((p: { name: string }) => p.name === 'on_termination').display).to.equal('remove');
    expect((await record('GET', '/api/projects/acme/jobs')).json).to.deep.equal([]);
    expect((await record('GET', '/api/projects/default/jobs')).json.length).to.be.above(0);
    const unknown = await record('GET', '/api/projects/nope/package');
    expect(unknown.status).to.equal(404);
    expect(unknown.json.error.code).to.equal('PROJECT_UNKNOWN');
  });

  it('streams job:start, step and job:end events', async () => {
    const text = Buffer.concat(sse).toString('utf8');
    expect(text).to.contain('event: job:start').and.to.contain('event: step').and.to.contain('event: job:end');
  });

  it('answers 404 for an unknown recipe, job and route', async () => {
    expect((await record('GET', '/api/recipes/nope/jobs')).status).to.equal(404);
    expect((await record('GET', '/api/jobs/99999')).status).to.equal(404);
    expect((await record('GET', '/api/nothing')).status).to.equal(404);
  });

  it('never sends a secret value in any response or event', async () => {
    const everything = bodies.join('\n') + Buffer.concat(sse).toString('utf8');
    for (const name of ['wiw_password', 'wiw_api_key', 'goco_api_token'] as const) {
      expect(everything, name).not.to.contain(rig.pair.properties[name]);
    }
    expect(everything).not.to.contain('wrong-token');
  });
});
