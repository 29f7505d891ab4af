/**
 * Runs inside the emulator process for the change-propagation benchmark: makes HR changes in GoCo at a
 * steady rate and measures, for each, the time until the WIW emulator's state shows it.
 */
import type { EmulatorPair } from '../src/emulators/index.js';

type Check = (users: Map<number, { id: number; employee_code: string; email: string; phone_number: string; locations: number[]; is_deleted: boolean }>) => boolean;

export interface PropagationResult {
  changes: number;
  applied: number;
  latenciesMs: number[];
  writes: number;
  kinds: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function propagate(pair: EmulatorPair, count: number, perSecond: number, timeoutMs = 30_000): Promise<PropagationResult> {
  const account = pair.wiw.state.accounts.get(pair.accountId);
  if (!account) throw new Error('no WIW account');
  const users = account.users as unknown as Parameters<Check>[0];
  const byCode = new Map<string, number>();
  for (const u of users.values()) if (u.employee_code && !u.is_deleted) byCode.set(u.employee_code, u.id);
  const goco = pair.goco.snapshot();
  const locations = goco.locations.filter((l) => l.isActive !== false);
  const wiwLocationByName = new Map([...account.locations.values()].map((l) => [l.name.trim().toLowerCase(), l.id]));
  const candidates = goco.employees.filter((e) => e.status === 'active' && e.syncToWhenIWork !== false && byCode.has(e.employeeNumber || e.id));
  if (candidates.length < count) throw new Error(`only ${candidates.length} linked active employees for ${count} changes`);
  const writesBefore = (pair.wiw.stats.get('PUT /2/users/:id') ?? 0) + (pair.wiw.stats.get('DELETE /2/users/:id') ?? 0);
  const pending: { check: Check; since: number }[] = [];
  const latencies: number[] = [];
  const kinds: Record<string, number> = {};
  const kindsList = ['email', 'phone', 'location', 'termination'] as const;

  const watcher = setInterval(() => {
    const now = performance.now();
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i] as { check: Check; since: number };
      if (p.check(users)) {
        latencies.push(now - p.since);
        pending.splice(i, 1);
      }
    }
  }, 20);

  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const e = candidates[i] as (typeof candidates)[number];
    const userId = byCode.get(e.employeeNumber || e.id) as number;
    const kind = kindsList[i % kindsList.length] as (typeof kindsList)[number];
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    let check: Check;
    if (kind === 'email') {
      const email = `changed.${i}@bench.example`;
      pair.goco.updateEmployee(e.id, { workEmail: email });
      check = (u) => u.get(userId)?.email === email;
    } else if (kind === 'phone') {
      const digits = `612555${String(1000 + (i % 9000)).padStart(4, '0')}`;
      pair.goco.updateEmployee(e.id, { mobilePhone: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` });
      check = (u) => (u.get(userId)?.phone_number ?? '').replace(/\D/g, '').endsWith(digits);
    } else if (kind === 'location') {
      const target = locations.find((l) => l.id !== e.workLocationId && wiwLocationByName.has(l.name.trim().toLowerCase()));
      if (!target) throw new Error('no other mapped location');
      const wiwId = wiwLocationByName.get(target.name.trim().toLowerCase()) as number;
      pair.goco.updateEmployee(e.id, { workLocationId: target.id });
      check = (u) => (u.get(userId)?.locations ?? []).includes(wiwId);
    } else {
      pair.goco.terminate(e.id);
      check = (u) => u.get(userId)?.is_deleted === true;
    }
    pending.push({ check, since: performance.now() });
  }
  const deadline = performance.now() + timeoutMs;
  while (pending.length > 0 && performance.now() < deadline) await sleep(50);
  clearInterval(watcher);
  const writes = (pair.wiw.stats.get('PUT /2/users/:id') ?? 0) + (pair.wiw.stats.get('DELETE /2/users/:id') ?? 0) - writesBefore;
  return { changes: count, applied: latencies.length, latenciesMs: latencies, writes, kinds };
}
