/** A rolling-window request counter: at most `limit` requests in any `windowMs`, per key. */
export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Whole seconds until the oldest request leaves the window (only when refused). */
  retryAfterSec: number;
}

export class RollingLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    public limit: number,
    public windowMs = 60_000,
  ) {}

  take(key: string, now = Date.now()): RateDecision {
    const list = this.hits.get(key) ?? [];
    let start = 0;
    while (start < list.length && (list[start] as number) <= now - this.windowMs) start++;
    const live = start > 0 ? list.slice(start) : list;
    this.hits.set(key, live);
    if (live.length >= this.limit) {
      const wait = (live[0] as number) + this.windowMs - now;
      return { allowed: false, remaining: 0, retryAfterSec: Math.max(1, Math.ceil(wait / 1000)) };
    }
    live.push(now);
    return { allowed: true, remaining: this.limit - live.length, retryAfterSec: 0 };
  }

  reset(): void {
    this.hits.clear();
  }
}
