import { once } from 'node:events';
import { request } from 'node:http';
import { expect } from 'chai';
import { browserLike, openRig, type Rig } from './helpers.js';

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
