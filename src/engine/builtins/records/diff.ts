/**
 * records.diff: which fields of a current record differ from the desired ones (see README.md,
 * "records.diff"). Only the fields the recipe lists are compared, each with a normaliser; a desired value
 * that is missing or blank is never written (the current value stays).
 */
import type { ActionContext } from '../../types.js';
import { bind, isPromise, rawList, type RecordFn } from './evaluate.js';
import { normaliser, type NormaliserName } from './normalise.js';

export const COMPARISONS = ['exact', 'text', 'code', 'email', 'phone', 'name', 'number', 'prefix'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface DiffInput {
  records?: unknown[];
  as?: string;
  desired: string;
  current: string;
  fields: Record<string, Comparison>;
  region?: string;
}

export interface DiffOutput {
  changed: { record: unknown; changes: Record<string, unknown> }[];
  unchanged: unknown[];
  counts: { records: number; changed: number; unchanged: number };
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

function differs(kind: Comparison, want: unknown, have: unknown, region: string): boolean {
  if (kind === 'number') return Number(have ?? NaN) !== Number(want);
  // WIW's "hourly_exempt" is still "hourly": a value that starts with the desired one is the same.
  if (kind === 'prefix') return !String(have ?? '').startsWith(String(want));
  const norm = normaliser(kind as NormaliserName, region);
  // A list is up to date when it holds every desired item (other items someone added stay).
  if (Array.isArray(want)) {
    const held = new Set(rawList(have).map((v) => norm(v)));
    return want.some((v) => !held.has(norm(v)));
  }
  return norm(want) !== norm(have);
}


export async function diffRecords(input: DiffInput, ctx: ActionContext): Promise<DiffOutput> {
  // The last per-record value, awaited only when JSONata proper gave a promise (no microtask per value).
  let got: unknown;
  const as = input.as ?? 'record';
  const region = input.region ?? 'US';
  const desired = bind(ctx, input.desired, as);
  const current = bind(ctx, input.current, as);
  const out: DiffOutput = { changed: [], unchanged: [], counts: { records: (input.records ?? []).length, changed: 0, unchanged: 0 } };
  for (const record of input.records ?? []) {
    const want = ((isPromise(got = desired(record)) ? await got : got) ?? {}) as Record<string, unknown>;
    const have = ((isPromise(got = current(record)) ? await got : got) ?? {}) as Record<string, unknown>;
    const changes: Record<string, unknown> = {};
    for (const [field, kind] of Object.entries(input.fields)) {
      const w = want[field];
      if (!blank(w) && differs(kind, w, have[field], region)) changes[field] = w;
    }
    if (Object.keys(changes).length > 0) out.changed.push({ record, changes });
    else out.unchanged.push(record);
  }
  out.counts.changed = out.changed.length;
  out.counts.unchanged = out.unchanged.length;
  return out;
}
