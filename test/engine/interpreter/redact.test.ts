import { expect } from 'chai';
import { forRecord, RECORD_CAP_BYTES, REDACTED, withoutSecrets } from '../../../src/engine/interpreter/redact.js';

describe('interpreter: what a step record keeps', () => {
  it('replaces the values of secret-named keys', async () => {
    expect(forRecord({ email: 'a@b.c', password: 'hunter2', api_key: 'k', Authorization: 'Bearer x' }, [])).to.deep.equal({
      email: 'a@b.c',
      password: REDACTED,
      api_key: REDACTED,
      Authorization: REDACTED,
    });
  });

  it('replaces secret values wherever they appear in strings', async () => {
    expect(forRecord({ note: 'login with s3cret-pw failed' }, ['s3cret-pw'])).to.deep.equal({ note: `login with ${REDACTED} failed` });
  });

  it('keeps the first 20 items of a long list and counts the rest', async () => {
    const out = forRecord(Array.from({ length: 100_000 }, (_, i) => i), []) as unknown[];
    expect(out).to.have.length(21);
    expect(out[20]).to.equal('... and 99980 more (100000 in all)');
  });

  it('cuts long strings', async () => {
    const out = forRecord('x'.repeat(10_000), []) as string;
    expect(out.length).to.be.lessThan(2100);
    expect(out.endsWith('(10000 characters)')).to.equal(true);
  });

  it('stores a value still too large as a preview of the cap size', async () => {
    const wide = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`key${i}`, 'v'.repeat(20)]));
    const out = forRecord(wide, []) as { truncated: boolean; bytes: number; preview: string };
    expect(out.truncated).to.equal(true);
    expect(out.bytes).to.be.greaterThan(RECORD_CAP_BYTES);
    expect(out.preview).to.have.length(RECORD_CAP_BYTES);
  });
});

describe('interpreter: what a job keeps whole (withoutSecrets)', () => {
  const people = Array.from({ length: 100 }, (_, i) => ({ employee: `P${i}`, email: `p${i}@example.test` }));

  it('replaces secret values and secret-named keys at any depth, leaving the input as it was', async () => {
    const summary = { new_users: people, seats: '3 needed', connection: { api_token: 'tok', note: 'used s3cret' } };
    const clean = withoutSecrets(summary, ['s3cret']) as typeof summary;
    expect(clean.connection).to.deep.equal({ api_token: REDACTED, note: `used ${REDACTED}` });
    expect(summary.connection).to.deep.equal({ api_token: 'tok', note: 'used s3cret' });
    expect(clean.new_users).to.deep.equal(people);
  });

  it('copies only what leads to a replacement: a clean list of 100 people is the same list', async () => {
    const summary = { new_users: people, lists: [[1, 2], ['s3cret']] };
    const clean = withoutSecrets(summary, ['s3cret']) as typeof summary;
    expect(clean).to.not.equal(summary);
    expect(clean.new_users).to.equal(people);
    expect(clean.lists[0]).to.equal(summary.lists[0]);
    expect(clean.lists[1]).to.deep.equal([REDACTED]);
    expect(withoutSecrets(summary, [])).to.equal(summary);
  });
});
