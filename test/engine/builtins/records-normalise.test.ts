/** The normalisers the records steps compare with: phones (libphonenumber-js, and the NANP shortcut), emails, names. */
import { expect } from 'chai';
import fc from 'fast-check';
import { email, name } from '../../../src/engine/builtins/records/normalise.js';
import { normalizePhone, parsePhone, PhoneIndex, phoneTail } from '../../../src/engine/builtins/records/phone.js';

const region = 'US';

describe('records normalisers', () => {
  describe('normalizePhone', () => {
    it('reads a national US number with parentheses', () => {
      expect(normalizePhone('(612) 555-0142', region)).to.equal('+16125550142');
    });
    it('keeps a number already in E.164', () => {
      expect(normalizePhone('+16125550142', region)).to.equal('+16125550142');
    });
    it('reads WIW digits without plus', () => {
      expect(normalizePhone('16125550142', region)).to.equal('+16125550142');
    });
    it('reads WIW digits without plus sent as a number', () => {
      expect(normalizePhone(16125550142, region)).to.equal('+16125550142');
    });
    it('reads dots and spaces', () => {
      expect(normalizePhone(' 612.555.0142 ', region)).to.equal('+16125550142');
    });
    it('drops an "x" extension', () => {
      expect(normalizePhone('612-555-0142 x123', region)).to.equal('+16125550142');
    });
    it('drops an "ext." extension', () => {
      expect(normalizePhone('612 555 0142 ext. 5', region)).to.equal('+16125550142');
    });
    it('reads a leading 00 as the international prefix', () => {
      expect(normalizePhone('00 44 20 7946 0958', region)).to.equal('+442079460958');
    });
    it('reads foreign digits without plus when they are not a valid national number', () => {
      expect(normalizePhone('442079460958', region)).to.equal('+442079460958');
    });
    it('uses the region for national numbers', () => {
      expect(normalizePhone('020 7946 0958', 'GB')).to.equal('+442079460958');
    });
    it('returns undefined for missing, empty and invalid input', () => {
      expect([null, undefined, '', '  ', '12345', 'n/a'].map((raw) => normalizePhone(raw, region)))
        .to.deep.equal([undefined, undefined, undefined, undefined, undefined, undefined]);
    });
    describe('NANP shortcut: validity is decided by the first six digits', () => {
      const forms = [(n: string) => `+1${n}`, (n: string) => n, (n: string) => `1${n}`];
      const isPlusOne = (raw: string, n: string): boolean => parsePhone(raw, region) === `+1${n}`;
      it('holds for random numbers in every form', () => {
        const sample = fc.tuple(fc.stringMatching(/^[2-9]\d{5}$/), fc.stringMatching(/^\d{4}$/),
          fc.stringMatching(/^\d{4}$/), fc.constantFrom(...forms));
        fc.assert(fc.property(sample, ([prefix, a, b, form]) =>
          isPlusOne(form(prefix + a), prefix + a) === isPlusOne(form(prefix + b), prefix + b)), { numRuns: 3000 });
      });
      it('holds in 523-524, the deepest patterns of the metadata', () => {
        const mixed: string[] = [];
        for (let prefix = 523_000; prefix <= 524_999; prefix++) {
          const verdicts = ['0000', '5555', '9999'].map((rest) => isPlusOne(`+1${prefix}${rest}`, `${prefix}${rest}`));
          if (new Set(verdicts).size > 1) mixed.push(String(prefix));
        }
        expect(mixed).to.deep.equal([]);
      });
    });
    it('gives the same answer with the NANP shortcut as the reference parser', () => {
      const formatted = fc.tuple(fc.stringMatching(/^[2-9]\d{9}$/), fc.constantFrom('+1 ', '1-', '', '(x)'))
        .map(([n, lead]) => (lead === '(x)' ? `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}` : `${lead}${n}`));
      fc.assert(fc.property(formatted, (raw) => normalizePhone(raw, region) === parsePhone(raw, region)),
        { numRuns: 2000 });
    });
    it('returns undefined for an unknown region', () => {
      expect(normalizePhone('612 555 0142', 'ZZ')).to.equal(undefined);
    });
  });

  describe('PhoneIndex', () => {
    it('gives the same tail to every form of a number', () => {
      expect(['(612) 555-0142', '+1 612 555 0142 x9', '16125550142', '001 612 555 0142'].map(phoneTail))
        .to.deep.equal(['550142', '550142', '550142', '550142']);
    });
    it('finds an item filed under a form that gives no tail', () => {
      const index = new PhoneIndex<number>(region);
      index.add('+1 612 555 0142;ext=3', 1);
      expect(index.lookup('(612) 555-0142')).to.deep.equal([1]);
    });
    it('looks up a form that gives no tail against every item', () => {
      const index = new PhoneIndex<number>(region);
      index.add('16125550142', 1);
      index.add('16515550100', 2);
      expect(index.lookup('+1 612 555 0142;ext=3')).to.deep.equal([1]);
    });
    it('finds nothing for a different number with the same tail', () => {
      const index = new PhoneIndex<number>(region);
      index.add('16515550142', 1);
      expect(index.lookup('(612) 555-0142')).to.deep.equal([]);
    });
  });

  describe('email and name', () => {
    it('trims and lower-cases emails', () => {
      expect(email('  Ann.Lee@Example.COM ')).to.equal('ann.lee@example.com');
    });
    it('returns undefined for an empty email', () => {
      expect(email('   ')).to.equal(undefined);
    });
    it('case-folds names and collapses inner whitespace', () => {
      expect(name('  Mary   ANN\tLee ')).to.equal('mary ann lee');
    });
  });

});
