/**
 * Turns a per-minute budget into p-queue's strict (sliding) window. p-queue's strict mode allows at most
 * `intervalCap` starts in any rolling `interval`. With `interval` >= 60000 / k for a whole k, any rolling minute
 * is covered by k such windows, so it holds at most k x intervalCap <= requestsPerMinute starts. A large k
 * spreads the starts out instead of spending a minute's budget in one burst.
 *
 * The window is 2 ms longer than 60000 / k: p-queue and the server read millisecond clocks at slightly different
 * moments, and without the margin two starts can look 199 ms apart in a 200 ms window. k is the largest divisor
 * of 60000 (at most 300, i.e. windows of 200 ms or more) that still leaves at least 95% of the budget usable.
 */
export interface RateWindow {
  /** Window length in ms: 60000 / k + 2 for a whole k. */
  interval: number;
  /** Starts allowed in any rolling window of `interval`. */
  intervalCap: number;
}

const MINUTE = 60_000;
/**
 * Windows of at least 200 ms: each window start waits on a timer that fires a few ms late, so fewer,
 * larger windows lose less of the budget (with 101 ms windows a 600/min budget achieved only ~94%).
 */
const MAX_WINDOWS = 300;
const MARGIN_MS = 2;
const DIVISORS = Array.from({ length: MAX_WINDOWS }, (_, i) => MAX_WINDOWS - i).filter((k) => MINUTE % k === 0);

export function rateWindow(requestsPerMinute: number): RateWindow {
  const budget = Math.floor(requestsPerMinute);
  if (!(budget >= 1)) throw new RangeError(`requestsPerMinute must be at least 1, got ${requestsPerMinute}`);
  for (const k of DIVISORS) {
    if (k > budget) continue;
    const cap = Math.floor(budget / k);
    const interval = MINUTE / k + MARGIN_MS;
    if ((MINUTE / interval) * cap >= 0.95 * budget) return { interval, intervalCap: cap };
  }
  return { interval: MINUTE + MARGIN_MS, intervalCap: budget };
}
