import { expect } from 'chai';
import { forRecord, RECORD_CAP_BYTES, REDACTED } from '../../../src/engine/interpreter/redact.js';

describe('interpreter: what a step record keeps', () => {
  it('replaces the values of secret-named keys', () => {
    expect(forRecord({ email: 'a@b.c', password: 'hunter2', api_key: 'k', Authorization: 'Bearer x' }, [])).to.deep.equal({
      email: 'a@b.c',
      password: REDACTED,
      api_key: REDACTED,
      Authorization: REDACTED,
    });
  });

  it('replaces secret values wherever they appear in strings', () => {
    expect(forRecord({ note: 'login with s3cret-pw failed' }, ['s3cret-pw'])).to.deep.equal({ note: `login with ${REDACTED} failed` });
  });

  it('keeps the first 20 items of a long list and counts the rest', () => {
    const out = forRecord(Array.from({ length: 100_000 }, (_, i) => i), []) as unknown[];
    expect(out).to.have.length(21);
    expect(out[20]).to.equal('... and 99980 more (100000 in all)');
  });

  it('cuts long strings', () => {
    const out = forRecord('x'.repeat(10_000), []) as string;
    expect(out.length).to.be.lessThan(2100);
    expect(out.endsWith('(10000 characters)')).to.equal(true);
  });

  it('stores a value still too large as a preview of the cap size', () => {
    const wide = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`key${i}`, 'v'.repeat(20)]));
    const out = forRecord(wide, []) as { truncated: boolean; bytes: number; preview: string };
    expect(out.truncated).to.equal(true);
    expect(out.bytes).to.be.greaterThan(RECORD_CAP_BYTES);
    expect(out.preview).to.have.length(RECORD_CAP_BYTES);
  });
});
