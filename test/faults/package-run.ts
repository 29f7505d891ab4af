/**
 * Shared by the fault and soak suites: runs the WIW Provisioning package the way an admin does (setup
 * recipes, then all-employees-sync, each run again while it ends failed), and reads the WIW emulator's
 * state in a form two runs can be compared in: ids replaced by what identifies a record across runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectors } from '../../src/connectors/index.js';
import type { EmulatorPair } from '../../src/emulators/index.js';
import type { WiwSnapshot } from '../../src/emulators/wheniwork/index.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import type { JobRecord } from '../../src/engine/store/index.js';

export const PACKAGE_DIR = fileURLToPath(new URL('../../recipes/wiw-provisioning/', import.meta.url));
export const ALL = 'all-employees-sync';
export const SETUP = ['location-sync', 'department-sync'] as const;
/** The store key of every runtime opened here; spawned CLIs get it as RECIPES_SECRET_KEY. */
export const SECRET_KEY = 'soak-test-key';

/** A fresh temp data dir; `remove` deletes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A runtime on `dataDir` with the pair's properties (plus `extra`) set. */
export async function openRuntime(pair: EmulatorPair, dataDir: string, extra: Record<string, string> = {}): Promise<Runtime> {
  const rt = await Runtime.open({ packageDir: PACKAGE_DIR, dataDir, connectors, secretKey: SECRET_KEY, recordItems: 20 });
  // The seeds' expected outcomes predate same-name review: people who share a name with a WIW user are created.
  for (const [name, value] of Object.entries({ name_match: 'create', ...pair.properties, ...extra })) await rt.properties.set(name, value);
  return rt;
}

/**
 * Failed items of a job, as `path: code` of the innermost failed step per item (e.g. `create: WIW_REJECTED`
 * for Ann Lee). Failed items are always recorded, whatever `recordItems` says.
 */
export async function failedItems(rt: Runtime, job: JobRecord): Promise<string[]> {
  const out: string[] = [];
  for (const step of (await rt.steps(job.id))) {
    if (step.status !== 'failed' || !/^\w+\[\d+\]\.\w+$/.test(step.path)) continue;
    const input = (step.input ?? {}) as Record<string, unknown>;
    const who = String(input.employee_code ?? input.id ?? '?');
    out.push(`${step.path.replace(/\[\d+\]/, '')} ${who}: ${String((step.error as { code?: string } | null)?.code)}`);
  }
  return out.sort();
}

/**
 * Test-runs `recipe` as an admin would: again while it ends failed, at most `attempts` times. A run whose
 * failed items are exactly `settled` (failures that repeat on every run, e.g. data WIW rejects) ends it too.
 */
export async function runUntilSettled(rt: Runtime, recipe: string, attempts: number, settled: string[] = []): Promise<JobRecord[]> {
  const jobs: JobRecord[] = [];
  for (let i = 0; i < attempts; i++) {
    const job = await rt.test(recipe);
    if (!job) throw new Error(`recipe ${recipe} made no job`);
    jobs.push(job);
    if (job.status === 'succeeded') break;
    if (settled.length > 0 && JSON.stringify(await failedItems(rt, job)) === JSON.stringify(settled)) break;
  }
  return jobs;
}

/** The admin's flow: location-sync and department-sync, then all-employees-sync, each re-run while it fails. */
export async function runPackage(rt: Runtime, attempts = 4, settled: string[] = []): Promise<{ setup: JobRecord[]; all: JobRecord[] }> {
  const setup = await runSetup(rt, attempts);
  const all = await runUntilSettled(rt, ALL, attempts, settled);
  return { setup, all };
}

/** location-sync and department-sync, each re-run while it fails; throws when one never succeeds. */
export async function runSetup(rt: Runtime, attempts = 4): Promise<JobRecord[]> {
  const setup: JobRecord[] = [];
  for (const name of SETUP) {
    const jobs = await runUntilSettled(rt, name, attempts);
    const last = jobs.at(-1) as JobRecord;
    if (last.status !== 'succeeded') throw new Error(`${name} ended ${last.status}: ${JSON.stringify(last.error)}`);
    setup.push(...jobs);
  }
  return setup;
}

export interface NormalUser {
  key: string;
  [field: string]: unknown;
}

export interface NormalState {
  users: NormalUser[];
  locations: string[];
  positions: string[];
}

/** Fields that differ between two correct runs: ids, clocks, the invitation time, the login link. */
const VOLATILE = new Set(['id', 'account_id', 'login_id', 'created_at', 'updated_at', 'invited_at', 'deleted_at']);

/**
 * The account's users, locations and positions without ids or times. A user is keyed by employee code, else
 * email, else name and phone; location and position ids on a user become names, so the order in which
 * concurrent creates drew ids does not matter.
 */
export function normalise(snapshot: WiwSnapshot, accountId: number): NormalState {
  const account = snapshot.accounts.find((a) => a.id === accountId);
  if (!account) throw new Error(`no account ${accountId} in the WIW snapshot`);
  const locationName = new Map(account.locations.map((l) => [l.id, l.name]));
  const positionName = new Map(account.positions.map((p) => [p.id, p.name]));
  const users = account.users.map((u) => {
    const out: NormalUser = { key: userKey(u) };
    for (const [field, value] of Object.entries(u)) if (!VOLATILE.has(field)) out[field] = value;
    out.locations = u.locations.map((id) => locationName.get(id) ?? `?${id}`).sort();
    out.positions = u.positions.map((id) => positionName.get(id) ?? `?${id}`).sort();
    return out;
  });
  users.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const live = <T extends { is_deleted: boolean; name: string; id: number }>(list: T[]) =>
    list.map((r) => `${r.name}${r.is_deleted ? ' (deleted)' : ''}`).sort();
  return { users, locations: live(account.locations), positions: live(account.positions) };
}

function userKey(u: { employee_code: string; email: string; first_name: string; last_name: string; phone_number: string; is_deleted: boolean }): string {
  const base = u.employee_code ? `code:${u.employee_code}` : u.email ? `email:${u.email.trim().toLowerCase()}` : `name:${u.first_name} ${u.last_name} ${u.phone_number}`;
  return u.is_deleted ? `${base} (deleted)` : base;
}

/** Groups of live (non-deleted) users sharing an employee code or an email: each is a duplicate. */
export function duplicates(snapshot: WiwSnapshot, accountId: number): string[] {
  const account = snapshot.accounts.find((a) => a.id === accountId);
  if (!account) throw new Error(`no account ${accountId} in the WIW snapshot`);
  const seen = new Map<string, number[]>();
  for (const u of account.users) {
    if (u.is_deleted) continue;
    const keys = [u.employee_code && `code:${u.employee_code.trim()}`, u.email && `email:${u.email.trim().toLowerCase()}`];
    for (const key of keys) if (key) seen.set(key, [...(seen.get(key) ?? []), u.id]);
  }
  return [...seen].filter(([, ids]) => ids.length > 1).map(([key, ids]) => `${key} -> users ${ids.join(', ')}`);
}

/**
 * Every bucket of an all-employees-sync job that one employee lands in, and their sum. The summary names
 * creates that failed (`not_created`) but not failed links or reactivations: those come from the failed
 * items of the job's step records.
 */
export async function accounting(rt: Runtime, job: JobRecord): Promise<{ buckets: Record<string, number>; total: number }> {
  const s = (job.summary ?? {}) as Record<string, unknown>;
  const count = (key: string): number => (Array.isArray(s[key]) ? (s[key] as unknown[]).length : Number(s[key] ?? 0));
  const keys = ['matched', 'linked', 'reactivated', 'created', 'held', 'conflicts', 'skipped', 'excluded', 'seats_you_can_free', 'not_created'];
  const buckets = Object.fromEntries(keys.map((k) => [k, count(k)]));
  const failed = await failedItems(rt, job);
  buckets.not_linked = failed.filter((f) => f.startsWith('link.')).length;
  buckets.not_reactivated = failed.filter((f) => f.startsWith('reactivate.')).length;
  return { buckets, total: Object.values(buckets).reduce((a, b) => a + b, 0) };
}

export interface Expected {
  state: NormalState;
  /** Failed items of the fault-free run: they fail on every run. */
  failed: string[];
  job: JobRecord;
}

/** Runs the package once against a fault-free pair started by `start`; returns the normalised end state. */
export async function expectedRun(start: () => Promise<EmulatorPair>): Promise<Expected> {
  const pair = await start();
  const tmp = tempDir('recipes-expected-');
  const rt = await openRuntime(pair, tmp.dir);
  try {
    const { all } = await runPackage(rt, 1);
    const job = all.at(-1) as JobRecord;
    return { state: normalise(pair.wiw.snapshot(), pair.accountId), failed: await failedItems(rt, job), job };
  } finally {
    await rt.close();
    await pair.close();
    tmp.remove();
  }
}
