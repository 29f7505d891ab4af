import { expect } from 'chai';
import { sleep as backoffSleep } from '../../src/connectors/http/backoff.js';
import { sleep } from '../../src/engine/sleep.js';

describe('sleep: the abortable pause', () => {
  it('resolves after the time when nothing aborts', async () => {
    const started = performance.now();
    await sleep(30, new AbortController().signal);
    expect(performance.now() - started).to.be.at.least(25);
  });

  it('resolves as soon as the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pause = sleep(60_000, controller.signal);
    queueMicrotask(() => controller.abort(new Error('stop')));
    await pause;
    await sleep(60_000, controller.signal);
    expect(performance.now() - started).to.be.below(1000);
  });

  it("the HTTP transport's pause rejects when its signal aborts (the transport reports the signal's reason)", async () => {
    const controller = new AbortController();
    const pause = backoffSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    const error = await pause.then(() => undefined, (e: unknown) => e);
    expect(error).to.have.property('name', 'AbortError');
    await backoffSleep(1);
  });
});
