/** Options of the shared HTTP transport; every default lives in `DEFAULTS`. */
import type { CircuitOptions } from './circuit.js';
import type { HttpObserver, Logger, RateBudget } from '../../engine/types.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface TransportOptions {
  /**
   * The connector's name, used in error messages, codes' details and logs.
   * @example 'wheniwork'
   */
  name: string;
  /**
   * Base URL every request path is resolved against.
   * @example 'https://api.wheniwork.com/2'
   */
  prefixUrl?: string;
  /** Headers sent with every request (e.g. a developer key). Never logged. @default {} */
  headers?: Record<string, string>;
  /** Time allowed for one attempt, from start to last byte. @default 30000 */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures that are safe to repeat. @default 4 */
  retries?: number;
  /** Attempts in flight at once. @default 8 */
  concurrency?: number;
  /**
   * Attempt starts allowed in any rolling 60 s window, retries included. Never exceeded; at least 95% of it
   * is usable. @default undefined (unlimited)
   */
  requestsPerMinute?: number;
  /** Smallest pause before a retry. @default 200 */
  minDelayMs?: number;
  /** Largest backoff pause; a longer `Retry-After` is still honoured up to `maxRetryAfterMs`. @default 20000 */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the request fails at once. @default 120000 */
  maxRetryAfterMs?: number;
  /**
   * Says whether a response means "rate limited" beyond 429 (When I Work answers some limits with 403).
   * Such responses are retried like 429. @default () => false
   */
  isRateLimited?: (status: number, body: unknown, headers: ResponseHeaders) => boolean;
  /** Receives `debug` per attempt and `warn` per retry; no headers or bodies are logged. @default silent */
  logger?: Logger;
  /** Waits between attempts; replaceable in tests. @default a timer that `signal` cancels */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /** Clock for `Retry-After` dates. @default Date.now */
  now?: () => number;
  /** When to stop sending to a service that stopped answering (see ./circuit.ts). @default 5 failures, 30 s */
  circuit?: CircuitOptions;
  /** Told of every attempt and every wait for the rate budget (the engine's metrics). @default none */
  observer?: HttpObserver;
  /**
   * A budget shared with other processes (workers using one account): each attempt also waits for it, after
   * its own `requestsPerMinute` window. @default none
   */
  budget?: RateBudget;
}

export interface RequestOptions {
  /** @default 'GET' */
  method?: HttpMethod;
  /** Path below `prefixUrl`, with or without a leading slash. @example '/users' */
  path: string;
  /** Query parameters; `undefined` values are left out. Never shown in errors or logs. */
  searchParams?: Record<string, string | number | boolean | undefined>;
  /** Body sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether repeating the request after it may have reached the server is harmless.
   * @default true for GET, PUT and DELETE; false for POST
   */
  idempotent?: boolean;
  /** Cancels waiting in the queue, between retries, and the attempt in flight. */
  signal?: AbortSignal;
  /**
   * Cancels the request only while it is not sent (waiting in the queue or for a retry); an attempt already
   * on the wire completes. Rejects with HTTP_ABORTED whose cause is the signal's reason.
   */
  queueSignal?: AbortSignal;
}

export interface TransportResponse<T> {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON; `undefined` for an empty body. */
  body: T;
}

export interface TransportStats {
  /** Attempts started. */
  requests: number;
  /** Attempts that were repeats of an earlier one. */
  retries: number;
  /** Responses that were 429 or matched `isRateLimited`. */
  rateLimited: number;
}

export type ResolvedOptions = Required<Omit<TransportOptions, 'prefixUrl' | 'requestsPerMinute' | 'logger' | 'circuit' | 'observer' | 'budget'>>
  & Pick<TransportOptions, 'prefixUrl' | 'requestsPerMinute' | 'logger' | 'circuit' | 'observer' | 'budget'>;

export const DEFAULTS = {
  headers: {},
  timeoutMs: 30_000,
  retries: 4,
  concurrency: 8,
  minDelayMs: 200,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
  isRateLimited: () => false,
  random: Math.random,
  now: Date.now,
} as const satisfies Partial<TransportOptions>;
