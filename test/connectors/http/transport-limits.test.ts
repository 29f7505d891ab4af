import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { isRecipeError } from '../../../src/engine/errors.js';
import { Transport } from '../../../src/connectors/http/index.js';
import { json, startServer, type TestServer } from './helpers/server.js';

/** A pino logger whose records land in `records`, parsed. */
function recordingLogger(): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') records.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

describe('http transport: concurrency, rate budget, close and abort', () => {
  let server: TestServer;
  let transport: Transport | undefined;
  const release: (() => void)[] = [];

  before(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    release.splice(0).forEach((fn) => fn());
    await transport?.close();
    transport = undefined;
  });
  after(async () => {
    await server.close();
  });

  /** Holds each request until the test releases it. */
  function holdRequests(): void {
    server.reset((_req, res) => void release.push(() => json(res, 200, {})));
  }

  async function waitForRequests(count: number): Promise<void> {
    while (server.seen.length < count) await new Promise((resolve) => setImmediate(resolve));
  }

  it('never has more requests in flight than the concurrency', async () => {
    holdRequests();
    transport = new Transport({ name: 'test', prefixUrl: server.url, concurrency: 3 });
    const all = Array.from({ length: 10 }, (_, i) => transport!.request({ path: `/items/${i}` }));
    // Fill every slot, then free them all, until all ten have been seen.
    for (let seen = 3; seen <= 12; seen += 3) {
      await waitForRequests(Math.min(seen, 10));
      release.splice(0).forEach((fn) => fn());
    }
    await Promise.all(all);
    expect([server.maxInFlight, server.seen.length]).to.deep.equal([3, 10]);
  });

  // The spacing itself is proved in backoff.test.ts (rateWindow); these two check that the transport applies it.
  // Start times are read from log records, which can trail p-queue's own clock by a few ms when the OS or the
  // garbage collector pauses the process, so they allow 20 ms of such lag and no more.
  it('keeps request starts within the per-minute budget in every rolling window', async () => {
    server.reset((_req, res) => json(res, 200, {}));
    const { logger, records } = recordingLogger();
    // 1200 per minute = four per 202 ms window; 25 requests take six windows, about 1.2 s.
    transport = new Transport({ name: 'test', prefixUrl: server.url, requestsPerMinute: 1200, logger });
    await Promise.all(Array.from({ length: 25 }, () => transport!.request({ path: '/users' })));
    const starts = records.filter((r) => r.msg === 'http attempt').map((r) => r.time as number);
    const busiestSecond = Math.max(...starts.map((time) => starts.filter((t) => t >= time && t < time + 1000).length));
    expect([starts.length, busiestSecond <= 20, starts.at(-1)! - starts[0]! >= 6 * 202 - 20])
      .to.deep.equal([25, true, true]);
  });

  it('counts retries against the budget', async () => {
    server.reset((_req, res, _body, hit) => (hit === 1 ? json(res, 503, {}) : json(res, 200, {})));
    const { logger, records } = recordingLogger();
    // 600 per minute: two starts per 202 ms window, even for retries whose backoff is zero.
    transport = new Transport({ name: 'test', prefixUrl: server.url, requestsPerMinute: 600, logger,
      sleep: async () => undefined });
    await Promise.all([transport.request({ path: '/users' }), transport.request({ path: '/users' })]);
    const starts = records.filter((r) => r.msg === 'http attempt').map((r) => r.time as number);
    // Three attempts (one retried): the third must wait for the next window.
    expect(starts).to.have.length(3);
    expect(starts[2]! - starts[0]!).to.be.at.least(202 - 20);
  });

  it('close() waits for requests already made', async () => {
    holdRequests();
    transport = new Transport({ name: 'test', prefixUrl: server.url, concurrency: 1 });
    const settled: number[] = [];
    const all = [0, 1, 2].map((i) => transport!.request({ path: '/users' }).then(() => void settled.push(i)));
    await waitForRequests(1);
    let closed = false;
    const closing = transport.close().then(() => void (closed = true));
    for (let i = 1; i <= 3; i++) {
      await waitForRequests(i);
      release.splice(0).forEach((fn) => fn());
    }
    await closing;
    await Promise.all(all);
    expect([closed, settled]).to.deep.equal([true, [0, 1, 2]]);
  });

  it('refuses requests after close() with HTTP_CLOSED', async () => {
    transport = new Transport({ name: 'test', prefixUrl: server.url });
    await transport.close();
    const error = await transport.request({ path: '/users' }).catch((e: unknown) => e);
    expect(isRecipeError(error, 'HTTP_CLOSED')).to.equal(true);
  });

  it('abort cancels a request waiting in the queue', async () => {
    holdRequests();
    transport = new Transport({ name: 'test', prefixUrl: server.url, concurrency: 1 });
    const first = transport.request({ path: '/first' });
    await waitForRequests(1);
    const controller = new AbortController();
    const second = transport.request({ path: '/second', signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    const error = await second;
    release.splice(0).forEach((fn) => fn());
    await first;
    expect([isRecipeError(error, 'HTTP_ABORTED'), server.seen.map((s) => s.url)]).to.deep.equal([true, ['/api/first']]);
  });

  it('abort cancels the pause between retries', async () => {
    const controller = new AbortController();
    server.reset((_req, res) => {
      json(res, 503, {});
      res.on('finish', () => setImmediate(() => controller.abort()));
    });
    transport = new Transport({ name: 'test', prefixUrl: server.url, minDelayMs: 60_000, maxDelayMs: 60_000 });
    const error = await transport.request({ path: '/users', signal: controller.signal }).catch((e: unknown) => e);
    expect([isRecipeError(error, 'HTTP_ABORTED'), server.seen.length]).to.deep.equal([true, 1]);
  });
});
