/** Webhook triggers under a spawned `recipes serve`: HMAC-SHA256 signatures (`X-Signature: sha256=<hex>`). */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import { Cli, FIXTURES, TempDirs, type Served } from './helpers.js';

const SECRET = 'hook-secret-for-tests';
const sign = (body: string, secret = SECRET) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

describe('cli: serve webhooks', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let s: Served;
  let url: string;
  let good: Response;
  let bad: Response;
  let unsigned: Response;
  let jobs: { recipe: string; status: string; trigger: unknown; summary: unknown }[];

  before(async () => {
    const cli = new Cli(dirs.make(), join(FIXTURES, 'cli-webhook'));
    await cli.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: SECRET + '\n' });
    await cli.ok(['start', 'hook']);
    s = cli.serve();
    url = /^ {2}hook: (http:\/\/127\.0\.0\.1:\d+\/hooks\/seen)$/.exec(await s.waitFor(/^ {2}hook: http/))?.[1] as string;
    const goodBody = JSON.stringify({ id: 'evt-1', note: 'signed' });
    const badBody = JSON.stringify({ id: 'evt-2', note: 'forged' });
    const mark = s.mark();
    good = await fetch(url, { method: 'POST', body: goodBody, headers: { 'x-signature': sign(goodBody), 'content-type': 'application/json' } });
    await s.waitFor(/^job \d+ {2}hook /, mark);
    bad = await fetch(url, { method: 'POST', body: badBody, headers: { 'x-signature': sign(badBody, 'wrong-secret') } });
    unsigned = await fetch(url, { method: 'POST', body: badBody });
    expect(await s.stop('SIGINT')).to.equal(0);
    jobs = await cli.json(['jobs']);
  });
  after(async () => {
    await s?.stop('SIGKILL');
    dirs.cleanup();
  });

  it('prints the webhook URL of each webhook recipe on start', () => {
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/seen$/);
    expect(s.lines.some((l) => /^webhooks at http:\/\/127\.0\.0\.1:\d+ .*X-Signature: sha256=/.test(l))).to.equal(true);
  });

  it('a correctly signed body gets 202 and runs one job with the body as trigger data', () => {
    expect(good.status).to.equal(202);
    expect(jobs.map((j) => [j.recipe, j.status, j.trigger])).to.deep.equal([['hook', 'succeeded', { id: 'evt-1', note: 'signed' }]]);
  });

  it('a bad or missing signature gets 401 and runs no job', () => {
    expect(bad.status).to.equal(401);
    expect(unsigned.status).to.equal(401);
    expect(jobs).to.have.length(1);
  });
});
