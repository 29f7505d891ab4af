/**
 * Request handling of the GoCo emulator: bearer auth, the rate limit, the read API (docs/goco-api.md) and the
 * `/_admin/...` routes that let another process play HR. Faults, latency and request counts are applied
 * around this by the shared HTTP shell.
 */
import type { FaultInjector, FaultKind } from '../shared/faults.js';
import type { EmulatorRequest, Reply } from '../shared/http.js';
import type { RollingLimiter } from '../shared/rate-limit.js';
import { GocoApiError } from './errors.js';
import type { GocoStore, PageQuery } from './store.js';
import * as body from './validate.js';

/** Largest page; a larger `limit` is clamped to it (the reply's `pagination.limit` says what was used). */
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 100;

export interface RouteContext {
  store: GocoStore;
  token: string;
  limiter: RollingLimiter | null;
  faults: () => FaultInjector;
  stats: () => Record<string, number>;
}

const ok = (data: unknown, status = 200): Reply => ({ status, body: { data } });

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new GocoApiError(400, 'invalid_parameter', `${name} must be an integer >= ${min}`);
  }
  return Number(raw);
}

function pageQuery(query: URLSearchParams, allowSince: boolean): PageQuery {
  const limit = Math.min(integerParam(query, 'limit', DEFAULT_LIMIT, 1), MAX_LIMIT);
  const offset = integerParam(query, 'offset', 0, 0);
  const since = query.get('updated_since');
  if (since === null || since === '') return { limit, offset };
  if (!allowSince) throw new GocoApiError(400, 'invalid_parameter', 'updated_since is supported on /employees only');
  // A full ISO 8601 date-time is required: a bare date or junk would silently change what "since" means.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(since) || !Number.isFinite(Date.parse(since))) {
    throw new GocoApiError(400, 'invalid_parameter', 'updated_since must be an ISO 8601 date-time with a time zone');
  }
  return { limit, offset, updatedSince: since };
}

function authorize(req: EmulatorRequest, token: string): void {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match || match[1] !== token) {
    throw new GocoApiError(401, 'unauthorized', match ? 'The API key is invalid or was revoked' : 'Missing Authorization: Bearer <api key>');
  }
}

function api(req: EmulatorRequest, ctx: RouteContext): Reply {
  const { store } = ctx;
  const parts = req.path.split('/').filter(Boolean);
  if (req.method !== 'GET') throw new GocoApiError(405, 'method_not_allowed', `${req.method} ${req.path} is not supported`);
  const [collection, id, ...rest] = parts;
  if (rest.length > 0) throw new GocoApiError(404, 'not_found', `no route ${req.path}`);
  if (id !== undefined) {
    if (collection === 'employees') return ok(store.employee(id));
    if (collection === 'locations') return ok(store.location(id));
    if (collection === 'departments') return ok(store.department(id));
  } else {
    if (collection === 'employees') return { status: 200, body: store.listEmployees(pageQuery(req.query, true)) };
    if (collection === 'locations') return { status: 200, body: store.listLocations(pageQuery(req.query, false)) };
    if (collection === 'departments') return { status: 200, body: store.listDepartments(pageQuery(req.query, false)) };
  }
  throw new GocoApiError(404, 'not_found', `no route ${req.path}`);
}

const FAULT_KINDS: FaultKind[] = ['status503', 'status429', 'reset_before', 'reset_after', 'stall'];

/** `POST /_admin/faults`: `{ "inject": kind, "method"?, "path"? }` queues one fault; other keys configure random faults. */
function adminFaults(payload: unknown, faults: FaultInjector): Reply {
  if (typeof payload !== 'object' || payload === null) throw new GocoApiError(400, 'invalid_body', 'faults: body must be a JSON object');
  const { inject, method, path, ...options } = payload as Record<string, unknown>;
  if (inject !== undefined) {
    if (!FAULT_KINDS.includes(inject as FaultKind)) throw new GocoApiError(400, 'invalid_body', `faults: unknown kind '${String(inject)}'`);
    faults.inject(inject as FaultKind, (r) => (method === undefined || r.method === method) && (path === undefined || r.path === path));
  } else {
    faults.configure({ ...options, only: (r) => !r.path.startsWith('/_admin') });
  }
  return { status: 200, body: { data: { served: faults.served } } };
}

function admin(req: EmulatorRequest, ctx: RouteContext): Reply {
  const { store } = ctx;
  const [, kind, id, action] = req.path.split('/').filter(Boolean);
  const route = `${req.method} ${kind ?? ''}${id === undefined ? '' : '/:id'}${action === undefined ? '' : `/${action}`}`;
  switch (route) {
    case 'GET snapshot':
      return ok(store.snapshot());
    case 'GET stats':
      return ok(ctx.stats());
    case 'POST faults':
      return adminFaults(req.body, ctx.faults());
    case 'POST employees':
      return ok(store.hire(body.hireBody(req.body)), 201);
    case 'PATCH employees/:id':
      return ok(store.updateEmployee(id as string, body.employeePatchBody(req.body)));
    case 'POST employees/:id/terminate':
      return ok(store.terminate(id as string, body.dateBody(req.body).date));
    case 'POST employees/:id/rehire':
      return ok(store.rehire(id as string, body.dateBody(req.body).date));
    case 'POST locations':
      return ok(store.addLocation(body.locationBody(req.body)), 201);
    case 'PATCH locations/:id':
      return ok(store.updateLocation(id as string, body.locationPatchBody(req.body)));
    case 'POST departments':
      return ok(store.addDepartment(body.departmentBody(req.body)), 201);
    case 'PATCH departments/:id':
      return ok(store.updateDepartment(id as string, body.departmentPatchBody(req.body)));
    default:
      throw new GocoApiError(404, 'not_found', `no admin route ${req.method} ${req.path}`);
  }
}

export function createHandler(ctx: RouteContext) {
  return (req: EmulatorRequest): Reply => {
    try {
      authorize(req, ctx.token);
      if (req.path.startsWith('/_admin/')) {
        if (req.rawBody.length > 0 && req.body === undefined) throw new GocoApiError(400, 'invalid_body', 'body is not valid JSON');
        return admin(req, ctx);
      }
      const decision = ctx.limiter?.take(ctx.token);
      if (decision && !decision.allowed) {
        return {
          status: 429,
          body: { error: { code: 'rate_limited', message: 'Too many requests; retry after the given seconds' } },
          headers: { 'retry-after': String(decision.retryAfterSec) },
        };
      }
      return api(req, ctx);
    } catch (error) {
      if (error instanceof GocoApiError) return { status: error.status, body: error.body() };
      throw error;
    }
  };
}
