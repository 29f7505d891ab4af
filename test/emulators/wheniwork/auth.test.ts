import { expect } from 'chai';
import { startWiwEmulator, type WiwEmulator, type WiwSeed } from '../../../src/emulators/wheniwork/index.js';
import { api, call, login } from './helpers.js';

/** One person, admin in two workplaces. */
const twoWorkplaces = (): WiwSeed => ({
  developerKeys: ['k1'],
  persons: [{ email: 'multi@example.com', password: 'pw-1', first_name: 'Mo', last_name: 'Multi' }],
  accounts: [
    { id: 1, company: 'First Co', users: [{ id: 11, role: 1, email: 'multi@example.com', first_name: 'Mo', last_name: 'Multi' }] },
    {
      id: 2,
      company: 'Second Co',
      users: [
        { id: 21, role: 1, email: 'multi@example.com', first_name: 'Mo', last_name: 'Multi' },
        { id: 22, email: 'other@example.com', first_name: 'Ot', last_name: 'Her' },
      ],
    },
  ],
});

describe('WIW emulator: login and workplace', () => {
  let now = Date.UTC(2026, 2, 2, 12);
  let emu: WiwEmulator;
  let multi: WiwEmulator;
  before(async () => {
    emu = await startWiwEmulator({ clock: () => now, tokenTtlSec: 3600 });
    multi = await startWiwEmulator({ seed: twoWorkplaces() });
  });
  after(async () => {
    await emu.close();
    await multi.close();
  });

  it('logs in with W-Key, email and password and returns the person with a token', async () => {
    const res = await call(`${emu.loginUrl}/login`, {
      method: 'POST',
      headers: { 'W-Key': emu.credentials.apiKey },
      json: { email: emu.credentials.email, password: emu.credentials.password },
    });
    expect(res.status).to.equal(200);
    expect(res.body.person).to.include({ email: emu.credentials.email, token: res.body.token });
    expect(res.body.person).to.not.have.property('password');
    const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).to.equal(3600);
  });

  it('refuses a login without a developer key with code 1110', async () => {
    const res = await call(`${emu.loginUrl}/login`, { method: 'POST', json: { email: 'a@b.co', password: 'x' } });
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.equal({
      error: 'Please include a valid developer `key` for any unauthenticated requests.',
      code: 1110,
    });
  });

  it('refuses an unknown developer key with code 1110', async () => {
    const res = await call(`${emu.loginUrl}/login`, {
      method: 'POST',
      headers: { 'W-Key': 'nope' },
      json: { email: emu.credentials.email, password: emu.credentials.password },
    });
    expect(res.body.code).to.equal(1110);
  });

  it('refuses a wrong password with 401 and a WIW-style body', async () => {
    const res = await call(`${emu.loginUrl}/login`, {
      method: 'POST',
      headers: { 'W-Key': emu.credentials.apiKey },
      json: { email: emu.credentials.email, password: 'wrong' },
    });
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.equal({ error: 'Incorrect email or password.', code: 1100 });
  });

  it('answers 401 code 1000 to a /2 call without a token', async () => {
    const res = await call(`${emu.apiUrl}/users`);
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.equal({ error: 'User login required for this resource.', code: 1000 });
  });

  it('answers 401 code 1000 once the token has expired', async () => {
    const token = await login(emu);
    expect((await api(emu, token, '/users')).status).to.equal(200);
    now += 3600 * 1000;
    const res = await api(emu, token, '/users');
    expect(res.status).to.equal(401);
    expect(res.body.code).to.equal(1000);
  });

  it('answers 401 to a token with a tampered signature', async () => {
    const token = await login(emu);
    const res = await api(emu, token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'), '/users');
    expect(res.status).to.equal(401);
  });

  it('accepts the token in a W-Token header', async () => {
    const token = await login(emu);
    const res = await call(`${emu.apiUrl}/users`, { headers: { 'W-Token': token } });
    expect(res.status).to.equal(200);
  });

  it('lists the person, their users and accounts on GET /2/login', async () => {
    const token = await login(multi);
    const res = await api(multi, token, '/login');
    expect(res.body.login).to.include({ email: 'multi@example.com', token });
    expect(res.body.users.map((u: { id: number }) => u.id)).to.deep.equal([11, 21]);
    expect(res.body.accounts.map((a: { company: string }) => a.company)).to.deep.equal(['First Co', 'Second Co']);
  });

  it('acts on the workplace W-UserId names', async () => {
    const token = await login(multi);
    const res = await api(multi, token, '/users', { userId: 21 });
    expect(res.body.users.map((u: { id: number }) => u.id)).to.deep.equal([21, 22]);
  });

  it('acts on the first workplace when W-UserId is absent', async () => {
    const token = await login(multi);
    const res = await api(multi, token, '/account');
    expect(res.body.account).to.include({ id: 1, company: 'First Co' });
  });

  it('refuses a W-UserId that is not one of the person\'s users', async () => {
    const token = await login(multi);
    const res = await api(multi, token, '/users', { userId: 22 });
    expect(res.status).to.equal(403);
    expect(res.body.code).to.equal(1002);
  });

  it('links a user created with a known email to that person\'s login', async () => {
    const token = await login(multi);
    const res = await api(multi, token, '/users', {
      method: 'POST',
      userId: 11,
      json: { first_name: 'Ot', last_name: 'Her', email: 'OTHER@example.com', invite: false },
    });
    const existing = multi.state.accounts.get(2)!.users.get(22)!;
    expect(res.body.user).to.include({ account_id: 1, login_id: existing.login_id });
  });

  it('shows seats and users_count on GET /2/account', async () => {
    const token = await login(emu);
    const res = await api(emu, token, '/account');
    expect(res.body.account).to.include({ seats: 50, users_count: 4, master_id: 0 });
  });

  it('answers 404 in WIW style for an unknown route', async () => {
    const token = await login(emu);
    const res = await api(emu, token, '/nothing-here');
    expect(res.status).to.equal(404);
    expect(res.body).to.have.keys('error', 'code');
  });

  it('answers 405 for a known route with a wrong method', async () => {
    const token = await login(emu);
    const res = await api(emu, token, '/users', { method: 'PATCH', json: {} });
    expect(res.status).to.equal(405);
  });
});
