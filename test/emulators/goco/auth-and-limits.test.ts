import { expect } from 'chai';
import { startGocoEmulator, type GocoEmulator } from '../../../src/emulators/goco/index.js';
import { call, seedOf } from './helpers.js';

describe('GoCo emulator: auth, rate limit and faults', () => {
  const running: GocoEmulator[] = [];
  const start = async (opts: Parameters<typeof startGocoEmulator>[0] = {}) => {
    const emu = await startGocoEmulator({ seed: seedOf(3), token: 'good-token', ...opts });
    running.push(emu);
    return emu;
  };
  after(async () => {
    await Promise.all(running.map((e) => e.close()));
  });

  it('answers a missing Authorization header with 401 unauthorized', async () => {
    const emu = await start();
    const res = await call(`${emu.url}/employees`, null);
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthorized');
  });

  it('answers a wrong token with 401 and does not echo the token', async () => {
    const emu = await start();
    const res = await call(`${emu.url}/employees`, 'bad-token');
    expect(res.status).to.equal(401);
    expect(JSON.stringify(res.body)).to.not.contain('bad-token');
  });

  it('guards the admin routes with the same token', async () => {
    const emu = await start();
    const res = await call(`${emu.url}/_admin/snapshot`, null);
    expect(res.status).to.equal(401);
  });

  it('answers over the limit with 429 rate_limited and Retry-After seconds', async () => {
    const emu = await start({ rateLimit: { limit: 2, windowMs: 60_000 } });
    await call(`${emu.url}/employees`, emu.token);
    await call(`${emu.url}/employees`, emu.token);
    const res = await call(`${emu.url}/employees`, emu.token);
    expect(res.status).to.equal(429);
    expect(res.body.error.code).to.equal('rate_limited');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 60);
  });

  it('exempts admin routes from the rate limit', async () => {
    const emu = await start({ rateLimit: { limit: 1 } });
    await call(`${emu.url}/employees`, emu.token);
    const res = await call(`${emu.url}/_admin/snapshot`, emu.token);
    expect(res.status).to.equal(200);
  });

  it('serves a scripted 503 in GoCo error shape, then recovers', async () => {
    const emu = await start();
    emu.faults.inject('status503', (r) => r.path === '/employees');
    const failed = await call(`${emu.url}/employees`, emu.token);
    const next = await call(`${emu.url}/employees`, emu.token);
    expect(failed.status).to.equal(503);
    expect(failed.body.error.code).to.equal('service_unavailable');
    expect(next.status).to.equal(200);
  });

  it('keeps random faults off the admin routes', async () => {
    const emu = await start({ faults: { rate: 1, kinds: ['status503'] } });
    const api = await call(`${emu.url}/employees`, emu.token);
    const admin = await call(`${emu.url}/_admin/snapshot`, emu.token);
    expect(api.status).to.equal(503);
    expect(admin.status).to.equal(200);
  });

  it('lets another process script a fault through POST /_admin/faults', async () => {
    const emu = await start();
    await call(`${emu.url}/_admin/faults`, emu.token, { method: 'POST', body: { inject: 'status429', path: '/departments' } });
    const res = await call(`${emu.url}/departments`, emu.token);
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.equal('1');
  });
});
