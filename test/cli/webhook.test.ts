/**
 * Webhook triggers under a spawned `recipes serve`: `X-Signature: sha256=<HMAC-SHA256 of "<ts>.<body>">`,
 * a signed timestamp, a delivery id, a body cap, and nothing a client sends may bring serve down.
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { Cli, FIXTURES, TempDirs, until, type Served } from './helpers.js';

const SECRET = 'hook-secret-for-tests';
const now = () => Math.floor(Date.now() / 1000);
const sign = (body: string, ts: number, secret = SECRET) => 'sha256=' + createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
let ids = 0;

/** The headers of a correctly signed delivery; `over` replaces or adds some. */
function signed(body: string, over: Record<string, string> = {}, ts = now()): Record<string, string> {
  return { 'content-type': 'application/json', 'x-signature-timestamp': String(ts), 'x-delivery-id': `d-${++ids}`, 'x-signature': sign(body, ts), ...over };
}

interface Answer {
  status: number;
  body: string;
}

/** One request through node:http (fetch refuses some of the malformed headers sent here). */
function send(url: string, o: { method?: string; path?: string; headers?: Record<string, string | string[]>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: o.path ?? u.pathname, method: o.method ?? 'POST', headers: o.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Streams a chunked body until serve answers; resolves with the status and the bytes sent by then. */
function streamUntilAnswered(url: string, headers: Record<string, string>, limit: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    let sent = 0;
    let answered = false;
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, sent });
      req.destroy();
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!answered && sent < limit) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) reject(new Error(`no answer after ${sent} bytes`));
    };
    pump();
  });
}

describe('cli: serve webhooks', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let cli: Cli;
  let s: Served;
  let url: string;

  /** Sends a delivery that must run a job, and waits for its job line. */
  async function deliverAndRun(id: string): Promise<Answer> {
    const mark = s.mark();
    const body = JSON.stringify({ id, note: 'signed' });
    const answer = await send(url, { headers: signed(body), body });
    expect(answer.status, answer.body).to.equal(202);
    await s.waitFor(new RegExp(`^job \\d+ {2}hook .*`), mark);
    return answer;
  }

  before(async () => {
    cli = new Cli(dirs.make(), join(FIXTURES, 'cli-webhook'));
    await cli.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: SECRET + '\n' });
    await cli.ok(['start', 'hook']);
    s = cli.serve();
    url = /^ {2}hook: (http:\/\/127\.0\.0\.1:\d+\/hooks\/seen)$/.exec(await s.waitFor(/^ {2}hook: http/))?.[1] as string;
  });
  after(async () => {
    await s?.stop('SIGKILL');
    dirs.cleanup();
  });

  it('prints the webhook URL of each webhook recipe on start, with the headers to send', () => {
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/seen$/);
    expect(s.lines.some((l) => /^webhooks at http:\/\/127\.0\.0\.1:\d+ .*X-Signature-Timestamp, X-Delivery-Id, X-Signature: sha256=/.test(l))).to.equal(true);
  });

  it('a correctly signed delivery gets 202 and runs one job with the body as trigger data', async () => {
    await deliverAndRun('evt-1');
    const jobs = await cli.json<{ recipe: string; status: string; trigger: unknown }[]>(['jobs']);
    expect(jobs.map((j) => [j.recipe, j.status, j.trigger])).to.deep.equal([['hook', 'succeeded', { id: 'evt-1', note: 'signed' }]]);
  });

  it('a bad, stale, unsigned or body-only signature gets 401', async () => {
    const body = JSON.stringify({ id: 'evt-bad' });
    const ts = now();
    const answers = await Promise.all([
      send(url, { headers: signed(body, { 'x-signature': sign(body, ts, 'wrong-secret') }, ts), body }),
      send(url, { headers: signed(body, {}, ts - 301), body }),
      send(url, { headers: signed(body, { 'x-signature': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex') }), body }),
      send(url, { headers: { 'content-type': 'application/json' }, body }),
    ]);
    expect(answers.map((a) => a.status)).to.deep.equal([401, 401, 401, 401]);
  });

  it('a repeated delivery (same request, or same X-Delivery-Id signed afresh) gets 200 "already received" and runs no job', async () => {
    const body = JSON.stringify({ id: 'evt-replayed', note: 'once' });
    const headers = signed(body);
    const mark = s.mark();
    expect((await send(url, { headers, body })).status).to.equal(202);
    await s.waitFor(/^job \d+ {2}hook /, mark);
    const again = await send(url, { headers, body });
    const resigned = await send(url, { headers: signed(body, { 'x-delivery-id': headers['x-delivery-id'] as string }), body });
    const otherId = await send(url, { headers: { ...headers, 'x-delivery-id': 'another-id' }, body });
    expect([again.status, resigned.status, otherId.status]).to.deep.equal([200, 200, 200]);
    expect(JSON.parse(again.body)).to.deep.include({ duplicate: true });
    await deliverAndRun('evt-after-replays'); // its job line comes after any the replays would have made
    const jobs = await cli.json<{ trigger: { id?: string } }[]>(['jobs']);
    expect(jobs.filter((j) => j.trigger.id === 'evt-replayed')).to.have.length(1);
  });

  it('a delivery without X-Delivery-Id gets 400', async () => {
    const body = JSON.stringify({ id: 'evt-no-id' });
    const headers = signed(body);
    delete headers['x-delivery-id'];
    expect((await send(url, { headers, body })).status).to.equal(400);
  });

  it('a body whose Content-Length passes the 1 MB cap gets 413 before it is sent', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const u = new URL(url);
      const headers = { ...signed('x'), 'content-length': String(1024 * 1024 + 1) };
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders(); // headers only: the answer must come without the body
    });
    expect(answer).to.equal(413);
  });

  it('a chunked body is cut off with 413 soon after it passes the cap, not read to the end', async () => {
    const { status, sent } = await streamUntilAnswered(url, { ...signed('x'), 'transfer-encoding': 'chunked' }, 64 * 1024 * 1024);
    expect(status).to.equal(413);
    expect(sent).to.be.below(16 * 1024 * 1024);
  });

  it('keeps serving after malformed signatures, headers, bodies, methods, paths and bytes; a valid delivery still runs', async () => {
    const body = JSON.stringify({ id: 'evt-x' });
    const zeros = '0'.repeat(63);
    const statuses = await Promise.all([
      // The same string length as a valid signature, another byte length: this used to kill serve.
      send(url, { headers: signed(body, { 'x-signature': `sha256=${zeros}é` }), body }),
      send(url, { headers: signed(body, { 'x-signature': 'sha256=' + 'zz'.repeat(32) }), body }),
      send(url, { headers: signed(body, { 'x-signature': 'sha256=' }), body }),
      send(url, { headers: { ...signed(body), 'x-signature': ['sha256=' + '0'.repeat(64), 'sha256=' + '1'.repeat(64)] }, body }),
      send(url, { headers: signed(body, { 'x-signature-timestamp': 'yesterday' }), body }),
      send(url, { headers: signed(body, { 'x-signature-timestamp': '9'.repeat(400) }), body }),
      send(url, { headers: signed(body, { 'x-delivery-id': 'é'.repeat(300) }), body }),
      send(url, { headers: signed(body, { 'content-type': 'text/plain' }), body: '' }),
      send(url, { headers: signed('{not json'), body: '{not json' }),
      send(url, { headers: signed('\u0000\uffff'), body: '\u0000\uffff' }),
      send(url, { method: 'GET' }),
      send(url, { method: 'DELETE', headers: signed(body), body }),
      send(url, { path: '/hooks/../../etc/passwd' }),
      send(url, { path: '/%%%?x=%' }),
    ]);
    expect(statuses.map((a) => a.status)).to.deep.equal([401, 401, 401, 401, 401, 401, 400, 401, 400, 400, 405, 405, 404, 404]);
    await new Promise<void>((resolve, reject) => {
      const u = new URL(url);
      const sock = connect(Number(u.port), u.hostname, () => sock.end('POST /hooks/seen HTTP/1.1\r\nContent-Length: -5\r\n\x00\x01garbage\r\n\r\n'));
      sock.on('error', reject).on('close', () => resolve()).resume();
    });
    await new Promise<void>((resolve, reject) => {
      const u = new URL(url);
      const headers = { ...signed(body), 'content-length': '1000' };
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers });
      req.on('error', () => resolve());
      req.write('{"id":', () => setImmediate(() => req.destroy()));
      req.on('close', () => resolve());
      req.on('response', () => reject(new Error('an aborted body was answered')));
    });
    await deliverAndRun('evt-after-attacks');
    expect(s.child.exitCode).to.equal(null);
    expect(await s.stop('SIGINT')).to.equal(0);
  });
});

describe('cli: serve webhooks, a job that cannot start', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let cli: Cli;
  let s: Served;
  let url: string;

  before(async () => {
    cli = new Cli(dirs.make(), join(FIXTURES, 'cli-webhook-props'));
    await cli.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: SECRET + '\n' }); // note_prefix stays unset
    await cli.ok(['start', 'hook']);
    s = cli.serve();
    url = /^ {2}hook: (http:\/\/127\.0\.0\.1:\d+\/hooks\/seen)$/.exec(await s.waitFor(/^ {2}hook: http/))?.[1] as string;
  });
  after(async () => {
    await s?.stop('SIGKILL');
    dirs.cleanup();
  });

  it('a delivery whose properties are missing gets its 202, is logged, and `recipes jobs` shows its failed job', async () => {
    const mark = s.mark();
    const body = JSON.stringify({ id: 'evt-early', note: 'x' });
    const answer = await send(url, { headers: signed(body), body });
    expect(answer.status, answer.body).to.equal(202);
    await s.waitFor(/^job \d+ {2}hook .* {2}PROPERTY_MISSING$/, mark);
    await until(() => s.stderr.includes('webhook delivery failed'), 'the failed delivery in the log');
    const jobs = await cli.json<{ recipe: string; status: string; trigger: unknown; error: { code: string; hint: string } }[]>(['jobs']);
    expect(jobs.map((j) => [j.recipe, j.status, j.trigger, j.error.code, j.error.hint])).to.deep.equal([
      ['hook', 'failed', { id: 'evt-early', note: 'x' }, 'PROPERTY_MISSING', 'recipes properties set note_prefix VALUE'],
    ]);
  });

  it('keeps serving: once the property is set, the next delivery runs', async () => {
    await cli.ok(['properties', 'set', 'note_prefix', 'seen: ']);
    const mark = s.mark();
    const body = JSON.stringify({ id: 'evt-later', note: 'y' });
    expect((await send(url, { headers: signed(body), body })).status).to.equal(202);
    const line = await s.waitFor(/^job \d+ {2}hook /, mark);
    expect(line).not.to.match(/PROPERTY_MISSING/);
    const jobs = await cli.json<{ status: string; trigger: { id: string } }[]>(['jobs']);
    expect(jobs.find((j) => j.trigger.id === 'evt-later')?.status).to.equal('succeeded');
    expect(await s.stop('SIGINT')).to.equal(0);
  });
});
