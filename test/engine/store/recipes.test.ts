import { expect } from 'chai';
import { TempDirs } from './helpers.js';

describe('store: recipe state', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('reads an unknown recipe as stopped with no cursor', () => {
    expect(temp.open().getRecipe('pkg', 'r')).to.deep.equal({
      running: false,
      cursor: undefined,
      triggerFailures: 0,
      stoppedReason: null,
      updatedAt: null,
    });
  });

  it('starts and stops a recipe, keeping the stop reason', () => {
    const store = temp.open();
    store.setRunning('pkg', 'r', true);
    expect(store.getRecipe('pkg', 'r').running).to.equal(true);
    store.setRunning('pkg', 'r', false, 'trigger failed 5 times');
    expect(store.getRecipe('pkg', 'r')).to.include({ running: false, stoppedReason: 'trigger failed 5 times' });
  });

  it('keeps the cursor across stop and start', () => {
    const store = temp.open();
    store.setCursor('pkg', 'r', { since: '2024-05-01T00:00:00Z', id: 7 });
    store.setRunning('pkg', 'r', true);
    store.setRunning('pkg', 'r', false);
    expect(store.getRecipe('pkg', 'r').cursor).to.deep.equal({ since: '2024-05-01T00:00:00Z', id: 7 });
  });

  it('resets the cursor when set to undefined', () => {
    const store = temp.open();
    store.setCursor('pkg', 'r', 5);
    store.setCursor('pkg', 'r', undefined);
    expect(store.getRecipe('pkg', 'r').cursor).to.equal(undefined);
  });

  it('counts consecutive trigger failures and clears them', () => {
    const store = temp.open();
    expect(store.noteTriggerFailure('pkg', 'r')).to.equal(1);
    expect(store.noteTriggerFailure('pkg', 'r')).to.equal(2);
    store.clearTriggerFailures('pkg', 'r');
    expect(store.getRecipe('pkg', 'r').triggerFailures).to.equal(0);
  });

  it('clears failures and stop reason when a recipe is started again', () => {
    const store = temp.open();
    store.noteTriggerFailure('pkg', 'r');
    store.setRunning('pkg', 'r', false, 'too many failures');
    store.setRunning('pkg', 'r', true);
    expect(store.getRecipe('pkg', 'r')).to.include({ triggerFailures: 0, stoppedReason: null });
  });

  it('changes recipesVersion on start and stop but not on a cursor move', () => {
    const store = temp.open();
    const v0 = store.recipesVersion('pkg');
    store.setRunning('pkg', 'r', true);
    const v1 = store.recipesVersion('pkg');
    store.setCursor('pkg', 'r', 1);
    expect(store.recipesVersion('pkg')).to.equal(v1);
    store.setRunning('pkg', 'r', false);
    expect(new Set([v0, v1, store.recipesVersion('pkg')]).size).to.equal(3);
  });
});
