/**
 * A circuit breaker per transport: after `threshold` consecutive attempts that got no answer (refused,
 * reset, timed out) or a gateway's 502/503/504, the service is taken as down and every request fails at
 * once with CIRCUIT_OPEN instead of each retrying for minutes. After `cooldownMs` the circuit half-opens:
 * requests go through again, the first answer closes it, the first failure opens it for another cooldown.
 *
 * A counter rather than a library (opossum wraps one function per breaker, with its own timeouts and
 * events): the transport already classifies every attempt and needs only "is it open" before sending.
 * A 500 counts as an answer: the server is up and refused this request (WIW's seat limit on a create).
 */
import { RecipeError } from '../../engine/errors.js';
import type { Where } from './errors.js';

export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';

/** Network failures that say nothing reached or answered: the service, or the way to it, is down. */
const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const DOWN_STATUSES = new Set([502, 503, 504]);

export interface CircuitOptions {
  /** Consecutive failed attempts that open the circuit. @default 5 */
  threshold?: number;
  /** How long it stays open before requests are tried again. @default 30 s */
  cooldownMs?: number;
  now?: () => number;
}

export class Circuit {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;

  constructor(options: CircuitOptions = {}) {
    this.#threshold = options.threshold ?? 5;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** True while requests must not be sent; false once the cooldown has passed (half-open). */
  get open(): boolean {
    if (this.#openedAt === undefined) return false;
    if (this.#now() - this.#openedAt < this.#cooldownMs) return true;
    // Half-open: let requests through; one more failure opens it again at once.
    this.#openedAt = undefined;
    this.#failures = this.#threshold - 1;
    return false;
  }

  /** Records how an attempt ended: a network error code, or the HTTP status of an answer. */
  record(outcome: { errorCode?: string | undefined; status?: number }): void {
    const down = outcome.status === undefined ? DOWN_CODES.has(outcome.errorCode ?? '') : DOWN_STATUSES.has(outcome.status);
    if (!down) {
      if (outcome.status !== undefined) this.#failures = 0;
      return;
    }
    this.#failures += 1;
    if (this.#failures >= this.#threshold && this.#openedAt === undefined) this.#openedAt = this.#now();
  }

  /** How many failed attempts in a row opened (or are opening) the circuit. */
  get failures(): number {
    return this.#failures;
  }
}

export function circuitOpenError(where: Where, failures: number): RecipeError {
  return new RecipeError(CIRCUIT_OPEN, `${where.method} ${where.path} was not attempted: ${where.name} stopped answering (${failures} failed attempts in a row)`, {
    retryable: true,
    details: { connector: where.name, method: where.method, path: where.path, notAttempted: true },
    hint: `Run again when ${where.name} is back; requests are tried again after a pause.`,
  });
}
