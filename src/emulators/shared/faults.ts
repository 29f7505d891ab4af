/**
 * Fault injection shared by the emulators. A fault is chosen per request, either from a scripted queue
 * (deterministic tests: "the next POST /users resets after commit") or at random from a seeded generator
 * (soak tests: "10% of calls fail"), so runs repeat.
 */
import { createRng, pick, type Rng } from './rng.js';

export type FaultKind =
  /** 503 Service Unavailable, nothing done. */
  | 'status503'
  /** 429 Too Many Requests with Retry-After, nothing done. */
  | 'status429'
  /** The socket is destroyed before the request is handled: nothing done, no response. */
  | 'reset_before'
  /** The request is handled and its change committed, then the socket is destroyed: no response. */
  | 'reset_after'
  /** The response is delayed by `stallMs`, then served normally. */
  | 'stall';

export interface FaultRequest {
  method: string;
  path: string;
}

export interface FaultOptions {
  /** Seed of the random generator; the same seed gives the same faults for the same request order. */
  seed?: number;
  /** Probability (0..1) that a request gets a random fault. @default 0 */
  rate?: number;
  /** Kinds picked from uniformly when a random fault fires. @default all kinds */
  kinds?: FaultKind[];
  /** Only requests this returns true for may get a random fault. @default every request */
  only?: (req: FaultRequest) => boolean;
  /** Latency added to every response, in ms. @default 0 */
  latencyMs?: number;
  /** How long a `stall` delays a response, in ms. @default 2000 */
  stallMs?: number;
  /** Retry-After seconds sent with a `status429` fault. @default 1 */
  retryAfterSec?: number;
}

interface Scripted {
  kind: FaultKind;
  match: (req: FaultRequest) => boolean;
}

const ALL_KINDS: FaultKind[] = ['status503', 'status429', 'reset_before', 'reset_after', 'stall'];

export class FaultInjector {
  private options: Required<Omit<FaultOptions, 'only'>> & { only?: FaultOptions['only'] } = FaultInjector.defaults();
  private rng: Rng = createRng(0);
  private readonly scripted: Scripted[] = [];
  /** Count of faults served, by kind: tests assert on it. */
  readonly served: Record<FaultKind, number> = { status503: 0, status429: 0, reset_before: 0, reset_after: 0, stall: 0 };

  constructor(options: FaultOptions = {}) {
    this.configure(options);
  }

  private static defaults() {
    return { seed: 1, rate: 0, kinds: ALL_KINDS, latencyMs: 0, stallMs: 2000, retryAfterSec: 1 };
  }

  /** Replaces the random-fault settings (scripted faults stay queued). */
  configure(options: FaultOptions): void {
    this.options = { ...FaultInjector.defaults(), ...options };
    this.rng = createRng(this.options.seed);
  }

  get latencyMs(): number {
    return this.options.latencyMs;
  }

  get stallMs(): number {
    return this.options.stallMs;
  }

  get retryAfterSec(): number {
    return this.options.retryAfterSec;
  }

  /** Queues one fault for the next request that `match` accepts (all requests when omitted). */
  inject(kind: FaultKind, match: (req: FaultRequest) => boolean = () => true): void {
    this.scripted.push({ kind, match });
  }

  /** Decides the fault for one request, or null. Scripted faults come first, in order. */
  decide(req: FaultRequest): FaultKind | null {
    const index = this.scripted.findIndex((s) => s.match(req));
    let kind: FaultKind | null = null;
    if (index >= 0) {
      kind = (this.scripted[index] as Scripted).kind;
      this.scripted.splice(index, 1);
    } else if (this.options.rate > 0 && (!this.options.only || this.options.only(req))) {
      if (this.rng() < this.options.rate) kind = pick(this.rng, this.options.kinds);
    }
    if (kind) this.served[kind]++;
    return kind;
  }

  clear(): void {
    this.scripted.length = 0;
    this.configure({});
  }
}
