import { expect } from 'chai';
import fc from 'fast-check';
import { backoffDelay, parseRetryAfter, rateWindow } from '../../../src/connectors/http/index.js';

describe('http backoff and rate window', () => {
  it('starts backoff at the minimum', () => {
    expect(backoffDelay(0, 200, 20_000, () => 0.999)).to.equal(200);
  });
  it('doubles the backoff ceiling per retry', () => {
    expect([0, 1, 2].map((retry) => backoffDelay(retry, 200, 20_000, () => 1))).to.deep.equal([200, 400, 800]);
  });
  it('never backs off beyond the maximum', () => {
    expect(backoffDelay(40, 200, 20_000, () => 1)).to.equal(20_000);
  });
  it('reads Retry-After seconds', () => {
    expect(parseRetryAfter('3', 0)).to.equal(3000);
  });
  it('reads a Retry-After HTTP date against the clock', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).to.equal(5000);
  });
  it('ignores an unreadable Retry-After', () => {
    expect([parseRetryAfter('soon', 0), parseRetryAfter(undefined, 0)]).to.deep.equal([undefined, undefined]);
  });
  it('spreads 100 requests per minute one per 600 ms, plus a 2 ms margin', () => {
    expect(rateWindow(100)).to.deep.equal({ interval: 602, intervalCap: 1 });
  });
  it('spreads 600 requests per minute two per 200 ms, plus a 2 ms margin', () => {
    expect(rateWindow(600)).to.deep.equal({ interval: 202, intervalCap: 2 });
  });
  it('spreads 1200 requests per minute four per 200 ms, plus a 2 ms margin', () => {
    expect(rateWindow(1200)).to.deep.equal({ interval: 202, intervalCap: 4 });
  });
  it('never allows more than the budget in a minute, and allows at least 95% of it', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200_000 }), (rpm) => {
      const { interval, intervalCap } = rateWindow(rpm);
      const windowsCoveringAMinute = Math.ceil(60_000 / interval);
      const usablePerMinute = (60_000 / interval) * intervalCap;
      return windowsCoveringAMinute * intervalCap <= rpm && usablePerMinute >= 0.95 * rpm;
    }));
  });
  it('rejects a budget below one request', () => {
    expect(() => rateWindow(0)).to.throw(RangeError);
  });
});
