/**
 * The request pipeline inside `serveJson` (which has already applied latency and faults):
 * rate limit -> route -> (login service | token -> person -> workplace -> handler).
 * Everything is served from one origin: the login service at `/login`, the API under `/2`.
 */
import type { EmulatorRequest, Handler, Reply } from '../shared/http.js';
import { ReplyError } from '../shared/http.js';
import { RollingLimiter } from '../shared/rate-limit.js';
import { getAccount } from './account.js';
import { type ApiContext, authenticatePerson, developerKey, handleGetLogin, handleLogin, resolveWorkplace, tokenFrom } from './auth.js';
import { WIW_CODES, wiwReply } from './errors.js';
import { createLocation, deleteLocations, getLocation, listLocations, updateLocation } from './locations.js';
import { createPosition, deletePositions, getPosition, listPositions, updatePosition } from './positions.js';
import type { WiwState } from './state.js';
import type { TokenSigner } from './token.js';
import { createUser, deleteUser, getUser, listUsers, updateUser } from './users.js';

export interface WiwRateLimitOptions {
  /** Requests allowed per token (or per developer key before login) in any rolling window. */
  limit: number;
  /** '429': Too Many Requests with Retry-After (legacy docs); '403': a 403 with a rate-limit body (current docs). @default '429' */
  mode?: '429' | '403';
  /** @default 60000 */
  windowMs?: number;
}

type CollectionRun = (ctx: ApiContext, req: EmulatorRequest) => Reply;
type ItemRun = (ctx: ApiContext, req: EmulatorRequest, id: number) => Reply;

const COLLECTIONS: Record<string, Record<string, CollectionRun>> = {
  users: { GET: listUsers, POST: createUser },
  locations: { GET: listLocations, POST: createLocation, DELETE: deleteLocations },
  positions: { GET: listPositions, POST: createPosition, DELETE: deletePositions },
  account: { GET: getAccount },
};

const ITEMS: Record<string, Record<string, ItemRun>> = {
  users: { GET: getUser, PUT: updateUser, DELETE: deleteUser },
  locations: { GET: getLocation, PUT: updateLocation, DELETE: deleteLocations },
  positions: { GET: getPosition, PUT: updatePosition, DELETE: deletePositions },
  account: { GET: getAccount },
};

export interface WiwHandlerDeps {
  /** A getter, so `reset()` can swap the state under a running server. */
  state: () => WiwState;
  signer: TokenSigner;
  clock: () => number;
  rateLimit?: WiwRateLimitOptions;
}

const notFoundReply = () => wiwReply(404, WIW_CODES.ROUTE_NOT_FOUND, 'The requested resource could not be found.');
const methodReply = () => wiwReply(405, WIW_CODES.METHOD_NOT_ALLOWED, 'Method not allowed.');

export function faultBody(kind: 'status503' | 'status429'): unknown {
  return kind === 'status503'
    ? { error: 'Service temporarily unavailable.', code: 503 }
    : { error: 'Too many requests. Please wait before trying again.', code: WIW_CODES.RATE_LIMITED };
}

export function createWiwHandler(deps: WiwHandlerDeps): Handler & { limiter?: RollingLimiter } {
  const limiter = deps.rateLimit ? new RollingLimiter(deps.rateLimit.limit, deps.rateLimit.windowMs ?? 60_000) : undefined;
  const mode = deps.rateLimit?.mode ?? '429';

  const handler = (req: EmulatorRequest): Reply => {
    let limitHeaders: Record<string, string> | undefined;
    if (limiter) {
      const who = tokenFrom(req);
      const key = who ? `token:${who}` : `key:${developerKey(req) ?? 'anonymous'}`;
      const decision = limiter.take(key, deps.clock());
      if (!decision.allowed) return rateLimited(mode, decision.retryAfterSec);
      limitHeaders = { 'w-limit-remaining': String(decision.remaining) };
    }
    let reply: Reply;
    try {
      reply = route(req, deps);
    } catch (error) {
      if (!(error instanceof ReplyError)) throw error;
      reply = error.reply;
    }
    return limitHeaders ? { ...reply, headers: { ...reply.headers, ...limitHeaders } } : reply;
  };
  return Object.assign(handler, { limiter });
}

function rateLimited(mode: '429' | '403', retryAfterSec: number): Reply {
  const message = `Rate limit exceeded. Please wait ${retryAfterSec} seconds before trying again.`;
  if (mode === '403') return wiwReply(403, WIW_CODES.RATE_LIMITED, message, { 'w-limit-remaining': '0' });
  return wiwReply(429, WIW_CODES.RATE_LIMITED, message, { 'w-limit-remaining': '0', 'retry-after': String(retryAfterSec) });
}

function route(req: EmulatorRequest, deps: WiwHandlerDeps): Reply {
  const state = deps.state();
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  if (path === '/login') {
    if (req.method !== 'POST') return methodReply();
    return handleLogin(req, state, deps.signer);
  }
  if (path === '/2/login') {
    if (req.method !== 'GET') return methodReply();
    return handleGetLogin(req, state, authenticatePerson(req, state, deps.signer));
  }
  const m = /^\/2\/([a-z]+)(?:\/(\d+))?$/.exec(path);
  const resource = m?.[1];
  if (!m || !resource) return notFoundReply();
  const id = m[2] === undefined ? undefined : Number(m[2]);
  const table = id === undefined ? COLLECTIONS : ITEMS;
  if (!Object.hasOwn(table, resource)) return notFoundReply();
  const methods = table[resource] as Record<string, CollectionRun | ItemRun>;
  if (!Object.hasOwn(methods, req.method)) return methodReply();
  const ctx = resolveWorkplace(req, state, authenticatePerson(req, state, deps.signer));
  const run = methods[req.method] as ItemRun;
  return run(ctx, req, id as number);
}
