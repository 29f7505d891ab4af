/**
 * records.group: records that share a key (see README.md, "records.group"). Keys are tried in order; a set
 * of records is reported once, under the first key that groups exactly those records.
 */
import type { ActionContext } from '../../types.js';
import { bind, isPromise, rawList, type RecordFn } from './evaluate.js';
import { normaliser, type NormaliserName } from './normalise.js';

export interface GroupKeyInput { name: string; key: string; normalise: NormaliserName }

export interface GroupInput {
  records?: unknown[];
  as?: string;
  keys: GroupKeyInput[];
  where?: string;
  region?: string;
  min?: number;
}

export interface Group { key: string; value: string; records: unknown[] }

export interface GroupOutput {
  groups: Group[];
  counts: { records: number; groups: number };
}


export async function groupRecords(input: GroupInput, ctx: ActionContext): Promise<GroupOutput> {
  // The last per-record value, awaited only when JSONata proper gave a promise (no microtask per value).
  let got: unknown;
  const as = input.as ?? 'record';
  const region = input.region ?? 'US';
  const min = input.min ?? 2;
  const where = input.where === undefined ? undefined : bind(ctx, input.where, as);
  const records: unknown[] = [];
  for (const record of input.records ?? []) if (where === undefined || (isPromise(got = where(record)) ? await got : got)) records.push(record);

  const groups: Group[] = [];
  const seen = new Set<string>();
  for (const key of input.keys) {
    const fn = bind(ctx, key.key, as);
    const normalise = normaliser(key.normalise, region);
    // Members by position, so records need no id; a record with two keys of one kind is in both groups.
    const byValue = new Map<string, number[]>();
    for (let at = 0; at < records.length; at++) {
      for (const raw of rawList(isPromise(got = fn(records[at])) ? await got : got)) {
        const k = normalise(raw);
        if (k === undefined) continue;
        const members = byValue.get(k);
        if (members === undefined) byValue.set(k, [at]);
        else if (members.at(-1) !== at) members.push(at);
      }
    }
    for (const [k, members] of byValue) {
      if (members.length < min) continue;
      const set = members.join(',');
      if (seen.has(set)) continue;
      seen.add(set);
      groups.push({ key: key.name, value: k, records: members.map((at) => records[at]) });
    }
  }
  return { groups, counts: { records: records.length, groups: groups.length } };
}
