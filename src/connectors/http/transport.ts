/**
 * One HTTP transport per connection: one keep-alive agent pair and one PQueue. Every attempt,
 * retries included, goes through the queue, so `concurrency` and `requestsPerMinute` bound what the server sees.
 *
 * Lifecycle of `request()`: wait for a queue slot -> one attempt (`send`, no retries of its own) -> classify:
 * success | retry after a pause (outside the queue) | coded error. What is retried:
 * - network errors and timeouts, but only when the request is idempotent or provably never sent (refused);
 *   otherwise HTTP_AMBIGUOUS, so the caller looks the record up instead of creating it twice;
 * - 429 and `isRateLimited` responses (always: the server did nothing), 503 (always), 502 and 504 (idempotent
 *   requests only; for others HTTP_AMBIGUOUS, as the origin behind the gateway may have acted).
 * Pauses are exponential with jitter, and never shorter than a `Retry-After`.
 */
import http from 'node:http';
import https from 'node:https';
import PQueue from 'p-queue';
import { pino } from 'pino';
import type { Logger } from '../../engine/types.js';
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { Circuit, circuitOpenError } from './circuit.js';
import {
  abortedError, ambiguousStatusError, badResponseError, closedError, networkError, optionsError, statusError,
  wasNotSent, type Where,
} from './errors.js';
import {
  DEFAULTS, type HttpMethod, type RequestOptions, type ResolvedOptions, type ResponseHeaders, type TransportOptions,
  type TransportResponse, type TransportStats,
} from './options.js';
import { rateWindow } from './rate-window.js';
import { send, SendError } from './send.js';

type Attempt =
  | { kind: 'response'; status: number; headers: ResponseHeaders; text: string }
  | { kind: 'error'; error: unknown };

/** What to do after an attempt that did not succeed. */
type Next = { retryAfterMs?: number | undefined; status?: number; errorCode?: string | undefined };

export class Transport {
  readonly stats: TransportStats = { requests: 0, retries: 0, rateLimited: 0 };
  readonly #options: ResolvedOptions;
  readonly #logger: Logger;
  readonly #queue: PQueue;
  readonly #agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  readonly #active = new Set<Promise<unknown>>();
  readonly #prefixPath: string;
  /** `prefixUrl` with exactly one trailing slash, or '' when paths are absolute URLs. */
  readonly #base: string;
  #closed = false;
  readonly #circuit: Circuit;

  constructor(options: TransportOptions) {
    this.#options = resolve(options);
    const o = this.#options;
    this.#logger = o.logger ?? pino({ enabled: false });
    this.#prefixPath = o.prefixUrl === undefined ? '' : new URL(o.prefixUrl).pathname.replace(/\/+$/, '');
    this.#queue = new PQueue({
      concurrency: o.concurrency,
      ...(o.requestsPerMinute === undefined ? {} : { ...rateWindow(o.requestsPerMinute), strict: true }),
    });
    this.#base = o.prefixUrl === undefined ? '' : `${o.prefixUrl.replace(/\/+$/, '')}/`;
    this.#circuit = new Circuit(o.circuit);
    if (o.observer && o.requestsPerMinute !== undefined) this.#observeRateWaits(o.observer);
  }

  /** p-queue says when its window is spent with requests waiting, and when they may go again. */
  #observeRateWaits(observer: NonNullable<TransportOptions['observer']>): void {
    let since: number | undefined;
    this.#queue.on('rateLimit', () => void (since = performance.now()));
    this.#queue.on('rateLimitCleared', () => {
      if (since === undefined) return;
      const ms = performance.now() - since;
      since = undefined;
      observer.rateWait({ connector: this.#options.name, ms });
    });
  }

  #observe(where: Where, attempt: number, outcome: { status?: number; error?: string; rateLimited: boolean }): void {
    this.#options.observer?.attempt({ connector: where.name, method: where.method, attempt, ...outcome });
  }

  /** Sends one request, retrying what is safe to retry; resolves with the parsed body or rejects with a RecipeError. */
  request<T = unknown>(options: RequestOptions): Promise<TransportResponse<T>> {
    const where: Where = { name: this.#options.name, method: options.method ?? 'GET', path: this.#displayPath(options.path) };
    if (this.#closed) return Promise.reject(closedError(where));
    const running = this.#run<T>(options, where);
    this.#active.add(running);
    const forget = (): void => void this.#active.delete(running);
    running.then(forget, forget);
    return running;
  }

  /** Stops taking requests and resolves once every request already made has settled; then frees sockets. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#active]);
    await this.#queue.onIdle();
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  async #run<T>(options: RequestOptions, where: Where): Promise<TransportResponse<T>> {
    const { signal, queueSignal } = options;
    const idempotent = options.idempotent ?? where.method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError(where, signal.reason);
      if (queueSignal?.aborted) throw abortedError(where, queueSignal.reason);
      let result: Attempt;
      try {
        result = await (queueSignal ? this.#queued(options, where, attempt, queueSignal) : this.#queue.add(() => this.#attempt(options, where, attempt), { signal }));
      } catch (error) {
        if (signal?.aborted) throw abortedError(where, signal.reason);
        if (queueSignal?.aborted) throw abortedError(where, queueSignal.reason);
        throw error;
      }
      const next = result.kind === 'response'
        ? this.#onResponse<T>(result, where, attempt, idempotent)
        : this.#onError(result.error, where, attempt, idempotent, signal);
      if ('body' in next) return next;
      // The service stopped answering: give up now rather than retry into the outage.
      if (this.#circuit.open) throw circuitOpenError(where, this.#circuit.failures);
      const o = this.#options;
      const delayMs = Math.max(next.retryAfterMs ?? 0, backoffDelay(attempt - 1, o.minDelayMs, o.maxDelayMs, o.random));
      this.#logger.warn({ connector: where.name, method: where.method, path: where.path, attempt, delayMs,
        status: next.status, errorCode: next.errorCode }, 'http retry');
      try {
        await o.sleep(delayMs, signal);
      } catch (error) {
        throw abortedError(where, signal?.aborted ? signal.reason : error);
      }
    }
  }

  /**
   * One attempt that `queueSignal` may cancel until it is sent. A request that had to wait for its slot first
   * yields once: the answer that freed the slot (a seat-limit 500, say) then reaches its caller, whose loop can
   * cancel this request before it leaves.
   */
  async #queued(options: RequestOptions, where: Where, attempt: number, queueSignal: AbortSignal): Promise<Attempt> {
    const waiting = new AbortController();
    let started = false;
    let waited = false;
    const cancel = (): void => void (started || waiting.abort(queueSignal.reason));
    queueSignal.addEventListener('abort', cancel, { once: true });
    const signal = options.signal ? AbortSignal.any([options.signal, waiting.signal]) : waiting.signal;
    try {
      const pending = this.#queue.add(async () => {
        started = true;
        if (waited) await new Promise<void>((resolve) => setImmediate(resolve));
        if (queueSignal.aborted) throw abortedError(where, queueSignal.reason);
        return this.#attempt(options, where, attempt);
      }, { signal });
      waited = true;
      return await pending;
    } finally {
      queueSignal.removeEventListener('abort', cancel);
    }
  }

  async #attempt(options: RequestOptions, where: Where, attempt: number): Promise<Attempt> {
    // Checked when the queue hands out the slot, so requests queued before the outage are not sent either.
    if (this.#circuit.open) return { kind: 'error', error: circuitOpenError(where, this.#circuit.failures) };
    if (this.#options.budget) {
      try {
        await this.#options.budget.take(options.signal);
      } catch (error) {
        return { kind: 'error', error };
      }
    }
    this.stats.requests += 1;
    if (attempt > 1) this.stats.retries += 1;
    this.#logger.debug({ connector: where.name, method: where.method, path: where.path, attempt }, 'http attempt');
    try {
      const sent = await send({
        url: this.#url(options),
        method: where.method,
        headers: options.headers === undefined ? this.#options.headers : { ...this.#options.headers, ...options.headers },
        body: options.json === undefined ? undefined : JSON.stringify(options.json),
        timeoutMs: this.#options.timeoutMs,
        signal: options.signal,
        agents: this.#agents,
      });
      this.#circuit.record({ status: sent.status });
      return { kind: 'response', ...sent };
    } catch (error) {
      if (error instanceof SendError) this.#circuit.record({ errorCode: error.code });
      return { kind: 'error', error };
    }
  }

  #onResponse<T>(result: Extract<Attempt, { kind: 'response' }>, where: Where, attempt: number, idempotent: boolean):
  TransportResponse<T> | Next {
    const { status, headers, text } = result;
    const parsed = parseBody(text);
    const body = parsed.ok ? parsed.value : text;
    const rateLimited = status === 429 || this.#options.isRateLimited(status, body, headers);
    if (rateLimited) this.stats.rateLimited += 1;
    this.#observe(where, attempt, { status, rateLimited });
    if (!rateLimited && status < 400) {
      if (!parsed.ok) throw badResponseError(where, status, text, headers['content-type'], parsed.error);
      return { status, headers, body: parsed.value as T };
    }
    const transient = rateLimited || status === 502 || status === 503 || status === 504;
    if (transient && !idempotent && !rateLimited && status !== 503) throw ambiguousStatusError(where, status, text);
    const retryAfterMs = transient ? parseRetryAfter(headers['retry-after'], this.#options.now()) : undefined;
    const giveUp = !transient || attempt > this.#options.retries
      || (retryAfterMs !== undefined && retryAfterMs > this.#options.maxRetryAfterMs);
    if (giveUp) {
      throw statusError(where, { status, text, body, attempts: attempt, retryable: transient, rateLimited, retryAfterMs });
    }
    return { retryAfterMs, status };
  }

  #onError(error: unknown, where: Where, attempt: number, idempotent: boolean, signal: AbortSignal | undefined): Next {
    if (signal?.aborted) throw abortedError(where, signal.reason);
    if (!(error instanceof SendError)) throw error;
    const { code, timedOut } = error;
    this.#observe(where, attempt, { error: timedOut ? 'ETIMEDOUT' : code ?? 'ERROR', rateLimited: false });
    const failure = { code, timedOut, attempts: attempt, timeoutMs: this.#options.timeoutMs };
    if (!idempotent && !wasNotSent(code)) throw networkError(where, { ...failure, ambiguous: true }, error);
    if (attempt > this.#options.retries) throw networkError(where, { ...failure, ambiguous: false }, error);
    return { errorCode: code };
  }

  #url(options: RequestOptions): URL {
    const url = new URL(this.#base === '' ? options.path : this.#base + options.path.replace(/^\/+/, ''));
    for (const [key, value] of Object.entries(options.searchParams ?? {})) {
      if (value !== undefined) url.searchParams.append(key, String(value));
    }
    return url;
  }

  #displayPath(path: string): string {
    const bare = path.split('?')[0] ?? '';
    if (this.#options.prefixUrl === undefined) {
      try {
        return new URL(bare).pathname;
      } catch {
        return bare;
      }
    }
    return `${this.#prefixPath}/${bare.replace(/^\/+/, '')}`;
  }
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error };
  }
}

function resolve(options: TransportOptions): ResolvedOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const o = { ...DEFAULTS, sleep, ...defined } as unknown as ResolvedOptions;
  if (typeof o.name !== 'string' || o.name.trim() === '') throw optionsError('', 'name is required');
  const positive: [string, number][] = [['timeoutMs', o.timeoutMs], ['concurrency', o.concurrency]];
  if (o.requestsPerMinute !== undefined) positive.push(['requestsPerMinute', o.requestsPerMinute]);
  for (const [key, value] of positive) {
    if (!(Number.isFinite(value) && value >= 1)) throw optionsError(o.name, `${key} must be a number of at least 1`);
  }
  const counts: [string, number][] = [['retries', o.retries], ['minDelayMs', o.minDelayMs], ['maxDelayMs', o.maxDelayMs],
    ['maxRetryAfterMs', o.maxRetryAfterMs]];
  for (const [key, value] of counts) {
    if (!(Number.isFinite(value) && value >= 0)) throw optionsError(o.name, `${key} must be a number of at least 0`);
  }
  if (o.prefixUrl !== undefined && !URL.canParse(o.prefixUrl)) throw optionsError(o.name, 'prefixUrl is not a URL');
  return o;
}

export type { HttpMethod };
