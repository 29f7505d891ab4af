/**
 * An independent, plain reading of docs/sync-rules.md's first-run matching rules, used only to check that a seed's
 * `expected` says what those rules give. It is no model for the real matcher (no mappings, no writes).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { GocoEmployee } from '../../../src/emulators/goco/types.js';
import type { ExpectedOutcome, WiwSeedUser } from '../../../src/emulators/seed/types.js';

export interface Verdict {
  outcome: ExpectedOutcome;
  userIds: number[];
}

const normEmail = (e: string | null | undefined) => (e ?? '').trim().toLowerCase();
export const toE164 = (p: string | null | undefined): string => (p ? (parsePhoneNumberFromString(p, 'US')?.number ?? '') : '');

function push(index: Map<string, WiwSeedUser[]>, key: string, user: WiwSeedUser): void {
  if (!key) return;
  const list = index.get(key);
  if (list) list.push(user);
  else index.set(key, [user]);
}

export function referenceMatch(employees: GocoEmployee[], users: WiwSeedUser[]): Map<string, Verdict> {
  const codes = new Set(employees.map((e) => e.employeeNumber ?? e.id));
  const byCode = new Map<string, WiwSeedUser[]>();
  const byEmail = new Map<string, WiwSeedUser[]>();
  const byPhone = new Map<string, WiwSeedUser[]>();
  for (const u of users) {
    push(byCode, u.employee_code, u);
    // Deleted users are not listed by default; a user tied to an employee code is nobody else's candidate.
    if (u.is_deleted || (u.employee_code && codes.has(u.employee_code))) continue;
    push(byEmail, normEmail(u.email), u);
    push(byPhone, toE164(u.phone_number), u);
  }
  const verdicts = new Map<string, Verdict>();
  for (const e of employees) {
    const code = e.employeeNumber ?? e.id;
    const coded = byCode.get(code) ?? [];
    let verdict: Verdict;
    if (e.syncToWhenIWork === false) verdict = { outcome: 'excluded', userIds: [] };
    else if (e.status === 'terminated') verdict = { outcome: 'skipped_terminated', userIds: coded.map((u) => u.id) };
    else if (coded.length === 1) verdict = { outcome: coded[0]?.is_deleted ? 'reactivated' : 'matched', userIds: [coded[0]?.id as number] };
    else {
      const emailHits = new Set<WiwSeedUser>();
      for (const email of [e.workEmail, e.personalEmail]) for (const u of byEmail.get(normEmail(email)) ?? []) emailHits.add(u);
      const phoneHits = new Set(byPhone.get(toE164(e.mobilePhone ?? e.workPhone)) ?? []);
      const all = new Set([...emailHits, ...phoneHits]);
      if (all.size === 0) verdict = { outcome: 'created', userIds: [] };
      else if (all.size > 1) verdict = { outcome: 'conflict', userIds: [...all].map((u) => u.id).sort((a, b) => a - b) };
      else verdict = { outcome: emailHits.size === 1 ? 'linked_by_email' : 'linked_by_phone', userIds: [...all].map((u) => u.id) };
    }
    verdicts.set(e.id, verdict);
  }
  return verdicts;
}
