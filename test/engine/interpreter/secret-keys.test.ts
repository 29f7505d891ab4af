import { expect } from 'chai';
import { forRecord, REDACTED, withoutSecrets } from '../../../src/engine/interpreter/redact.js';

// Keys whose values are secrets whatever they are: a value no property declares secret must still go.
const secretKeyed = { client_secret: 'cs-123', 'w-key': 'wk-456', cookie: 'sid=789', 'Set-Cookie': 'sid=790', wiw_password: 'pw', w_token: 't' };
const plain = { name: 'Ana', cookies_accepted: true, keyboard: 'qwerty', passport: 'X1' };

describe('redaction: keys that name a secret, with values no property declares', () => {
  for (const [name, redact] of [
    ['forRecord (step records)', (v: unknown) => forRecord(v, [])],
    ['withoutSecrets (summaries, errors)', (v: unknown) => withoutSecrets(v, [])],
  ] as const) {
    it(`${name} blanks client_secret, w-key, cookie and the like, nested too, and keeps the rest`, () => {
      const out = redact({ ...plain, nested: { deep: [secretKeyed] } }) as Record<string, unknown>;
      expect(out).to.deep.equal({ ...plain, nested: { deep: [Object.fromEntries(Object.keys(secretKeyed).map((k) => [k, REDACTED]))] } });
    });
  }
});
