import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultWiwSeed,
  loadWiwSeedFile,
  startWiwEmulator,
  WiwSeedError,
  WiwState,
  wiwDate,
} from '../../../src/emulators/wheniwork/index.js';

describe('WIW emulator: seed, dates and credentials', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wiw-seed-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('formats dates the WIW way', () => {
    expect(wiwDate(Date.UTC(2026, 2, 2, 20, 11, 9))).to.equal('Mon, 02 Mar 2026 14:11:09 -0600');
  });

  it('loads a seed nested under "wiw" in a combined seed file', async () => {
    const file = join(dir, 'combined.json');
    await writeFile(file, JSON.stringify({ goco: {}, wiw: defaultWiwSeed() }));
    const seed = await loadWiwSeedFile(file);
    expect(seed.accounts[0]!.company).to.equal('Acme Coffee');
  });

  it('rejects a seed file without accounts with WIW_SEED_INVALID', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ developerKeys: [], persons: [] }));
    const error = await loadWiwSeedFile(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WiwSeedError);
    expect((error as WiwSeedError).code).to.equal('WIW_SEED_INVALID');
  });

  it('rejects a seed user pointing at an unknown location', () => {
    const seed = defaultWiwSeed();
    seed.accounts[0]!.users![1]!.locations = [123456];
    expect(() => new WiwState(seed, Date.now)).to.throw(WiwSeedError, /unknown location 123456/);
  });

  it('hands out the first admin and the first developer key as credentials', async () => {
    const emu = await startWiwEmulator();
    try {
      expect(emu.credentials).to.deep.equal({
        email: 'admin@acme-coffee.example',
        password: 'emulator-password',
        apiKey: 'wiw-emulator-dev-key',
      });
      expect(emu.apiUrl).to.equal(`${emu.loginUrl}/2`);
    } finally {
      await emu.close();
    }
  });

  it('keeps passwords out of snapshots', async () => {
    const emu = await startWiwEmulator();
    try {
      expect(JSON.stringify(emu.snapshot())).to.not.include('emulator-password');
    } finally {
      await emu.close();
    }
  });
});
