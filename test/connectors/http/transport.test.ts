import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRecipeError, type RecipeError } from '../../../src/engine/errors.js';
import { Transport, type TransportOptions } from '../../../src/connectors/http/index.js';
import { json, startServer, type TestServer } from './helpers/server.js';

async function failure(promise: Promise<unknown>): Promise<RecipeError> {
  try {
    await promise;
  } catch (error) {
    if (isRecipeError(error)) return error;
    throw error;
  }
  throw new Error('expected a RecipeError');
}

describe('http transport: responses, retries and errors', () => {
  let server: TestServer;
  let transport: Transport;
  let delays: number[];

  function make(options: Partial<TransportOptions> = {}): Transport {
    delays = [];
    transport = new Transport({ name: 'test', prefixUrl: server.url, random: () => 0,
      sleep: async (ms) => void delays.push(ms), ...options });
    return transport;
  }

  before(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await transport?.close();
  });
  after(async () => {
    await server.close();
  });

  it('returns status, headers and the parsed JSON body', async () => {
    server.reset((_req, res) => json(res, 200, { users: [1] }, { 'x-extra': 'yes' }));
    const response = await make().request<{ users: number[] }>({ path: '/users' });
    expect([response.status, response.headers['x-extra'], response.body]).to.deep.equal([200, 'yes', { users: [1] }]);
  });

  it('sends query parameters, leaving undefined ones out', async () => {
    server.reset((_req, res) => json(res, 200, {}));
    await make().request({ path: 'users', searchParams: { show_deleted: true, search: undefined } });
    expect(server.seen[0]!.url).to.equal('/api/users?show_deleted=true');
  });

  it('gives undefined for an empty body', async () => {
    server.reset((_req, res) => res.writeHead(204).end());
    const response = await make().request({ method: 'DELETE', path: '/users/1' });
    expect([response.status, response.body]).to.deep.equal([204, undefined]);
  });

  it('retries a 503 and then succeeds', async () => {
    server.reset((_req, res, _body, hit) => (hit === 1 ? json(res, 503, { error: 'busy' }) : json(res, 200, { ok: 1 })));
    const response = await make().request({ path: '/users' });
    expect([response.body, transport.stats]).to.deep.equal([{ ok: 1 }, { requests: 2, retries: 1, rateLimited: 0 }]);
  });

  it('waits at least Retry-After seconds before retrying a 429', async () => {
    server.reset((_req, res, _body, hit) => (hit === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, {})));
    await make().request({ path: '/users' });
    expect(delays).to.deep.equal([1000]);
  });

  it('waits until a Retry-After date', async () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    server.reset((_req, res, _body, hit) =>
      hit === 1 ? json(res, 503, {}, { 'retry-after': 'Wed, 21 Oct 2015 07:28:02 GMT' }) : json(res, 200, {}));
    await make({ now: () => now }).request({ path: '/users' });
    expect(delays).to.deep.equal([2000]);
  });

  it('fails at once when Retry-After is longer than it will wait', async () => {
    server.reset((_req, res) => json(res, 429, {}, { 'retry-after': '3600' }));
    const error = await failure(make().request({ path: '/users' }));
    expect([error.code, error.details.retryAfterMs, server.seen.length]).to.deep.equal(['HTTP_RATE_LIMITED', 3_600_000, 1]);
  });

  it('backs off exponentially between retries', async () => {
    server.reset((_req, res, _body, hit) => (hit < 4 ? json(res, 502, {}) : json(res, 200, {})));
    await make({ random: () => 1, minDelayMs: 100 }).request({ path: '/users' });
    expect(delays).to.deep.equal([100, 200, 400]);
  });

  it('gives up after the retries with HTTP_STATUS, marked retryable', async () => {
    server.reset((_req, res) => json(res, 503, { error: 'maintenance' }));
    const error = await failure(make({ retries: 2 }).request({ path: '/users' }));
    expect([error.code, error.retryable, error.details.attempts, error.message]).to.deep.equal(
      ['HTTP_STATUS', true, 3, 'GET /api/users failed: HTTP 503 - maintenance after 3 attempts']);
  });

  it('does not retry a 404 and reports the API error', async () => {
    server.reset((_req, res) => json(res, 404, { error: 'User not found', code: 1010 }));
    const error = await failure(make().request({ path: '/users/9', searchParams: { token: 'q-secret' } }));
    expect([error.code, error.details.status, error.details.apiCode, error.details.path, server.seen.length])
      .to.deep.equal(['HTTP_STATUS', 404, 1010, '/api/users/9', 1]);
  });

  it('retries a response the connector calls rate limited', async () => {
    server.reset((_req, res, _body, hit) => (hit === 1 ? json(res, 403, { error: 'Rate limit' }) : json(res, 200, {})));
    await make({ isRateLimited: (status, body) => status === 403 && JSON.stringify(body).includes('Rate') })
      .request({ path: '/users' });
    expect(transport.stats).to.deep.equal({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('reports HTTP_RATE_LIMITED when rate limiting outlasts the retries', async () => {
    server.reset((_req, res) => json(res, 429, {}));
    const error = await failure(make({ retries: 1 }).request({ path: '/users' }));
    expect([error.code, error.retryable]).to.deep.equal(['HTTP_RATE_LIMITED', true]);
  });

  it('retries a POST answered 503: the server did nothing', async () => {
    server.reset((_req, res, _body, hit) => (hit === 1 ? json(res, 503, {}) : json(res, 200, { user: { id: 1 } })));
    const response = await make().request({ method: 'POST', path: '/users', json: { email: 'a@x.io' } });
    expect([response.body, server.seen.length]).to.deep.equal([{ user: { id: 1 } }, 2]);
  });

  it('does not retry a POST whose connection was reset after sending: HTTP_AMBIGUOUS', async () => {
    server.reset((req) => req.socket.destroy());
    const error = await failure(make().request({ method: 'POST', path: '/users', json: { email: 'a@x.io' } }));
    expect([error.code, error.details.ambiguous, error.retryable, server.seen.length])
      .to.deep.equal(['HTTP_AMBIGUOUS', true, true, 1]);
  });

  it('does not retry a POST answered 502 by a gateway: HTTP_AMBIGUOUS', async () => {
    server.reset((_req, res) => json(res, 502, {}));
    const error = await failure(make().request({ method: 'POST', path: '/users', json: {} }));
    expect([error.code, server.seen.length]).to.deep.equal(['HTTP_AMBIGUOUS', 1]);
  });

  it('retries a GET whose connection was reset', async () => {
    server.reset((req, res, _body, hit) => (hit === 1 ? req.socket.destroy() : json(res, 200, { ok: 1 })));
    const response = await make().request({ path: '/users' });
    expect([response.body, server.seen.length]).to.deep.equal([{ ok: 1 }, 2]);
  });

  it('retries a GET whose body was cut short, and reports a cut POST as HTTP_AMBIGUOUS', async () => {
    const cutShort = (res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"users": [1, 2');
      setImmediate(() => res.socket?.destroy());
    };
    server.reset((_req, res, _body, hit) => (hit === 1 ? cutShort(res) : json(res, 200, { ok: 1 })));
    const response = await make().request({ path: '/users' });
    expect([response.body, server.seen.length]).to.deep.equal([{ ok: 1 }, 2]);
    server.reset((_req, res) => cutShort(res));
    const error = await failure(make().request({ method: 'POST', path: '/users', json: {} }));
    expect([error.code, error.details.errorCode]).to.deep.equal(['HTTP_AMBIGUOUS', 'ECONNRESET']);
  });

  it('retries a POST refused before sending, then reports HTTP_NETWORK', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(make({ prefixUrl: `http://127.0.0.1:${port}/`, retries: 2 })
      .request({ method: 'POST', path: 'users', json: {} }));
    expect([error.code, error.details.errorCode, transport.stats.requests]).to.deep.equal(['HTTP_NETWORK', 'ECONNREFUSED', 3]);
  });

  it('reports HTTP_TIMEOUT when a GET gets no answer in time', async () => {
    server.reset(() => undefined);
    const error = await failure(make({ timeoutMs: 50, retries: 1 }).request({ path: '/slow' }));
    expect([error.code, server.seen.length]).to.deep.equal(['HTTP_TIMEOUT', 2]);
  });

  it('reports a POST timeout as HTTP_AMBIGUOUS without retrying', async () => {
    server.reset(() => undefined);
    const error = await failure(make({ timeoutMs: 50 }).request({ method: 'POST', path: '/slow', json: {} }));
    expect([error.code, server.seen.length]).to.deep.equal(['HTTP_AMBIGUOUS', 1]);
  });

  it('reports an HTML page as HTTP_BAD_RESPONSE', async () => {
    server.reset((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>'));
    const error = await failure(make().request({ path: '/users' }));
    expect([error.code, error.details.excerpt]).to.deep.equal(['HTTP_BAD_RESPONSE', '<html>Sign in</html>']);
  });

  it('reports truncated JSON as HTTP_BAD_RESPONSE', async () => {
    server.reset((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"users": [{"id": 1'));
    const error = await failure(make().request({ path: '/users' }));
    expect(error.code).to.equal('HTTP_BAD_RESPONSE');
  });

  it('keeps headers, query, request body and tokens out of errors', async () => {
    server.reset((_req, res) => json(res, 400, { error: 'bad', token: 'eyJhbGciOi.eyJzdWIi.c2ln' }));
    const error = await failure(make({ headers: { 'W-Key': 'key-123' } }).request({ method: 'PUT', path: '/users/1',
      searchParams: { secret: 'q-456' }, headers: { authorization: 'Bearer tok-789' }, json: { password: 'pw-000' } }));
    const text = JSON.stringify(error.toJSON()) + error.message;
    expect(['key-123', 'q-456', 'tok-789', 'pw-000', 'eyJ'].filter((secret) => text.includes(secret))).to.deep.equal([]);
  });

  it('sends the default and per-request headers', async () => {
    server.reset((_req, res) => json(res, 200, {}));
    await make({ headers: { 'W-Key': 'k' } }).request({ path: '/users', headers: { 'W-UserId': '7' } });
    expect([server.seen[0]!.headers['w-key'], server.seen[0]!.headers['w-userid']]).to.deep.equal(['k', '7']);
  });

  it('rejects invalid options with HTTP_BAD_OPTIONS', () => {
    expect(() => new Transport({ name: 'test', concurrency: 0 })).to.throw(/concurrency/);
  });
});
