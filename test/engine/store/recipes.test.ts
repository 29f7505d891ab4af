import { expect } from 'chai';
import { TempDirs } from './helpers.js';
import { forEachDatabase } from '../../support/databases.js';

forEachDatabase('store: recipe state', (db) => {
  const temp = new TempDirs(db);
  after(() => temp.cleanup());

  it('reads an unknown recipe as stopped with no cursor', async () => {
    expect(await (await temp.open()).getRecipe('pkg', 'r')).to.deep.equal({
      running: false,
      cursor: undefined,
      triggerFailures: 0,
      stoppedReason: null,
      updatedAt: null,
    });
  });

  it('starts and stops a recipe, keeping the stop reason', async () => {
    const store = await temp.open();
    await store.setRunning('pkg', 'r', true);
    expect((await store.getRecipe('pkg', 'r')).running).to.equal(true);
    await store.setRunning('pkg', 'r', false, 'trigger failed 5 times');
    expect(await store.getRecipe('pkg', 'r')).to.include({ running: false, stoppedReason: 'trigger failed 5 times' });
  });

  it('keeps the cursor across stop and start', async () => {
    const store = await temp.open();
    await store.setCursor('pkg', 'r', { since: '2024-05-01T00:00:00Z', id: 7 });
    await store.setRunning('pkg', 'r', true);
    await store.setRunning('pkg', 'r', false);
    expect((await store.getRecipe('pkg', 'r')).cursor).to.deep.equal({ since: '2024-05-01T00:00:00Z', id: 7 });
  });

  it('resets the cursor when set to undefined', async () => {
    const store = await temp.open();
    await store.setCursor('pkg', 'r', 5);
    await store.setCursor('pkg', 'r', undefined);
    expect((await store.getRecipe('pkg', 'r')).cursor).to.equal(undefined);
  });

  it('counts consecutive trigger failures and clears them', async () => {
    const store = await temp.open();
    expect(await store.noteTriggerFailure('pkg', 'r')).to.equal(1);
    expect(await store.noteTriggerFailure('pkg', 'r')).to.equal(2);
    await store.clearTriggerFailures('pkg', 'r');
    expect((await store.getRecipe('pkg', 'r')).triggerFailures).to.equal(0);
  });

  it('clears failures and stop reason when a recipe is started again', async () => {
    const store = await temp.open();
    await store.noteTriggerFailure('pkg', 'r');
    await store.setRunning('pkg', 'r', false, 'too many failures');
    await store.setRunning('pkg', 'r', true);
    expect(await store.getRecipe('pkg', 'r')).to.include({ triggerFailures: 0, stoppedReason: null });
  });

  it('changes recipesVersion on start and stop but not on a cursor move', async () => {
    const store = await temp.open();
    const v0 = await store.recipesVersion('pkg');
    await store.setRunning('pkg', 'r', true);
    const v1 = await store.recipesVersion('pkg');
    await store.setCursor('pkg', 'r', 1);
    expect(await store.recipesVersion('pkg')).to.equal(v1);
    await store.setRunning('pkg', 'r', false);
    expect(new Set([v0, v1, (await store.recipesVersion('pkg'))]).size).to.equal(3);
  });
});
