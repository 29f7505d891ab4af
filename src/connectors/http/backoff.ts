/** Retry pauses: exponential backoff with full jitter, and `Retry-After`. */
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Pause before retry number `retry` (0 for the first): uniform between `minMs` and min(maxMs, minMs x 2^retry),
 * so concurrent clients spread out instead of retrying in lockstep.
 */
export function backoffDelay(retry: number, minMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(retry, 30));
  return Math.round(minMs + random() * Math.max(0, ceiling - minMs));
}

/** `Retry-After` in ms (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects (an AbortError) as soon as `signal` aborts: Node's own abortable timer. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}
