import { expect } from 'chai';
import { startGocoEmulator, type GocoEmulator } from '../../../src/emulators/goco/index.js';
import { call, seedOf, uid } from './helpers.js';

/** Stamps chosen so that id order and update order differ, with one tie (3 and 4). */
const STAMPS: Record<number, string> = {
  1: '2026-01-05T00:00:00.000Z',
  2: '2026-01-01T00:00:00.000Z',
  3: '2026-01-03T00:00:00.000Z',
  4: '2026-01-03T00:00:00.000Z',
  5: '2026-01-02T00:00:00.000Z',
};

describe('GoCo emulator: updated_since', () => {
  let emu: GocoEmulator;
  const get = (path: string) => call(`${emu.url}${path}`, emu.token);
  const ids = (body: { data: Array<{ id: string }> }) => body.data.map((e) => e.id);

  before(async () => {
    emu = await startGocoEmulator({ seed: seedOf(5, (n) => ({ updatedAt: STAMPS[n] as string })) });
  });
  after(() => emu.close());

  it('returns records changed at or after the instant, oldest change first, ties by id', async () => {
    const res = await get('/employees?updated_since=2026-01-02T00:00:00.000Z');
    expect(ids(res.body)).to.deep.equal([uid(5), uid(3), uid(4), uid(1)]);
    expect(res.body.pagination.total).to.equal(4);
  });

  it('includes a record stamped exactly at updated_since', async () => {
    const res = await get('/employees?updated_since=2026-01-05T00:00:00.000Z');
    expect(ids(res.body)).to.deep.equal([uid(1)]);
  });

  it('accepts an offset form of the same instant', async () => {
    const res = await get(`/employees?updated_since=${encodeURIComponent('2026-01-04T18:00:00-06:00')}`);
    expect(ids(res.body)).to.deep.equal([uid(1)]);
  });

  it('pages within the filtered set', async () => {
    const res = await get('/employees?updated_since=2026-01-01T00:00:00Z&limit=2&offset=2');
    expect(ids(res.body)).to.deep.equal([uid(3), uid(4)]);
    expect(res.body.pagination).to.deep.equal({ limit: 2, offset: 2, total: 5 });
  });

  it('returns nothing after the newest change', async () => {
    const res = await get('/employees?updated_since=2027-01-01T00:00:00Z');
    expect(res.body).to.deep.equal({ data: [], pagination: { limit: 100, offset: 0, total: 0 } });
  });

  it('refuses a bare date with 400 invalid_parameter', async () => {
    const res = await get('/employees?updated_since=2026-01-01');
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_parameter');
  });

  it('refuses updated_since on locations', async () => {
    const res = await get('/locations?updated_since=2026-01-01T00:00:00Z');
    expect(res.status).to.equal(400);
  });

  it('serves a changed employee at the end of the updated_since order', async () => {
    emu.updateEmployee(uid(2), { jobTitle: 'Shift Lead' });
    const res = await get('/employees?updated_since=2026-01-01T00:00:00Z');
    expect(ids(res.body).at(-1)).to.equal(uid(2));
  });
});
