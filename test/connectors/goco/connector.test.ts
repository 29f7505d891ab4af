import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { goco } from '../../../src/connectors/goco/index.js';
import { context, employee, failure, harness, quietLogger, seedOf, type Harness } from './helpers.js';

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api`;
}

describe('goco connector: settings, connection test and errors', () => {
  let h: Harness;

  before(async () => {
    h = await harness({ seed: seedOf([employee(1), employee(2), employee(3)]) });
  });
  after(async () => {
    await h.close();
  });

  it('describes api_token as a secret and requires api_url and api_token', () => {
    const schema = goco.settings as { required: string[]; properties: Record<string, Record<string, unknown>> };
    expect(schema.required).to.have.members(['api_url', 'api_token']);
    expect(schema.properties.api_token!['x-secret']).to.equal(true);
  });

  it('applies the schema defaults when connecting', () => {
    const c = h.connect();
    expect(c.settings).to.include({ concurrency: 4, timeoutMs: 30000, pageSize: 100, requestsPerMinute: undefined });
  });

  it('connects without touching the network', () => {
    const before = h.emulator.totalRequests();
    h.connect();
    expect(h.emulator.totalRequests()).to.equal(before);
  });

  it('rejects a URL that is not http(s) with GOCO_BAD_SETTINGS', () => {
    expect(() => goco.connect({ api_url: 'not a url', api_token: 't' }, { logger: quietLogger() }))
      .to.throw().with.property('code', 'GOCO_BAD_SETTINGS');
  });

  it('test() says how many employees GoCo has', async () => {
    const c = h.connect();
    const result = await goco.test!(c, context(c));
    expect(result.message).to.equal('Connected to GoCo (3 employees)');
  });

  it('sends the token as Authorization: Bearer (a wrong one is GOCO_UNAUTHORIZED)', async () => {
    const c = h.connect({ api_token: 'wrong-token' });
    const error = await failure(goco.test!(c, context(c)));
    expect([error.code, error.message]).to.deep.equal(['GOCO_UNAUTHORIZED', 'GoCo rejected the API token; set goco_api_token']);
  });

  it('never puts the token in a GOCO_UNAUTHORIZED error', async () => {
    const c = h.connect({ api_token: 'wrong-token-s3cret' });
    const error = await failure(goco.actions.list_employees!.run({}, context(c)));
    expect(JSON.stringify({ m: error.message, d: error.details, s: error.stack })).not.to.contain('s3cret');
  });

  it('reports an unreachable GoCo as GOCO_UNREACHABLE naming the URL', async function () {
    this.timeout(15_000); // the transport retries a refused connection with backoff first
    const url = await closedPortUrl();
    const c = h.connect({ api_url: url });
    const error = await failure(goco.test!(c, context(c)));
    expect(error.code).to.equal('GOCO_UNREACHABLE');
    expect(error.message).to.contain(url);
  });

  it('retries a 429 after its Retry-After and then succeeds', async () => {
    h.emulator.faults.inject('status429', (r) => r.path === '/employees');
    const c = h.connect();
    const started = Date.now();
    const result = await goco.actions.list_employees!.run({}, context(c));
    expect([result.count, h.emulator.faults.served.status429, c.transport.stats.rateLimited]).to.deep.equal([3, 1, 1]);
    expect(Date.now() - started).to.be.at.least(1000);
  });

  it('close() drains and then refuses new requests', async () => {
    const c = goco.connect({ api_url: h.emulator.url, api_token: h.emulator.token }, { logger: quietLogger() });
    const pending = goco.actions.list_employees!.run({}, context(c));
    await goco.close!(c);
    expect((await pending).count).to.equal(3);
    expect((await failure(goco.test!(c, context(c)))).code).to.equal('HTTP_CLOSED');
  });
});
