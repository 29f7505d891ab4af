/**
 * `recipes serve --queue` takes the webhooks of every project at /<project>/<path>, checked with that
 * project's secret as `recipes serve` checks its own, and queues each accepted delivery as a job that a
 * `recipes worker` runs; the 202 comes once the job is committed.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import { Cli, FIXTURES, TempDirs, type Served } from '../cli/helpers.js';
import { forEachDatabase } from '../support/databases.js';

const now = () => Math.floor(Date.now() / 1000);
let ids = 0;
function delivery(body: string, secret: string, id = `fleet-${++ids}`): RequestInit {
  const ts = now();
  const signature = 'sha256=' + createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  return { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature-timestamp': String(ts), 'x-delivery-id': id, 'x-signature': signature } };
}

forEachDatabase('fleet: webhooks of every project under serve --queue', function (db) {
  this.timeout(60_000);
  const dirs = new TempDirs();
  const procs: Served[] = [];
  let cli: Cli;
  let base: string;
  let worker: Served;

  before(async () => {
    cli = new Cli(dirs.make(), join(FIXTURES, 'cli-webhook'), undefined, (await db.fresh()) as string);
    for (const project of ['north', 'south']) {
      await cli.ok(['projects', 'add', project, '--package', cli.pkg]);
      const p = cli.inProject(project);
      await p.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: `${project}-secret\n` });
      await p.ok(['start', 'hook']);
    }
    const serve = cli.spawn(['serve', '--queue']);
    procs.push(serve);
    base = /^webhooks at (http:\/\/127\.0\.0\.1:\d+)\/<project>/.exec(await serve.waitFor(/^webhooks at /, 0, 30_000))![1]!;
    worker = cli.spawn(['worker']);
    procs.push(worker);
    await worker.waitFor(/^worker \d+: running/, 0, 30_000);
  });
  after(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    dirs.cleanup();
  });

  it("a delivery signed with the project's secret gets 202 and its job runs on a worker with the body as trigger data", async () => {
    const body = JSON.stringify({ id: 'evt-north', note: 'hello' });
    const answer = await fetch(`${base}/north/hooks/seen`, delivery(body, 'north-secret'));
    expect(answer.status, await answer.clone().text()).to.equal(202);
    const line = await worker.waitFor(/^project north {2}hook {2}job \d+ {2}succeeded/, 0, 30_000);
    const id = Number(/job (\d+)/.exec(line)![1]);
    const shown = await cli.inProject('north').json<{ job: { trigger: unknown; viaQueue: boolean } }>(['jobs', 'show', String(id)]);
    expect(shown.job).to.deep.include({ trigger: { id: 'evt-north', note: 'hello' }, viaQueue: true });
  });

  it("another project's secret is 401, an unknown project or path 404, the same delivery again a duplicate", async () => {
    const body = JSON.stringify({ id: 'evt-x', note: 'south' });
    expect((await fetch(`${base}/south/hooks/seen`, delivery(body, 'north-secret'))).status).to.equal(401);
    expect((await fetch(`${base}/nowhere/hooks/seen`, delivery(body, 'north-secret'))).status).to.equal(404);
    expect((await fetch(`${base}/south/hooks/other`, delivery(body, 'south-secret'))).status).to.equal(404);
    const once = delivery(body, 'south-secret', 'same-delivery');
    expect((await fetch(`${base}/south/hooks/seen`, once)).status).to.equal(202);
    const again = await fetch(`${base}/south/hooks/seen`, once);
    expect([again.status, await again.json()]).to.deep.equal([200, { duplicate: true, message: 'already received' }]);
    await worker.waitFor(/^project south {2}hook {2}job \d+ {2}succeeded/, 0, 30_000);
    const jobs = await cli.inProject('south').json<{ trigger: unknown }[]>(['jobs']);
    expect(jobs.map((j) => j.trigger)).to.deep.equal([{ id: 'evt-x', note: 'south' }]);
  });

  it('the same delivery to two serve --queue processes (a retry through a load balancer) queues one job', async () => {
    const second = cli.spawn(['serve', '--queue', '--webhook-port', '0']);
    procs.push(second);
    const otherBase = /^webhooks at (http:\/\/127\.0\.0\.1:\d+)\/<project>/.exec(await second.waitFor(/^webhooks at /, 0, 30_000))![1]!;
    expect(otherBase).not.to.equal(base);
    const body = JSON.stringify({ id: 'evt-twice', note: 'north again' });
    const once = delivery(body, 'north-secret', 'across-processes');
    const before = (await cli.inProject('north').json<unknown[]>(['jobs'])).length;
    expect((await fetch(`${base}/north/hooks/seen`, once)).status).to.equal(202);
    const again = await fetch(`${otherBase}/north/hooks/seen`, once);
    expect([again.status, await again.json()]).to.deep.equal([200, { duplicate: true, message: 'already received' }]);
    const jobs = await cli.inProject('north').json<{ trigger: unknown }[]>(['jobs']);
    expect(jobs.length).to.equal(before + 1);
    expect(jobs.filter((j) => (j.trigger as { id?: string }).id === 'evt-twice')).to.have.length(1);
  });
}, ['postgres']);
