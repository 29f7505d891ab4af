/**
 * The When I Work emulator: a real HTTP server on 127.0.0.1 serving WIW's login service (`POST /login`) and
 * its `/2` API from one origin. See README.md for the routes, the seed format and what is invented.
 *
 * @example
 * const wiw = await startWiwEmulator();
 * wiw.faults.inject('reset_after', (r) => r.method === 'POST' && r.path === '/2/users');
 * // ... drive a client at wiw.loginUrl / wiw.apiUrl with wiw.credentials ...
 * wiw.snapshot().accounts[0].users; await wiw.close();
 */
import type { FaultInjector, FaultOptions } from '../shared/faults.js';
import { serveJson } from '../shared/http.js';
import { defaultWiwSeed } from './seed.js';
import { createWiwHandler, faultBody, type WiwRateLimitOptions } from './server.js';
import { WiwState, type WiwSnapshot } from './state.js';
import { TokenSigner } from './token.js';
import type { WiwSeed } from './types.js';

export interface WiwEmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default defaultWiwSeed() */
  seed?: WiwSeed;
  faults?: FaultOptions;
  /** @default off */
  rateLimit?: WiwRateLimitOptions;
  /** Token lifetime. @default 604800 (7 days, as WIW's) */
  tokenTtlSec?: number;
  /** Milliseconds since the epoch; tests pass a movable clock to expire tokens or age the rate window. @default Date.now */
  clock?: () => number;
}

export interface WiwCredentials {
  email: string;
  password: string;
  /** The developer key, sent as `W-Key`. */
  apiKey: string;
}

export interface WiwEmulator {
  /** The origin, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Login service base: `POST {loginUrl}/login`. */
  loginUrl: string;
  /** API base, ending in `/2`. */
  apiUrl: string;
  port: number;
  /** The seed's first person who is an admin somewhere, and the first developer key. */
  credentials: WiwCredentials;
  /** The live state; tests may read or adjust it (e.g. `state.accounts.get(id)!.account.seats = 3`). */
  readonly state: WiwState;
  faults: FaultInjector;
  /** Requests served by route, e.g. `POST /2/users`, `GET /2/users/:id`, `POST /login`; a fresh copy per read. */
  readonly stats: Map<string, number>;
  totalRequests(): number;
  readonly invitesSent: number;
  /** A deep copy of the state without passwords. */
  snapshot(): WiwSnapshot;
  /** Back to the seed (or a new one); also clears the rate-limit window. Tokens already issued stay valid. */
  reset(seed?: WiwSeed): void;
  close(): Promise<void>;
}

export async function startWiwEmulator(options: WiwEmulatorOptions = {}): Promise<WiwEmulator> {
  const clock = options.clock ?? Date.now;
  let seed = structuredClone(options.seed ?? defaultWiwSeed());
  let state = new WiwState(seed, clock);
  const signer = new TokenSigner(options.tokenTtlSec ?? 604_800, clock);
  const handler = createWiwHandler({ state: () => state, signer, clock, ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}) });
  const running = await serveJson(handler, { port: options.port ?? 0, faults: options.faults ?? {}, faultBody });

  return {
    url: running.url,
    loginUrl: running.url,
    apiUrl: `${running.url}/2`,
    port: running.port,
    credentials: credentialsOf(seed),
    get state() {
      return state;
    },
    faults: running.faults,
    get stats() {
      return wiwStats(running.stats);
    },
    totalRequests: running.totalRequests,
    get invitesSent() {
      return state.invitesSent;
    },
    snapshot: () => state.snapshot(),
    reset(next?: WiwSeed) {
      if (next) seed = structuredClone(next);
      state = new WiwState(structuredClone(seed), clock);
      handler.limiter?.reset();
    },
    close: running.close,
  };
}

/**
 * The shared `routeKey` turns every all-digit segment into `:id`, WIW's `/2` prefix included
 * (`GET /:id/users/:id`); this puts the prefix back. A no-op once the shared key spares the first segment.
 */
function wiwStats(raw: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of raw) {
    const fixed = key.replace(/^(\S+) \/:id(?=\/|$)/, '$1 /2');
    out.set(fixed, (out.get(fixed) ?? 0) + n);
  }
  return out;
}

function credentialsOf(seed: WiwSeed): WiwCredentials {
  const isAdmin = (email: string) =>
    seed.accounts.some((a) => (a.users ?? []).some((u) => u.role === 1 && (u.email ?? '').toLowerCase() === email.toLowerCase()));
  const person = seed.persons.find((p) => isAdmin(p.email)) ?? seed.persons[0];
  return { email: person?.email ?? '', password: person?.password ?? '', apiKey: seed.developerKeys[0] ?? '' };
}

export { defaultWiwSeed, loadWiwSeedFile, checkSeedShape } from './seed.js';
export { WiwState, WiwSeedError, type AccountState, type WiwSnapshot, type Invitation } from './state.js';
export type { WiwRateLimitOptions } from './server.js';
export { WIW_CODES } from './errors.js';
export { wiwDate } from './wiw-date.js';
export type * from './types.js';
