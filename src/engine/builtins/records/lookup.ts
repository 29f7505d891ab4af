/**
 * records.lookup: every target each source record fits, by any tier, and by which (see README.md,
 * "records.lookup"). Unlike records.match it decides nothing: a report lists what it finds. Targets are
 * indexed once per tier, as in records.match.
 */
import type { ActionContext } from '../../types.js';
import { bind, isPromise, rawList, type RecordFn } from './evaluate.js';
import { normaliser, type NormaliserName, type Normaliser } from './normalise.js';
import { PhoneIndex } from './phone.js';

export interface LookupTierInput { name: string; source: string; target: string; normalise: NormaliserName; unlinked?: boolean }

export interface LookupInput {
  source?: unknown[];
  target?: Array<Record<string, unknown>>;
  source_as?: string;
  target_as?: string;
  tiers: LookupTierInput[];
  target_where?: string;
  region?: string;
}

type Target = Record<string, unknown>;
export interface Fit { target: Target; tiers: string[] }
export interface Found { source: unknown; candidates: Fit[]; tiers: string[] }

export interface LookupOutput {
  found: Found[];
  counts: { source: number; target: number; found: number };
}


function keysOf(raw: unknown, normalise: Normaliser): string[] {
  const out: string[] = [];
  for (const v of rawList(raw)) {
    const k = normalise(v);
    if (k !== undefined && !out.includes(k)) out.push(k);
  }
  return out;
}

export async function lookupRecords(given: LookupInput, ctx: ActionContext): Promise<LookupOutput> {
  // The last per-record value, awaited only when JSONata proper gave a promise (no microtask per value).
  let got: unknown;
  const source = given.source ?? [];
  const target = given.target ?? [];
  const region = given.region ?? 'US';
  const sourceAs = given.source_as ?? 'source';
  const targetAs = given.target_as ?? 'target';
  const tiers = given.tiers.map((t) => ({
    ...t, norm: normaliser(t.normalise, region), sourceKey: bind(ctx, t.source, sourceAs), targetKey: bind(ctx, t.target, targetAs),
    byKey: new Map<string, Target[]>(), byPhone: t.normalise === 'phone' ? new PhoneIndex<Target>(region) : undefined,
  }));
  const [first] = tiers;

  const targetWhere = given.target_where === undefined ? undefined : bind(ctx, given.target_where, targetAs);
  const linkedTo = new Map<Target, string[]>();
  for (const t of target) {
    if (targetWhere !== undefined && !(isPromise(got = targetWhere(t)) ? await got : got)) continue;
    for (const tier of tiers) {
      const raw = (isPromise(got = tier.targetKey(t)) ? await got : got);
      if (tier.byPhone !== undefined) {
        for (const v of rawList(raw)) if (typeof v === 'string' || typeof v === 'number') tier.byPhone.add(v, t);
        continue;
      }
      const keys = keysOf(raw, tier.norm);
      for (const k of keys) {
        const list = tier.byKey.get(k);
        if (list === undefined) tier.byKey.set(k, [t]);
        else if (list.at(-1) !== t) list.push(t);
      }
      if (tier === first && keys.length > 0) linkedTo.set(t, keys);
    }
  }

  // Every first-tier key of the sources: a target holding one is linked to that record.
  const ownKeys: string[][] = [];
  const linked = new Set<string>();
  for (const s of source) {
    const keys = first === undefined || first.byPhone !== undefined ? [] : keysOf((isPromise(got = first.sourceKey(s)) ? await got : got), first.norm);
    ownKeys.push(keys);
    for (const k of keys) linked.add(k);
  }

  const found: Found[] = [];
  for (let at = 0; at < source.length; at++) {
    const s = source[at];
    const own = ownKeys[at]!;
    const fits = new Map<Target, string[]>();
    for (const tier of tiers) {
      for (const v of rawList(isPromise(got = tier.sourceKey(s)) ? await got : got)) {
        const hits = tier.byPhone !== undefined
          ? (typeof v === 'string' || typeof v === 'number' ? tier.byPhone.lookup(v) : [])
          : (() => { const k = tier.norm(v); return k === undefined ? [] : tier.byKey.get(k) ?? []; })();
        for (const t of hits) {
          if (tier.unlinked === true) {
            const owners = linkedTo.get(t);
            if (owners !== undefined && !owners.some((o) => own.includes(o)) && owners.some((o) => linked.has(o))) continue;
          }
          const by = fits.get(t);
          if (by === undefined) fits.set(t, [tier.name]);
          else if (!by.includes(tier.name)) by.push(tier.name);
        }
      }
    }
    if (fits.size === 0) continue;
    const candidates = [...fits].map(([t, by]) => ({ target: t, tiers: by }));
    const names = tiers.map((t) => t.name).filter((n) => candidates.some((c) => c.tiers.includes(n)));
    found.push({ source: s, candidates, tiers: names });
  }
  return { found, counts: { source: source.length, target: target.length, found: found.length } };
}
