import net from 'node:net';
import { expect } from 'chai';
import { wheniwork } from '../../../src/connectors/wheniwork/index.js';
import { defaultWiwSeed, startWiwEmulator, type WiwEmulator, type WiwSeed } from '../../../src/emulators/wheniwork/index.js';
import { connectTo, makeCtx, rejection, run } from './helpers.js';

function twoWorkplaces(): WiwSeed {
  const seed = defaultWiwSeed();
  seed.accounts.push({
    id: 10002, company: 'Beta Bakery', seats: 10,
    users: [
      { id: 4101, role: 1, email: 'admin@acme-coffee.example', first_name: 'Ada', last_name: 'Admin' },
      { id: 4102, email: 'baker@beta.example', first_name: 'Bea', last_name: 'Baker' },
    ],
  });
  return seed;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('wheniwork connector: session', () => {
  let wiw: WiwEmulator;
  before(async () => {
    wiw = await startWiwEmulator();
  });
  after(async () => {
    await wiw.close();
  });

  it('login returns the workplace (account, user, company) and no token', async () => {
    const client = connectTo(wiw);
    const out = await run('login', {}, makeCtx(client));
    expect(out).to.deep.equal({ account_id: 10001, user_id: 4001, company: 'Acme Coffee' });
    await client.close();
  });

  it('connect makes no request', async () => {
    const before = wiw.totalRequests();
    const client = connectTo(wiw);
    expect(wiw.totalRequests()).to.equal(before);
    await client.close();
  });

  it('concurrent first calls share one login', async () => {
    const client = connectTo(wiw);
    const logins = wiw.stats.get('POST /login') ?? 0;
    const ctx = makeCtx(client);
    await Promise.all([run('list_users', {}, ctx), run('list_locations', {}, ctx), run('get_account', {}, ctx), run('login', {}, ctx)]);
    expect((wiw.stats.get('POST /login') ?? 0) - logins).to.equal(1);
    await client.close();
  });

  it('a wrong password is WIW_LOGIN_FAILED naming the email', async () => {
    const client = connectTo(wiw, { password: 'not-the-password' });
    const error = await rejection(run('list_users', {}, makeCtx(client)));
    expect(error.code).to.equal('WIW_LOGIN_FAILED');
    expect(error.kind).to.equal('user');
    expect(error.message).to.equal('When I Work rejected the email or password for admin@acme-coffee.example');
    await client.close();
  });

  it('a bad developer key is WIW_BAD_KEY', async () => {
    const client = connectTo(wiw, { api_key: 'not-a-key' });
    const error = await rejection(run('login', {}, makeCtx(client)));
    expect(error.code).to.equal('WIW_BAD_KEY');
    expect(error.message).to.not.include('not-a-key');
    await client.close();
  });

  it('an unreachable login URL is WIW_UNREACHABLE with the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = connectTo(wiw, { login_url: url, retries: 0 });
    const error = await rejection(run('login', {}, makeCtx(client)));
    expect(error.code).to.equal('WIW_UNREACHABLE');
    expect(error.message).to.include(url);
    await client.close();
  });

  it('a failed login is not remembered: the next call logs in again', async () => {
    const client = connectTo(wiw, { api_key: 'not-a-key' });
    const ctx = makeCtx(client);
    await rejection(run('login', {}, ctx));
    const logins = wiw.stats.get('POST /login') ?? 0;
    await rejection(run('login', {}, ctx));
    expect((wiw.stats.get('POST /login') ?? 0) - logins).to.equal(1);
    await client.close();
  });

  it('test() says which workplace and login it connected to', async () => {
    const client = connectTo(wiw);
    const result = await wheniwork.test!(client, makeCtx(client));
    expect(result.message).to.equal('Connected to When I Work workplace Acme Coffee (account 10001) as admin@acme-coffee.example');
    await client.close();
  });

  it('test() throws the typed login error', async () => {
    const client = connectTo(wiw, { password: 'wrong' });
    const error = await rejection(wheniwork.test!(client, makeCtx(client)));
    expect(error.code).to.equal('WIW_LOGIN_FAILED');
    await client.close();
  });

  describe('several workplaces', () => {
    let multi: WiwEmulator;
    before(async () => {
      multi = await startWiwEmulator({ seed: twoWorkplaces() });
    });
    after(async () => {
      await multi.close();
    });

    it('without account_id is WIW_WORKPLACE_AMBIGUOUS listing companies and account ids', async () => {
      const client = connectTo(multi);
      const error = await rejection(run('list_users', {}, makeCtx(client)));
      expect(error.code).to.equal('WIW_WORKPLACE_AMBIGUOUS');
      expect(error.message).to.include('Acme Coffee (account 10001)');
      expect(error.message).to.include('Beta Bakery (account 10002)');
      expect(error.message).to.include('wiw_account_id');
      await client.close();
    });

    it('with account_id (a numeric string) acts in that workplace', async () => {
      const client = connectTo(multi, { account_id: '10002' });
      const ctx = makeCtx(client);
      const { users } = await run('list_users', {}, ctx);
      expect(users.map((u: { id: number }) => u.id)).to.deep.equal([4101, 4102]);
      expect(await run('login', {}, ctx)).to.deep.equal({ account_id: 10002, user_id: 4101, company: 'Beta Bakery' });
      await client.close();
    });

    it('an account_id the login does not have is WIW_WORKPLACE_NOT_FOUND', async () => {
      const client = connectTo(multi, { account_id: 999 });
      const error = await rejection(run('login', {}, makeCtx(client)));
      expect(error.code).to.equal('WIW_WORKPLACE_NOT_FOUND');
      expect(error.message).to.include('Beta Bakery (account 10002)');
      await client.close();
    });
  });

  describe('expired token', () => {
    let now = Date.now();
    let timed: WiwEmulator;
    before(async () => {
      timed = await startWiwEmulator({ tokenTtlSec: 60, clock: () => now });
    });
    after(async () => {
      await timed.close();
    });

    it('a 401 logs in again once and repeats the request', async () => {
      const client = connectTo(timed);
      const ctx = makeCtx(client);
      await run('list_users', {}, ctx);
      now += 120_000;
      const logins = timed.stats.get('POST /login') ?? 0;
      const { users } = await run('list_users', {}, ctx);
      expect(users).to.have.length(4);
      expect((timed.stats.get('POST /login') ?? 0) - logins).to.equal(1);
      await client.close();
    });

    it('concurrent requests refused with the same token share one new login', async () => {
      const client = connectTo(timed);
      const ctx = makeCtx(client);
      await run('login', {}, ctx);
      now += 120_000;
      const logins = timed.stats.get('POST /login') ?? 0;
      await Promise.all([run('list_users', {}, ctx), run('list_positions', {}, ctx), run('get_user', { id: 4002 }, ctx), run('get_account', {}, ctx)]);
      expect((timed.stats.get('POST /login') ?? 0) - logins).to.equal(1);
      await client.close();
    });
  });
});
