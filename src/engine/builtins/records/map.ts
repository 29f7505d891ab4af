/**
 * records.map: each record through a field mapping (see README.md, "records.map"). A field is an
 * expression, or `{ from, normalise }`: the first value of `from` (one value or a list) that the normaliser
 * keeps. `where` says which records are in scope, `skip` gives a reason a record in scope cannot be used,
 * `group` sorts the rest.
 */
import type { ActionContext } from '../../types.js';
import { bind, firstKept, isPromise, type RecordFn } from './evaluate.js';
import { normaliser, type NormaliserName, type Normaliser } from './normalise.js';

export type FieldInput = string | { from: string; normalise: NormaliserName };

export interface MapInput {
  records?: unknown[];
  as?: string;
  fields: Record<string, FieldInput>;
  where?: string;
  skip?: string;
  group?: string;
  region?: string;
}

export interface MapOutput {
  items: Record<string, unknown>[];
  groups: Record<string, Record<string, unknown>[]>;
  left_out: Record<string, unknown>[];
  skipped: Record<string, unknown>[];
  counts: Record<string, number>;
}


const SHARED_LISTS = 1_000;

export async function mapRecords(input: MapInput, ctx: ActionContext): Promise<MapOutput> {
  // The last per-record value, awaited only when JSONata proper gave a promise (no microtask per value).
  let got: unknown;
  const as = input.as ?? 'record';
  const region = input.region ?? 'US';
  // Indexed loops below, no destructuring: this runs an async function's loop 100,000 times, where each
  // iterator or destructured tuple would be an object of garbage.
  const names = Object.keys(input.fields);
  const fns: RecordFn[] = [];
  const normalisers: (Normaliser | undefined)[] = [];
  for (const name of names) {
    const f = input.fields[name]!;
    fns.push(bind(ctx, typeof f === 'string' ? f : f.from, as));
    normalisers.push(typeof f === 'string' ? undefined : normaliser(f.normalise, region));
  }
  const where = input.where === undefined ? undefined : bind(ctx, input.where, as);
  const skip = input.skip === undefined ? undefined : bind(ctx, input.skip, as);
  const group = input.group === undefined ? undefined : bind(ctx, input.group, as);
  // A field's one-value lists, one frozen list per value shared by every record that has it (a location
  // id list for each of 70,000 people to create would be 140,000 lists of a few hundred ids). A field of
  // many distinct values (an id of each record) stops adding to its table.
  const lists = names.map(() => new Map<unknown, readonly unknown[]>());
  const shared = (raw: unknown, f: number): unknown => {
    if (!Array.isArray(raw) || raw.length !== 1) return raw;
    const v: unknown = raw[0];
    if ((typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') || Object.is(v, -0)) return raw;
    const known = lists[f]!.get(v);
    if (known !== undefined || lists[f]!.size >= SHARED_LISTS) return known ?? raw;
    const list = Object.freeze([v]);
    lists[f]!.set(v, list);
    return list;
  };
  const out: MapOutput = { items: [], groups: {}, left_out: [], skipped: [], counts: {} };
  const records = input.records ?? [];
  for (let r = 0; r < records.length; r++) {
    const record = records[r];
    const item: Record<string, unknown> = {};
    for (let f = 0; f < names.length; f++) {
      const raw = (isPromise(got = fns[f]!(record)) ? await got : got);
      const normalise = normalisers[f];
      const v = normalise === undefined ? shared(raw, f) : firstKept(raw, normalise);
      if (v !== undefined) item[names[f]!] = v;
    }
    if (where !== undefined && !(isPromise(got = where(record)) ? await got : got)) {
      out.left_out.push(item);
      continue;
    }
    const reason = skip === undefined ? undefined : (isPromise(got = skip(record)) ? await got : got);
    if (typeof reason === 'string' && reason !== '') {
      out.skipped.push({ ...item, reason });
      continue;
    }
    out.items.push(item);
    if (group !== undefined) {
      const g = (isPromise(got = group(record)) ? await got : got);
      const key = g === undefined || g === null ? '' : String(g);
      (out.groups[key] ??= []).push(item);
    }
  }
  out.counts = { records: (input.records ?? []).length, items: out.items.length, left_out: out.left_out.length, skipped: out.skipped.length };
  for (const [k, list] of Object.entries(out.groups)) out.counts[`group_${k}`] = list.length;
  return out;
}
