import { expect } from 'chai';
import { TempDirs } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

forEachDatabase('store: id mappings', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  it('sets and gets a mapping', async () => {
    const m = (await temp.open()).mappings('pkg');
    await m.set('location', 'goco-1', '101');
    expect(await m.get('location', 'goco-1')).to.equal('101');
  });

  it('returns undefined for an unknown key', async () => {
    expect(await (await temp.open()).mappings('pkg').get('location', 'x')).to.equal(undefined);
  });

  it('overwrites a mapping', async () => {
    const m = (await temp.open()).mappings('pkg');
    await m.set('location', 'k', '1');
    await m.set('location', 'k', '2');
    expect(await m.get('location', 'k')).to.equal('2');
  });

  it('deletes a mapping', async () => {
    const m = (await temp.open()).mappings('pkg');
    await m.set('location', 'k', '1');
    await m.delete('location', 'k');
    expect(await m.get('location', 'k')).to.equal(undefined);
  });

  it('lists all mappings of one name', async () => {
    const m = (await temp.open()).mappings('pkg');
    await m.set('location', 'a', '1');
    await m.set('location', 'b', '2');
    await m.set('position', 'a', '9');
    expect(await m.all('location')).to.deep.equal({ a: '1', b: '2' });
  });

  it('keeps a key named __proto__ as plain data', async () => {
    const m = (await temp.open()).mappings('pkg');
    await m.set('location', '__proto__', '1');
    const all = await m.all('location');
    expect(Object.getPrototypeOf(all)).to.equal(Object.prototype);
    expect(Object.keys(all)).to.deep.equal(['__proto__']);
  });

  it('keeps packages apart', async () => {
    const store = await temp.open();
    await store.mappings('one').set('location', 'k', '1');
    expect(await store.mappings('two').get('location', 'k')).to.equal(undefined);
    expect(await store.mappings('two').all('location')).to.deep.equal({});
  });
});
