import { expect } from 'chai';
import { TempDirs } from './helpers.js';

describe('store: id mappings', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('sets and gets a mapping', () => {
    const m = temp.open().mappings('pkg');
    m.set('location', 'goco-1', '101');
    expect(m.get('location', 'goco-1')).to.equal('101');
  });

  it('returns undefined for an unknown key', () => {
    expect(temp.open().mappings('pkg').get('location', 'x')).to.equal(undefined);
  });

  it('overwrites a mapping', () => {
    const m = temp.open().mappings('pkg');
    m.set('location', 'k', '1');
    m.set('location', 'k', '2');
    expect(m.get('location', 'k')).to.equal('2');
  });

  it('deletes a mapping', () => {
    const m = temp.open().mappings('pkg');
    m.set('location', 'k', '1');
    m.delete('location', 'k');
    expect(m.get('location', 'k')).to.equal(undefined);
  });

  it('lists all mappings of one name', () => {
    const m = temp.open().mappings('pkg');
    m.set('location', 'a', '1');
    m.set('location', 'b', '2');
    m.set('position', 'a', '9');
    expect(m.all('location')).to.deep.equal({ a: '1', b: '2' });
  });

  it('keeps a key named __proto__ as plain data', () => {
    const m = temp.open().mappings('pkg');
    m.set('location', '__proto__', '1');
    const all = m.all('location');
    expect(Object.getPrototypeOf(all)).to.equal(Object.prototype);
    expect(Object.keys(all)).to.deep.equal(['__proto__']);
  });

  it('keeps packages apart', () => {
    const store = temp.open();
    store.mappings('one').set('location', 'k', '1');
    expect(store.mappings('two').get('location', 'k')).to.equal(undefined);
    expect(store.mappings('two').all('location')).to.deep.equal({});
  });
});
