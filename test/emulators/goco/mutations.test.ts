import { expect } from 'chai';
import { startGocoEmulator, type GocoEmulator } from '../../../src/emulators/goco/index.js';
import { call, seedOf, uid } from './helpers.js';

describe('GoCo emulator: mutations', () => {
  let emu: GocoEmulator;
  const admin = (method: string, path: string, body?: unknown) => call(`${emu.url}/_admin${path}`, emu.token, { method, body });

  beforeEach(async () => {
    emu = await startGocoEmulator({ seed: seedOf(3) });
  });
  afterEach(() => emu.close());

  it('stamps every change later than the one before, even within one millisecond', () => {
    const stamps = Array.from({ length: 50 }, (_, k) => emu.updateEmployee(uid(1 + (k % 3)), { jobTitle: `t${k}` }).updatedAt);
    for (let k = 1; k < stamps.length; k++) expect(stamps[k] as string > (stamps[k - 1] as string)).to.equal(true);
  });

  it('stamps a change after the newest seeded stamp, even one in the future', async () => {
    await emu.close();
    emu = await startGocoEmulator({ seed: seedOf(1, () => ({ updatedAt: '2099-01-01T00:00:00.000Z' })) });
    expect(emu.updateEmployee(uid(1), { lastName: 'Changed' }).updatedAt).to.equal('2099-01-01T00:00:00.001Z');
  });

  it('hires with defaults, the next employee number and a fresh stamp', () => {
    const hired = emu.hire({ firstName: 'Nia', lastName: 'New' });
    expect(hired).to.include({ status: 'active', employeeNumber: '1004', firstName: 'Nia', terminationDate: null });
    expect(hired.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(emu.snapshot().employees).to.have.length(4);
  });

  it('terminates and rehires the same record', () => {
    const terminated = emu.terminate(uid(2), '2026-02-01');
    const rehired = emu.rehire(uid(2), '2026-03-01');
    expect(terminated).to.include({ status: 'terminated', terminationDate: '2026-02-01' });
    expect(rehired).to.include({ id: uid(2), status: 'active', terminationDate: null, hireDate: '2026-03-01' });
  });

  it('refuses to terminate a terminated employee with 409 conflict', () => {
    emu.terminate(uid(2));
    expect(() => emu.terminate(uid(2))).to.throw(/already terminated/);
  });

  it('removes syncToWhenIWork when patched with null (absent means yes)', () => {
    emu.updateEmployee(uid(1), { syncToWhenIWork: false });
    const cleared = emu.updateEmployee(uid(1), { syncToWhenIWork: null });
    expect(cleared).to.not.have.property('syncToWhenIWork');
  });

  it('refuses a location that does not exist', () => {
    expect(() => emu.updateEmployee(uid(1), { workLocationId: uid(4242) })).to.throw(/workLocationId/);
  });

  it('renames a location and a department', () => {
    emu.renameLocation(uid(9001), 'Uptown Café');
    emu.renameDepartment(uid(9501), 'FOH');
    const snap = emu.snapshot();
    expect(snap.locations[0]?.name).to.equal('Uptown Café');
    expect(snap.departments[0]?.name).to.equal('FOH');
  });

  it('gives out copies: changing a returned record changes nothing served', () => {
    const copy = emu.employee(uid(1));
    copy.firstName = 'Mallory';
    expect(emu.employee(uid(1)).firstName).to.equal('First1');
  });

  it('hires over HTTP with 201 and serves the hire at once', async () => {
    const res = await admin('POST', '/employees', { firstName: 'Ola', lastName: 'Http', workEmail: 'ola@example.test', workLocationId: uid(9001) });
    const read = await call(`${emu.url}/employees/${res.body.data.id}`, emu.token);
    expect(res.status).to.equal(201);
    expect(read.body.data).to.include({ firstName: 'Ola', workLocationId: uid(9001) });
  });

  it('updates, terminates and rehires over HTTP', async () => {
    const patched = await admin('PATCH', `/employees/${uid(1)}`, { workEmail: 'new@example.test', mobilePhone: '612.555.0100' });
    const terminated = await admin('POST', `/employees/${uid(1)}/terminate`, { date: '2026-04-30' });
    const rehired = await admin('POST', `/employees/${uid(1)}/rehire`);
    expect(patched.body.data.workEmail).to.equal('new@example.test');
    expect(terminated.body.data.status).to.equal('terminated');
    expect(rehired.body.data.status).to.equal('active');
    expect(rehired.body.data.updatedAt > terminated.body.data.updatedAt).to.equal(true);
  });

  it('adds and renames locations and departments over HTTP', async () => {
    const location = await admin('POST', '/locations', {
      name: 'Airport Kiosk', code: '103', timeZone: 'America/Chicago',
      address: { line1: '4300 Glumack Dr', line2: null, city: 'St Paul', state: 'MN', postalCode: '55111', country: 'US' },
    });
    const renamed = await admin('PATCH', `/locations/${location.body.data.id}`, { name: 'Airport Kiosk C' });
    const department = await admin('POST', '/departments', { name: 'Catering', code: '303' });
    const deptRenamed = await admin('PATCH', `/departments/${department.body.data.id}`, { name: 'Events' });
    expect(location.status).to.equal(201);
    expect(renamed.body.data).to.include({ name: 'Airport Kiosk C', isActive: true });
    expect(deptRenamed.body.data.name).to.equal('Events');
  });

  it('refuses an unknown field in an admin body with 400 invalid_body', async () => {
    const res = await admin('PATCH', `/employees/${uid(1)}`, { fristName: 'Typo' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_body');
    expect(res.body.error.message).to.contain('fristName');
  });

  it('refuses a bad enum value in an admin body', async () => {
    const res = await admin('PATCH', `/employees/${uid(1)}`, { status: 'fired' });
    expect(res.status).to.equal(400);
  });

  it('answers a second terminate over HTTP with 409 conflict', async () => {
    await admin('POST', `/employees/${uid(3)}/terminate`);
    const res = await admin('POST', `/employees/${uid(3)}/terminate`);
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('conflict');
  });

  it('returns a snapshot over HTTP', async () => {
    const res = await admin('GET', '/snapshot');
    expect(res.body.data.employees).to.have.length(3);
    expect(res.body.data).to.have.keys('employees', 'locations', 'departments');
  });
});
