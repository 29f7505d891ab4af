import { expect } from 'chai';
import { startGocoEmulator, type GocoEmulator } from '../../../src/emulators/goco/index.js';
import { call, seedOf, uid } from './helpers.js';

describe('GoCo emulator: pagination', () => {
  const running: GocoEmulator[] = [];
  const start = async (count: number) => {
    const emu = await startGocoEmulator({ seed: seedOf(count), token: 't0k' });
    running.push(emu);
    return { emu, get: (path: string) => call(`${emu.url}${path}`, 't0k') };
  };
  after(async () => {
    await Promise.all(running.map((e) => e.close()));
  });

  it('answers an empty list with total 0', async () => {
    const { get } = await start(0);
    const res = await get('/employees');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ data: [], pagination: { limit: 100, offset: 0, total: 0 } });
  });

  it('answers a single employee on one page', async () => {
    const { get } = await start(1);
    const res = await get('/employees?limit=100&offset=0');
    expect(res.body.data.map((e: { id: string }) => e.id)).to.deep.equal([uid(1)]);
    expect(res.body.pagination).to.deep.equal({ limit: 100, offset: 0, total: 1 });
  });

  it('fits exactly one page of 100, and the next page is empty', async () => {
    const { get } = await start(100);
    const first = await get('/employees?limit=100&offset=0');
    const second = await get('/employees?limit=100&offset=100');
    expect(first.body.data).to.have.length(100);
    expect(second.body.data).to.deep.equal([]);
    expect(second.body.pagination).to.deep.equal({ limit: 100, offset: 100, total: 100 });
  });

  it('puts the 101st employee alone on the second page', async () => {
    const { get } = await start(101);
    const second = await get('/employees?limit=100&offset=100');
    expect(second.body.data.map((e: { id: string }) => e.id)).to.deep.equal([uid(101)]);
    expect(second.body.pagination.total).to.equal(101);
  });

  it('orders by id when no updated_since is given', async () => {
    const { get } = await start(5);
    const res = await get('/employees?limit=3&offset=1');
    expect(res.body.data.map((e: { id: string }) => e.id)).to.deep.equal([uid(2), uid(3), uid(4)]);
  });

  it('clamps a limit above 100 to 100 and says so in pagination.limit', async () => {
    const { get } = await start(150);
    const res = await get('/employees?limit=500');
    expect(res.body.data).to.have.length(100);
    expect(res.body.pagination.limit).to.equal(100);
  });

  it('refuses a limit of 0 with 400 invalid_parameter', async () => {
    const { get } = await start(1);
    const res = await get('/employees?limit=0');
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_parameter');
  });

  it('refuses a negative or non-numeric offset', async () => {
    const { get } = await start(1);
    expect((await get('/employees?offset=-1')).status).to.equal(400);
    expect((await get('/employees?offset=abc')).status).to.equal(400);
  });

  it('pages locations and departments in the same envelope', async () => {
    const { get } = await start(1);
    const locations = await get('/locations');
    const departments = await get('/departments?limit=1&offset=0');
    expect(locations.body.pagination).to.deep.equal({ limit: 100, offset: 0, total: 1 });
    expect(locations.body.data[0]).to.have.keys('id', 'name', 'code', 'address', 'timeZone', 'isActive');
    expect(departments.body.data[0]).to.have.keys('id', 'name', 'code', 'isActive');
  });

  it('serves one employee, location and department by id', async () => {
    const { get } = await start(2);
    expect((await get(`/employees/${uid(2)}`)).body.data.id).to.equal(uid(2));
    expect((await get(`/locations/${uid(9001)}`)).body.data.name).to.equal('Uptown Cafe');
    expect((await get(`/departments/${uid(9501)}`)).body.data.name).to.equal('Front of House');
  });

  it('answers an unknown employee with 404 not_found in GoCo error shape', async () => {
    const { get } = await start(1);
    const res = await get(`/employees/${uid(77)}`);
    expect(res.status).to.equal(404);
    expect(res.body).to.have.nested.property('error.code', 'not_found');
    expect(res.body.error.message).to.be.a('string');
  });

  it('counts requests per route with ids folded', async () => {
    const { emu, get } = await start(2);
    await get('/employees');
    await get(`/employees/${uid(1)}`);
    await get(`/employees/${uid(2)}`);
    expect(emu.stats.get('GET /employees')).to.equal(1);
    expect(emu.stats.get('GET /employees/:id')).to.equal(2);
  });
});
