import { expect } from 'chai';
import { startWiwEmulator, type WiwEmulator } from '../../../src/emulators/wheniwork/index.js';
import { api, login } from './helpers.js';

describe('WIW emulator: rate limits and faults', () => {
  describe('rate limit in 429 mode', () => {
    let now = 1_000_000;
    let emu: WiwEmulator;
    let token: string;
    before(async () => {
      emu = await startWiwEmulator({ rateLimit: { limit: 3, mode: '429' }, clock: () => now });
      token = await login(emu);
    });
    after(() => emu.close());

    it('counts down W-Limit-Remaining, then answers 429 with Retry-After and W-Limit-Remaining: 0', async () => {
      const first = await api(emu, token, '/users');
      await api(emu, token, '/users');
      const third = await api(emu, token, '/users');
      const limited = await api(emu, token, '/users');
      expect(first.headers.get('w-limit-remaining')).to.equal('2');
      expect(third.headers.get('w-limit-remaining')).to.equal('0');
      expect(limited.status).to.equal(429);
      expect(limited.headers.get('w-limit-remaining')).to.equal('0');
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
      expect(limited.body.code).to.equal(1200);
    });

    it('lets requests through again once the window has rolled on', async () => {
      now += 60_000;
      const res = await api(emu, token, '/users');
      expect(res.status).to.equal(200);
    });
  });

  describe('rate limit in 403 mode (2 per minute)', () => {
    let emu: WiwEmulator;
    before(async () => {
      emu = await startWiwEmulator({ rateLimit: { limit: 2, mode: '403' } });
    });
    after(() => emu.close());

    it('answers 403 with a body that says rate limit, and no Retry-After', async () => {
      const token = await login(emu);
      await api(emu, token, '/users');
      await api(emu, token, '/users');
      const res = await api(emu, token, '/users');
      expect(res.status).to.equal(403);
      expect(res.body.error).to.match(/rate limit/i);
      expect(res.headers.get('retry-after')).to.equal(null);
    });
  });

  describe('faults', () => {
    let emu: WiwEmulator;
    let token: string;
    before(async () => {
      emu = await startWiwEmulator();
      token = await login(emu);
    });
    beforeEach(() => emu.reset());
    after(() => emu.close());

    it('creates the user on POST /2/users even though reset_after loses the reply', async () => {
      emu.faults.inject('reset_after', (r) => r.method === 'POST' && r.path === '/2/users');
      const attempt = api(emu, token, '/users', {
        method: 'POST',
        json: { first_name: 'Lost', last_name: 'Reply', email: 'lost@acme-coffee.example' },
      });
      await attempt.then(
        () => expect.fail('the request should have failed'),
        (error: unknown) => expect(error).to.be.instanceOf(TypeError),
      );
      const created = emu.snapshot().accounts[0]!.users.filter((u) => u.email === 'lost@acme-coffee.example');
      expect(created).to.have.length(1);
    });

    it('answers a scripted 503 in WIW error shape, changing nothing', async () => {
      emu.faults.inject('status503', (r) => r.path === '/2/users');
      const res = await api(emu, token, '/users', { method: 'POST', json: { first_name: 'A', last_name: 'B', email: 'a@b.co' } });
      expect(res.status).to.equal(503);
      expect(res.body).to.have.keys('error', 'code');
      expect(emu.snapshot().accounts[0]!.users).to.have.length(4);
    });

    it('counts requests by route in stats', async () => {
      const before = emu.stats.get('GET /2/users/:id') ?? 0;
      await api(emu, token, '/users/4002');
      await api(emu, token, '/users/4003');
      expect(emu.stats.get('GET /2/users/:id')).to.equal(before + 2);
    });
  });
});
