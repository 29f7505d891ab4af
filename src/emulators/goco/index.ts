/**
 * The GoCo API emulator: a real HTTP server on loopback serving the API as docs/goco-api.md models it, seeded,
 * with faults and a rate limit, plus an HR-side mutation API (in-process methods and `/_admin` routes).
 * See README.md in this folder for routes and what is modelled versus invented.
 */
import type { FaultInjector, FaultOptions } from '../shared/faults.js';
import { serveJson, type RunningServer } from '../shared/http.js';
import { RollingLimiter } from '../shared/rate-limit.js';
import { demoSeed } from '../seed/demo.js';
import { createHandler } from './routes.js';
import { GocoStore } from './store.js';
import type {
  DepartmentInput,
  DepartmentPatch,
  EmployeePatch,
  GocoDepartment,
  GocoEmployee,
  GocoLocation,
  GocoSeed,
  HireInput,
  LocationInput,
  LocationPatch,
} from './types.js';

export type * from './types.js';
export { GocoApiError } from './errors.js';
export { MAX_LIMIT, DEFAULT_LIMIT } from './routes.js';

export interface GocoEmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default defaultGocoSeed() */
  seed?: GocoSeed;
  /** The API key clients must send as `Authorization: Bearer <token>`. @default 'goco-emulator-token' */
  token?: string;
  /** Latency and faults; random faults never hit `/_admin` routes unless `only` says otherwise. */
  faults?: FaultOptions;
  /** Requests allowed per rolling window on the read API (admin routes are exempt). @default none */
  rateLimit?: { limit: number; windowMs?: number };
}

export interface GocoEmulator {
  url: string;
  port: number;
  token: string;
  faults: FaultInjector;
  /** Requests served, keyed `METHOD /path` with ids replaced by `:id` (admin routes included). */
  stats: Map<string, number>;
  totalRequests(): number;
  /** A deep copy of all data, in id order. */
  snapshot(): GocoSeed;
  employee(id: string): GocoEmployee;
  hire(input: HireInput): GocoEmployee;
  /** Any change HR makes: rename, email, phone, location, department, status... */
  updateEmployee(id: string, patch: EmployeePatch): GocoEmployee;
  terminate(id: string, date?: string): GocoEmployee;
  rehire(id: string, date?: string): GocoEmployee;
  addLocation(input: LocationInput): GocoLocation;
  updateLocation(id: string, patch: LocationPatch): GocoLocation;
  renameLocation(id: string, name: string): GocoLocation;
  addDepartment(input: DepartmentInput): GocoDepartment;
  updateDepartment(id: string, patch: DepartmentPatch): GocoDepartment;
  renameDepartment(id: string, name: string): GocoDepartment;
  close(): Promise<void>;
}

export const DEFAULT_GOCO_TOKEN = 'goco-emulator-token';

/** The hand-written demo company (see src/emulators/seed/demo.ts): every matching case once. */
export function defaultGocoSeed(): GocoSeed {
  return demoSeed().goco;
}

export async function startGocoEmulator(opts: GocoEmulatorOptions = {}): Promise<GocoEmulator> {
  const store = new GocoStore(opts.seed ?? defaultGocoSeed());
  const token = opts.token ?? DEFAULT_GOCO_TOKEN;
  const limiter = opts.rateLimit ? new RollingLimiter(opts.rateLimit.limit, opts.rateLimit.windowMs) : null;
  const userOnly = opts.faults?.only;
  const faultOptions: FaultOptions = { ...opts.faults, only: (r) => (userOnly ? userOnly(r) : !r.path.startsWith('/_admin')) };
  // The shell owns faults and counters and exists only after the handler; the admin routes reach them late.
  let shell: RunningServer | undefined;
  const handler = createHandler({
    store,
    token,
    limiter,
    faults: () => (shell as RunningServer).faults,
    stats: () => Object.fromEntries((shell as RunningServer).stats),
  });
  const running = await serveJson(handler, {
    port: opts.port,
    faults: faultOptions,
    faultBody: (kind) =>
      kind === 'status503'
        ? { error: { code: 'service_unavailable', message: 'Service temporarily unavailable' } }
        : { error: { code: 'rate_limited', message: 'Too many requests; retry after the given seconds' } },
  });
  shell = running;
  const copy = <T>(value: T): T => structuredClone(value);
  return {
    url: running.url,
    port: running.port,
    token,
    faults: running.faults,
    stats: running.stats,
    totalRequests: running.totalRequests,
    snapshot: () => store.snapshot(),
    employee: (id) => copy(store.employee(id)),
    hire: (input) => copy(store.hire(input)),
    updateEmployee: (id, patch) => copy(store.updateEmployee(id, patch)),
    terminate: (id, date) => copy(store.terminate(id, date)),
    rehire: (id, date) => copy(store.rehire(id, date)),
    addLocation: (input) => copy(store.addLocation(input)),
    updateLocation: (id, patch) => copy(store.updateLocation(id, patch)),
    renameLocation: (id, name) => copy(store.updateLocation(id, { name })),
    addDepartment: (input) => copy(store.addDepartment(input)),
    updateDepartment: (id, patch) => copy(store.updateDepartment(id, patch)),
    renameDepartment: (id, name) => copy(store.updateDepartment(id, { name })),
    close: running.close,
  };
}
