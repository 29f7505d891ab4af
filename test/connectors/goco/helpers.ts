/** Shared set-up for the GoCo connector tests: small hand-made seeds, a live emulator, and an action context. */
import { pino, type Logger } from 'pino';
import { startGocoEmulator, type GocoEmulator, type GocoEmulatorOptions, type GocoEmployee, type GocoSeed } from '../../../src/emulators/goco/index.js';
import type { ActionContext, Mappings } from '../../../src/engine/types.js';
import { goco, type GocoClient, type GocoSettings } from '../../../src/connectors/goco/index.js';
import type { Page, PageRequest, Collection } from '../../../src/connectors/goco/wire.js';

/** A UUID-shaped id that sorts by `n`. */
export const uid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A stamp `n` minutes after a fixed past time, so emulator changes (stamped "now") always come later. */
export const at = (n: number): string => new Date(Date.UTC(2026, 3, 1, 9, n)).toISOString();

export function employee(n: number, over: Partial<GocoEmployee> = {}): GocoEmployee {
  return {
    id: uid(n), employeeNumber: String(1000 + n), firstName: `First${n}`, lastName: `Last${n}`, preferredName: null,
    workEmail: `person${n}@example.com`, personalEmail: null, mobilePhone: '(612) 555-0100', workPhone: null,
    status: 'active', employmentType: 'full_time', payType: 'hourly', hourlyRate: 18.5, hireDate: '2025-01-01',
    terminationDate: null, jobTitle: 'Server', workLocationId: null, departmentId: null, managerId: null,
    updatedAt: at(n), ...over,
  };
}

export function seedOf(employees: GocoEmployee[]): GocoSeed {
  return { employees, locations: [], departments: [] };
}

export interface Captured {
  warnings: Record<string, unknown>[];
  progress: Array<[number, number | undefined]>;
}

export function quietLogger(sink?: Record<string, unknown>[]): Logger {
  return pino({ level: 'warn' }, { write: (line: string) => void sink?.push(JSON.parse(line) as Record<string, unknown>) });
}

const noMappings: Mappings = { get: async () => undefined, set: async () => undefined, delete: async () => undefined, all: async () => ({}) };

export function context(connection: GocoClient, captured: Captured = { warnings: [], progress: [] }): ActionContext<GocoClient> {
  return {
    connection,
    logger: quietLogger(captured.warnings),
    signal: new AbortController().signal,
    dryRun: false,
    mappings: noMappings,
    progress: (done, total) => void captured.progress.push([done, total]),
    jobId: 'test',
  };
}

export function connect(emulator: { url: string; token: string }, settings: Partial<GocoSettings> = {}): GocoClient {
  return goco.connect({ api_url: emulator.url, api_token: emulator.token, ...settings }, { logger: quietLogger() });
}

/** Calls `hook` after each page the connection fetches (0-based page number), to change data between pages. */
export function afterPages(connection: GocoClient, hook: (n: number, request: PageRequest) => void): { requests: PageRequest[] } {
  const original = connection.page.bind(connection);
  const seen = { requests: [] as PageRequest[] };
  connection.page = async (collection: Collection, request: PageRequest, signal?: AbortSignal): Promise<Page> => {
    const page = await original(collection, request, signal);
    seen.requests.push(request);
    hook(seen.requests.length - 1, request);
    return page;
  };
  return seen;
}

export interface Harness {
  emulator: GocoEmulator;
  connections: GocoClient[];
  connect(settings?: Partial<GocoSettings>): GocoClient;
  close(): Promise<void>;
}

export async function harness(options: GocoEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startGocoEmulator(options);
  const h: Harness = {
    emulator,
    connections: [],
    connect(settings = {}) {
      const c = connect(emulator, settings);
      h.connections.push(c);
      return c;
    },
    async close() {
      await Promise.all(h.connections.map((c) => c.close()));
      await emulator.close();
    },
  };
  return h;
}

export async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to fail');
}
