import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SecretBox } from '../../../src/engine/store/secrets.js';

/** The parts of a stored secret: `v2:<iv>:<tag>:<ciphertext>`, each decoded. */
function parts(stored: string): { iv: Buffer; tag: Buffer; ct: Buffer } {
  const [format, iv, tag, ct] = stored.split(':');
  expect(format).to.equal('v2');
  return { iv: Buffer.from(iv!, 'base64'), tag: Buffer.from(tag!, 'base64'), ct: Buffer.from(ct!, 'base64') };
}

describe('store: AES-GCM never reuses an IV', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'recipes-iv-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [source, passphrase] of [['RECIPES_SECRET_KEY', 'test-passphrase'], ['the key file', undefined]] as const) {
    it(`encrypting the same value twice gives two random IVs and two ciphertexts (key from ${source})`, async () => {
      const box = new SecretBox(dir, passphrase);
      const stored = await Promise.all(Array.from({ length: 8 }, () => box.encrypt('pkg', 'wiw_password', 'the same value')));
      const decoded = stored.map(parts);
      for (const { iv } of decoded) {
        expect(iv).to.have.length(12);
        expect(iv.equals(Buffer.alloc(12)), 'an all-zero IV').to.equal(false);
      }
      expect(new Set(decoded.map((d) => d.iv.toString('hex'))).size, 'distinct IVs').to.equal(stored.length);
      expect(new Set(decoded.map((d) => d.ct.toString('hex'))).size, 'distinct ciphertexts').to.equal(stored.length);
      for (const s of stored) expect(await box.decrypt('pkg', 'wiw_password', s)).to.equal('the same value');
    });
  }
});
