import { expect } from 'chai';
import { TempDirs } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

forEachDatabase('store: project properties', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  it('returns undefined for a property never set', async () => {
    expect(await (await temp.open()).getProperty('pkg', 'wiw_email')).to.equal(undefined);
  });

  it('sets and gets a plain property with its update time', async () => {
    const store = await temp.open();
    await store.setProperty('pkg', 'wiw_email', 'a@b.c', false);
    const p = (await store.getProperty('pkg', 'wiw_email'))!;
    expect(p).to.include({ value: 'a@b.c', secret: false });
    expect(Date.parse(p.updatedAt)).to.be.a('number').and.not.NaN;
  });

  it('overwrites a property, including switching it to secret', async () => {
    const store = await temp.open();
    await store.setProperty('pkg', 'token', 'one', false);
    await store.setProperty('pkg', 'token', 'two', true);
    expect(await store.getProperty('pkg', 'token')).to.include({ value: 'two', secret: true });
  });

  it('keeps packages apart', async () => {
    const store = await temp.open();
    await store.setProperty('one', 'n', 'v1', false);
    await store.setProperty('two', 'n', 'v2', false);
    expect((await store.getProperty('one', 'n'))?.value).to.equal('v1');
    expect((await store.listProperties('two')).map((p) => p.name)).to.deep.equal(['n']);
  });

  it('unsets a property and says whether there was one', async () => {
    const store = await temp.open();
    await store.setProperty('pkg', 'n', 'v', false);
    expect(await store.unsetProperty('pkg', 'n')).to.equal(true);
    expect(await store.unsetProperty('pkg', 'n')).to.equal(false);
    expect(await store.getProperty('pkg', 'n')).to.equal(undefined);
  });

  it('changes propertiesVersion on set and unset, seen from another connection', async () => {
    const store = await temp.open();
    const watcher = await temp.open({ dataDir: store.dataDir });
    const v0 = watcher.propertiesVersion('pkg');
    await store.setProperty('pkg', 'n', 'v', false);
    const v1 = watcher.propertiesVersion('pkg');
    await store.unsetProperty('pkg', 'n');
    const v2 = watcher.propertiesVersion('pkg');
    expect(new Set([v0, v1, v2]).size).to.equal(3);
  });

  it('does not change propertiesVersion of another package', async () => {
    const store = await temp.open();
    const before = await store.propertiesVersion('other');
    await store.setProperty('pkg', 'n', 'v', false);
    expect(await store.propertiesVersion('other')).to.equal(before);
  });
});
