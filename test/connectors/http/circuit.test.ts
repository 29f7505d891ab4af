/** The transport's circuit: a service that stopped answering is not retried into; it is tried again later. */
import { expect } from 'chai';
import { isRecipeError, type RecipeError } from '../../../src/engine/errors.js';
import { CIRCUIT_OPEN, Transport, type TransportOptions } from '../../../src/connectors/http/index.js';
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

describe('http transport: circuit', () => {
  let server: TestServer;
  let transport: Transport;
  let clock: number;

  function make(options: Partial<TransportOptions> = {}): Transport {
    clock = 0;
    transport = new Transport({ name: 'test', prefixUrl: server.url, random: () => 0, sleep: async () => undefined,
      circuit: { threshold: 3, cooldownMs: 1000, now: () => clock }, ...options });
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

  it('opens after consecutive 503s: the request in flight stops retrying, the next is not sent', async () => {
    server.reset((_req, res) => json(res, 503, {}));
    make({ retries: 10 });
    const first = await failure(transport.request({ path: 'a' }));
    expect(first.code).to.equal(CIRCUIT_OPEN);
    expect(server.seen).to.have.length(3);
    const second = await failure(transport.request({ method: 'POST', path: 'b', json: {} }));
    expect(second.code).to.equal(CIRCUIT_OPEN);
    expect(second.message).to.match(/POST \/api\/b was not attempted: test stopped answering/);
    expect(second.details.notAttempted).to.equal(true);
    expect(server.seen).to.have.length(3);
  });

  it('fails requests queued behind the outage without sending them', async () => {
    server.reset((_req, res) => json(res, 503, {}));
    make({ retries: 0, concurrency: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => failure(transport.request({ path: `q${i}` }))));
    expect(server.seen).to.have.length(3);
    expect(results.slice(3).every((e) => e.code === CIRCUIT_OPEN)).to.equal(true);
  });

  it('counts a 500 as an answer (WIW answers a create over the seat limit with 500)', async () => {
    server.reset((_req, res) => json(res, 500, { error: 'seat limit' }));
    make();
    for (let i = 0; i < 5; i++) expect((await failure(transport.request({ method: 'POST', path: 'users', json: {} }))).code).to.equal('HTTP_STATUS');
    expect(server.seen).to.have.length(5);
  });

  it('half-opens after the cooldown: an answer closes it, a failure opens it again at once', async () => {
    let down = true;
    server.reset((_req, res) => json(res, down ? 503 : 200, { ok: !down }));
    make({ retries: 0 });
    for (let i = 0; i < 3; i++) await failure(transport.request({ path: 'x' }));
    expect((await failure(transport.request({ path: 'x' }))).code).to.equal(CIRCUIT_OPEN);
    clock += 1000;
    expect((await failure(transport.request({ path: 'x' }))).code).to.equal('HTTP_STATUS');
    expect((await failure(transport.request({ path: 'x' }))).code).to.equal(CIRCUIT_OPEN);
    clock += 1000;
    down = false;
    expect((await transport.request({ path: 'x' })).body).to.deep.equal({ ok: true });
    down = true;
    expect((await failure(transport.request({ path: 'x' }))).code).to.equal('HTTP_STATUS');
  });
});
