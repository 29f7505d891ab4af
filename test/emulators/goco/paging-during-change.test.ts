/**
 * Pages are cut from live data at each request (as offset APIs do). These tests pin down what a client sees
 * when HR changes data between two page requests, and the walk that never loses a change.
 */
import { expect } from 'chai';
import { startGocoEmulator, type GocoEmulator } from '../../../src/emulators/goco/index.js';
import type { GocoEmployee } from '../../../src/emulators/goco/types.js';
import { call, seedOf, uid } from './helpers.js';

describe('GoCo emulator: data changing during pagination', () => {
  let emu: GocoEmulator;
  const page = async (query: string): Promise<GocoEmployee[]> => (await call(`${emu.url}/employees?${query}`, emu.token)).body.data;

  beforeEach(async () => {
    emu = await startGocoEmulator({ seed: seedOf(5, (n) => ({ updatedAt: `2026-01-0${n}T00:00:00.000Z` })) });
  });
  afterEach(() => emu.close());

  it('serves a record twice when a hire sorting before the offset lands between pages (id order)', async () => {
    const first = await page('limit=2&offset=0');
    emu.hire({ id: uid(0), firstName: 'Early', lastName: 'Id' });
    const second = await page('limit=2&offset=2');
    expect(first.map((e) => e.id)).to.deep.equal([uid(1), uid(2)]);
    expect(second.map((e) => e.id)).to.deep.equal([uid(2), uid(3)]);
  });

  it('skips a record when an earlier one changes between pages (updated_since order)', async () => {
    const since = 'updated_since=2026-01-01T00:00:00Z';
    const first = await page(`${since}&limit=2&offset=0`);
    emu.updateEmployee(uid(1), { jobTitle: 'Moved to the end' });
    const second = await page(`${since}&limit=2&offset=2`);
    expect(first.map((e) => e.id)).to.deep.equal([uid(1), uid(2)]);
    expect(second.map((e) => e.id)).to.deep.equal([uid(4), uid(5)]);
  });

  it('loses nothing when walked by cursor: updated_since = last seen stamp, offset 0, drop what was seen', async () => {
    const seen = new Map<string, string>();
    let cursor = { updatedAt: '2026-01-01T00:00:00.000Z', id: '' };
    for (let round = 0; round < 10; round++) {
      const rows = (await page(`updated_since=${cursor.updatedAt}&limit=2&offset=0`)).filter(
        (e) => e.updatedAt > cursor.updatedAt || (e.updatedAt === cursor.updatedAt && e.id > cursor.id),
      );
      if (rows.length === 0) break;
      for (const e of rows) seen.set(e.id, e.updatedAt);
      const last = rows[rows.length - 1] as GocoEmployee;
      cursor = { updatedAt: last.updatedAt, id: last.id };
      if (round === 0) emu.updateEmployee(uid(1), { jobTitle: 'Changed mid-walk' });
    }
    expect([...seen.keys()].sort()).to.deep.equal([uid(1), uid(2), uid(3), uid(4), uid(5)]);
    expect(seen.get(uid(1)) as string > '2026-01-05').to.equal(true);
  });
});
