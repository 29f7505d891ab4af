import { expect } from 'chai';
import { startWiwEmulator, type WiwEmulator } from '../../../src/emulators/wheniwork/index.js';
import { api, login } from './helpers.js';

describe('WIW emulator: locations and positions', () => {
  let emu: WiwEmulator;
  let token: string;
  before(async () => {
    emu = await startWiwEmulator();
    token = await login(emu);
  });
  beforeEach(() => emu.reset());
  after(() => emu.close());

  it('lists locations as {"locations": [...]}', async () => {
    const res = await api(emu, token, '/locations');
    expect(res.body.locations.map((l: { name: string }) => l.name)).to.deep.equal(['Downtown', 'Uptown']);
  });

  it('creates a location and answers 200 with {"location": {...}}', async () => {
    const res = await api(emu, token, '/locations', { method: 'POST', json: { name: 'Airport', address: '1 Terminal Rd' } });
    expect(res.status).to.equal(200);
    expect(res.body.location).to.include({ name: 'Airport', address: '1 Terminal Rd', account_id: 10001, is_deleted: false });
  });

  it('renames and re-addresses a location with PUT', async () => {
    const res = await api(emu, token, '/locations/302', { method: 'PUT', json: { name: 'Uptown North', address: '3000 Hennepin Ave' } });
    expect(res.body.location).to.include({ id: 302, name: 'Uptown North', address: '3000 Hennepin Ave' });
  });

  it('soft-deletes a location, hides it from the list and takes it off users', async () => {
    const del = await api(emu, token, '/locations/302', { method: 'DELETE' });
    const list = await api(emu, token, '/locations');
    const one = await api(emu, token, '/locations/302');
    expect(del.body).to.deep.equal({ success: true });
    expect(list.body.locations).to.have.length(1);
    expect(one.body.location.is_deleted).to.equal(true);
    expect(emu.state.accounts.get(10001)!.users.get(4003)!.locations).to.deep.equal([]);
  });

  it('deletes several locations with DELETE ?ids=', async () => {
    await api(emu, token, '/locations?ids=301,302', { method: 'DELETE' });
    const list = await api(emu, token, '/locations');
    expect(list.body.locations).to.deep.equal([]);
  });

  it('rejects a location without a name', async () => {
    const res = await api(emu, token, '/locations', { method: 'POST', json: { address: 'x' } });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.match(/name/);
  });

  it('answers 404 for an unknown location', async () => {
    const res = await api(emu, token, '/locations/9999');
    expect(res.status).to.equal(404);
  });

  it('creates a position with a colour and answers {"position": {...}}', async () => {
    const res = await api(emu, token, '/positions', { method: 'POST', json: { name: 'Baker', color: '#00AA00' } });
    expect(res.body.position).to.include({ name: 'Baker', color: '00aa00', is_deleted: false });
  });

  it('renames a position with PUT', async () => {
    const res = await api(emu, token, '/positions/501', { method: 'PUT', json: { name: 'Senior Barista' } });
    expect(res.body.position).to.include({ id: 501, name: 'Senior Barista' });
  });

  it('hides a deleted position unless show_deleted=true', async () => {
    await api(emu, token, '/positions/502', { method: 'DELETE' });
    const list = await api(emu, token, '/positions');
    const all = await api(emu, token, '/positions?show_deleted=true');
    expect(list.body.positions.map((p: { id: number }) => p.id)).to.deep.equal([501]);
    expect(all.body.positions.map((p: { id: number }) => p.id)).to.deep.equal([501, 502]);
  });

  it('refuses a deleted position on a user', async () => {
    await api(emu, token, '/positions/502', { method: 'DELETE' });
    const res = await api(emu, token, '/users/4002', { method: 'PUT', json: { positions: [502] } });
    expect(res.status).to.equal(400);
  });

  it('forbids an employee from creating a position with code 3005', async () => {
    emu.state.accounts.get(10001)!.users.get(4001)!.role = 3;
    const res = await api(emu, token, '/positions', { method: 'POST', json: { name: 'X' } });
    expect(res.status).to.equal(403);
    expect(res.body.code).to.equal(3005);
  });
});
