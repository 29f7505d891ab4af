import { expect } from 'chai';
import { TempDirs } from './helpers.js';

describe('store: project properties', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('returns undefined for a property never set', () => {
    expect(temp.open().getProperty('pkg', 'wiw_email')).to.equal(undefined);
  });

  it('sets and gets a plain property with its update time', () => {
    const store = temp.open();
    store.setProperty('pkg', 'wiw_email', 'a@b.c', false);
    const p = store.getProperty('pkg', 'wiw_email')!;
    expect(p).to.include({ value: 'a@b.c', secret: false });
    expect(Date.parse(p.updatedAt)).to.be.a('number').and.not.NaN;
  });

  it('overwrites a property, including switching it to secret', () => {
    const store = temp.open();
    store.setProperty('pkg', 'token', 'one', false);
    store.setProperty('pkg', 'token', 'two', true);
    expect(store.getProperty('pkg', 'token')).to.include({ value: 'two', secret: true });
  });

  it('keeps packages apart', () => {
    const store = temp.open();
    store.setProperty('one', 'n', 'v1', false);
    store.setProperty('two', 'n', 'v2', false);
    expect(store.getProperty('one', 'n')?.value).to.equal('v1');
    expect(store.listProperties('two').map((p) => p.name)).to.deep.equal(['n']);
  });

  it('unsets a property and says whether there was one', () => {
    const store = temp.open();
    store.setProperty('pkg', 'n', 'v', false);
    expect(store.unsetProperty('pkg', 'n')).to.equal(true);
    expect(store.unsetProperty('pkg', 'n')).to.equal(false);
    expect(store.getProperty('pkg', 'n')).to.equal(undefined);
  });

  it('changes propertiesVersion on set and unset, seen from another connection', () => {
    const store = temp.open();
    const watcher = temp.open({ dataDir: store.dataDir });
    const v0 = watcher.propertiesVersion('pkg');
    store.setProperty('pkg', 'n', 'v', false);
    const v1 = watcher.propertiesVersion('pkg');
    store.unsetProperty('pkg', 'n');
    const v2 = watcher.propertiesVersion('pkg');
    expect(new Set([v0, v1, v2]).size).to.equal(3);
  });

  it('does not change propertiesVersion of another package', () => {
    const store = temp.open();
    const before = store.propertiesVersion('other');
    store.setProperty('pkg', 'n', 'v', false);
    expect(store.propertiesVersion('other')).to.equal(before);
  });
});
