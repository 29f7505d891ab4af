/**
 * Shared by the interpreter and runtime suites: opens the fixture packages under test/fixtures/packages
 * with a fresh data dir, on the real `test` connector wrapped in a probe. The probe only observes (which
 * connections were made, which actions are in flight); every call still reaches the connector's code.
 */
import { EventEmitter, once } from 'node:events';
import type { TestDatabase } from '../../support/databases.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime, type RuntimeOptions } from '../../../src/engine/runtime/runtime.js';
import type { ActionDef, ConnectorDef, JobRecord, StepRecord } from '../../../src/index.js';
import { testConnector, type TestConnection } from '../../fixtures/connectors/test-connector.js';

export const PACKAGES = fileURLToPath(new URL('../../fixtures/packages/', import.meta.url));

/** What the probe saw. `events` emits `start:<action>` with the input when an action begins. */
export class Probe {
  readonly handles: TestConnection[] = [];
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  readonly events = new EventEmitter();

  /** Every `write` call made on any connection of this runtime. */
  get writes(): unknown[] {
    return this.handles.flatMap((h) => h.calls.filter((c) => c.action === 'write').map((c) => c.input));
  }

  /** Resolves with the input of the next call of `action`. */
  async started(action: string): Promise<unknown> {
    const [input] = await once(this.events, `start:${action}`);
    return input;
  }
}

export function probedConnector(): { connector: ConnectorDef; probe: Probe } {
  const probe = new Probe();
  const actions: Record<string, ActionDef> = {};
  for (const [name, def] of Object.entries(testConnector.actions)) {
    actions[name] = {
      ...def,
      async run(input, ctx) {
        const now = (probe.inFlight.get(name) ?? 0) + 1;
        probe.inFlight.set(name, now);
        probe.maxInFlight.set(name, Math.max(now, probe.maxInFlight.get(name) ?? 0));
        probe.events.emit(`start:${name}`, input);
        try {
          return await def.run(input, ctx);
        } finally {
          probe.inFlight.set(name, (probe.inFlight.get(name) ?? 1) - 1);
        }
      },
    };
  }
  const connector: ConnectorDef = {
    ...testConnector,
    actions,
    connect(settings, ctx) {
      const handle = testConnector.connect(settings, ctx);
      probe.handles.push(handle);
      return handle;
    },
  };
  return { connector, probe };
}

export interface Opened {
  rt: Runtime;
  probe: Probe;
  dataDir: string;
}

/** Opens runtimes on fresh temp data dirs; `cleanup` closes them all and removes the dirs. */
export class Harness {
  private readonly dirs: string[] = [];
  private readonly runtimes: Runtime[] = [];
  /** On PostgreSQL, the database of each data dir, so reopening a data dir reopens its state. */
  private readonly urls = new Map<string, string>();

  /** Without `db`, SQLite. */
  constructor(private readonly db?: TestDatabase) {}

  dataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'recipes-engine-'));
    this.dirs.push(dir);
    return dir;
  }

  async open(pkg: string, options: Partial<Omit<RuntimeOptions, 'packageDir' | 'connectors'>> = {}): Promise<Opened> {
    const { connector, probe } = probedConnector();
    const dataDir = options.dataDir ?? this.dataDir();
    let databaseUrl = options.databaseUrl ?? this.urls.get(dataDir);
    if (databaseUrl === undefined && this.db) {
      databaseUrl = await this.db.fresh();
      if (databaseUrl) this.urls.set(dataDir, databaseUrl);
    }
    const rt = await Runtime.open({ secretKey: 'engine-test-key', ...options, databaseUrl, packageDir: join(PACKAGES, pkg), dataDir, connectors: [connector] });
    this.runtimes.push(rt);
    return { rt, probe, dataDir };
  }

  async cleanup(): Promise<void> {
    for (const rt of this.runtimes.splice(0)) await rt.close();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a manual recipe as a test run and returns its job (test() only returns undefined for poll recipes). */
export async function runTest(rt: Runtime, name: string, options: Parameters<Runtime['test']>[1] = {}): Promise<JobRecord> {
  const job = await rt.test(name, options);
  if (!job) throw new Error(`recipe ${name} made no job`);
  return job;
}

/** The step record at `path`, or a failed assertion naming the paths that exist. */
export function stepAt(steps: StepRecord[], path: string): StepRecord {
  const found = steps.find((s) => s.path === path);
  if (!found) throw new Error(`no step record at ${path}; have: ${steps.map((s) => s.path).join(', ')}`);
  return found;
}

/** Awaits a rejected promise and returns the error (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}
