import { expect } from 'chai';
import { startWiwEmulator, type WiwEmulator } from '../../../src/emulators/wheniwork/index.js';
import { api, login } from './helpers.js';

const ids = (users: Array<{ id: number }>) => users.map((u) => u.id);

describe('WIW emulator: users', () => {
  let emu: WiwEmulator;
  let token: string;
  before(async () => {
    emu = await startWiwEmulator();
    token = await login(emu);
  });
  beforeEach(() => emu.reset());
  after(() => emu.close());

  const newUser = (extra: Record<string, unknown> = {}) => ({
    first_name: 'Eve',
    last_name: 'New',
    email: 'eve.new@acme-coffee.example',
    phone_number: '+1 612 555 0199',
    employee_code: 'E-2001',
    locations: [301],
    positions: [501],
    ...extra,
  });

  describe('reading', () => {
    it('lists non-deleted users as {"users": [...]}', async () => {
      const res = await api(emu, token, '/users');
      expect(ids(res.body.users)).to.deep.equal([4001, 4002, 4003, 4004]);
    });

    it('gets one user as {"user": {...}} with string phone and employee code', async () => {
      const res = await api(emu, token, '/users/4002');
      expect(res.body.user).to.include({ id: 4002, account_id: 10001, role: 3, phone_number: '+16125550101', employee_code: 'E-1001' });
      expect(res.body.user.created_at).to.match(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [-+]\d{4}$/);
    });

    it('answers 404 for a user of no account of this workplace', async () => {
      const res = await api(emu, token, '/users/999999');
      expect(res.status).to.equal(404);
    });

    it('filters by search over first name, last name and email', async () => {
      const byName = await api(emu, token, '/users?search=barista');
      const byEmail = await api(emu, token, '/users?search=CARLA.LEAD@');
      expect(ids(byName.body.users)).to.deep.equal([4002]);
      expect(ids(byEmail.body.users)).to.deep.equal([4003]);
    });

    it('filters by location_id and ids comma lists', async () => {
      const byLoc = await api(emu, token, '/users?location_id=302');
      const byIds = await api(emu, token, '/users?ids=4002,4004');
      expect(ids(byLoc.body.users)).to.deep.equal([4001, 4003]);
      expect(ids(byIds.body.users)).to.deep.equal([4002, 4004]);
    });

    it('hides pending users only when show_pending=false', async () => {
      emu.state.accounts.get(10001)!.users.get(4004)!.activated = false;
      const shown = await api(emu, token, '/users');
      const hidden = await api(emu, token, '/users?show_pending=false');
      expect(ids(shown.body.users)).to.include(4004);
      expect(ids(hidden.body.users)).to.not.include(4004);
    });
  });

  describe('writing', () => {
    it('creates a user with role 3 and sends an invitation by default', async () => {
      const res = await api(emu, token, '/users', { method: 'POST', json: newUser() });
      expect(res.status).to.equal(200);
      expect(res.body.user).to.include({ role: 3, email: 'eve.new@acme-coffee.example', is_deleted: false, account_id: 10001 });
      expect(res.body.user.id).to.be.a('number');
      expect(emu.invitesSent).to.equal(1);
    });

    it('sends no invitation when invite is false', async () => {
      await api(emu, token, '/users', { method: 'POST', json: newUser({ invite: false }) });
      expect(emu.invitesSent).to.equal(0);
      expect(emu.snapshot().accounts[0]!.users).to.have.length(5);
    });

    it('updates fields with PUT and returns the user', async () => {
      const res = await api(emu, token, '/users/4003', { method: 'PUT', json: { employee_code: 'E-3003', positions: [501, 502] } });
      expect(res.body.user).to.include({ employee_code: 'E-3003' });
      expect(res.body.user.positions).to.deep.equal([501, 502]);
    });

    it('soft-deletes a user: success, hidden from the list, kept with is_deleted', async () => {
      const del = await api(emu, token, '/users/4002', { method: 'DELETE' });
      const list = await api(emu, token, '/users');
      const deleted = await api(emu, token, '/users?only_deleted=true');
      expect(del.body).to.deep.equal({ success: true });
      expect(ids(list.body.users)).to.not.include(4002);
      expect(deleted.body.users).to.have.length(1);
      expect(deleted.body.users[0]).to.include({ id: 4002, is_deleted: true });
    });

    it('includes deleted users with show_deleted=true', async () => {
      await api(emu, token, '/users/4002', { method: 'DELETE' });
      const res = await api(emu, token, '/users?show_deleted=true');
      expect(ids(res.body.users)).to.deep.equal([4001, 4002, 4003, 4004]);
    });

    it('reactivates a deleted user with PUT reactivate: true', async () => {
      await api(emu, token, '/users/4002', { method: 'DELETE' });
      const res = await api(emu, token, '/users/4002', { method: 'PUT', json: { reactivate: true } });
      expect(res.body.user).to.include({ id: 4002, is_deleted: false, deleted_at: null });
    });

    it('restores the deleted user with the same email on POST reactivate: true', async () => {
      await api(emu, token, '/users/4002', { method: 'DELETE' });
      const res = await api(emu, token, '/users', {
        method: 'POST',
        json: { first_name: 'Bob', last_name: 'Barista', email: 'Bob.Barista@acme-coffee.example', reactivate: true },
      });
      expect(res.body.user).to.include({ id: 4002, is_deleted: false });
      expect(emu.snapshot().accounts[0]!.users).to.have.length(4);
    });

    it('gives a user with a new email a new login that has no password', async () => {
      const res = await api(emu, token, '/users', { method: 'POST', json: newUser() });
      const person = emu.snapshot().persons.find((p) => p.id === res.body.user.login_id);
      expect(person).to.include({ email: 'eve.new@acme-coffee.example', has_password: false });
    });
  });

  describe('validation', () => {
    const rejects = async (body: unknown, path = '/users', method = 'POST') => {
      const res = await api(emu, token, path, { method, json: body });
      expect(res.status).to.equal(400);
      expect(res.body).to.have.keys('error', 'code');
      return res.body as { error: string; code: number };
    };

    it('requires first_name and last_name', async () => {
      const body = await rejects({ last_name: 'X', email: 'x@example.com' });
      expect(body.error).to.match(/first_name/);
    });

    it('accepts a user with neither email nor phone (only the names are required)', async () => {
      const res = await api(emu, token, '/users', { method: 'POST', json: { first_name: 'No', last_name: 'Contact' } });
      expect(res.status).to.equal(200);
    });

    it('accepts a phone number without an email', async () => {
      const res = await api(emu, token, '/users', { method: 'POST', json: { first_name: 'A', last_name: 'B', phone_number: '6125550123' } });
      expect(res.status).to.equal(200);
    });

    it('rejects a non-string email', async () => {
      await rejects(newUser({ email: 42 }));
    });

    it('rejects an email without an @domain', async () => {
      await rejects(newUser({ email: 'not-an-email' }));
    });

    it('rejects a numeric employee_code (the field is a string)', async () => {
      await rejects(newUser({ employee_code: 1234 }));
    });

    it('rejects unknown location ids with code 1054', async () => {
      const body = await rejects(newUser({ locations: [301, 99999] }));
      expect(body.code).to.equal(1054);
    });

    it('rejects unknown position ids with code 1054', async () => {
      const body = await rejects(newUser({ positions: [77777] }));
      expect(body.code).to.equal(1054);
    });

    it('rejects a duplicate email among non-deleted users with code 1062', async () => {
      const body = await rejects(newUser({ email: ' BOB.barista@acme-coffee.example ' }));
      expect(body.code).to.equal(1062);
    });

    it('allows the email of a deleted user when not reactivating', async () => {
      await api(emu, token, '/users/4002', { method: 'DELETE' });
      const res = await api(emu, token, '/users', { method: 'POST', json: newUser({ email: 'bob.barista@acme-coffee.example' }) });
      expect(res.status).to.equal(200);
      expect(res.body.user.id).to.not.equal(4002);
    });

    it('rejects a body that is not JSON', async () => {
      const res = await fetch(`${emu.apiUrl}/users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'first_name=A',
      });
      expect(res.status).to.equal(400);
    });
  });

  describe('seats', () => {
    it('answers a bare 500 when creating past the seat limit, creating nobody', async () => {
      emu.state.accounts.get(10001)!.account.seats = 4;
      const res = await api(emu, token, '/users', { method: 'POST', json: newUser() });
      expect(res.status).to.equal(500);
      expect(res.body).to.deep.equal({ error: 'Internal Server Error', code: 500 });
      expect(emu.snapshot().accounts[0]!.users).to.have.length(4);
    });

    it('frees a seat when a user is deleted', async () => {
      emu.state.accounts.get(10001)!.account.seats = 4;
      await api(emu, token, '/users/4004', { method: 'DELETE' });
      const res = await api(emu, token, '/users', { method: 'POST', json: newUser() });
      expect(res.status).to.equal(200);
    });

    it('counts a reactivation against the seats', async () => {
      await api(emu, token, '/users/4004', { method: 'DELETE' });
      await api(emu, token, '/users', { method: 'POST', json: newUser() });
      emu.state.accounts.get(10001)!.account.seats = 4;
      const res = await api(emu, token, '/users/4004', { method: 'PUT', json: { reactivate: true } });
      expect(res.status).to.equal(500);
      expect(emu.state.accounts.get(10001)!.users.get(4004)!.is_deleted).to.equal(true);
    });

    it('reports users_count after a create', async () => {
      await api(emu, token, '/users', { method: 'POST', json: newUser() });
      const res = await api(emu, token, '/account');
      expect(res.body.account.users_count).to.equal(5);
    });
  });
});
