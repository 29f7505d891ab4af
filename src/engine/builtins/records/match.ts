/**
 * records.match: pairs source records with target records through ordered tiers of keys (see README.md,
 * "records.match"). Targets are indexed at most once per tier, when a source first needs that tier; each
 * source then costs a few map look-ups, so 100,000 sources x 20,000 targets is linear in their sum. Phone
 * tiers parse a number only when the other side has a phone ending in the same digits (PhoneIndex). With `several: first_free` (catalog records that
 * share a name are interchangeable) a record takes its first candidate not taken yet instead of a conflict.
 */
import type { ActionContext } from '../../types.js';
import { bind, isPromise, rawList, type RecordFn } from './evaluate.js';
import { normaliser, type NormaliserName, type Normaliser } from './normalise.js';
import { PhoneIndex } from './phone.js';

export interface TierInput { name: string; source: string; target: string; normalise: NormaliserName }

export interface MatchInput {
  source?: unknown[];
  target?: Array<Record<string, unknown>>;
  source_as?: string;
  target_as?: string;
  tiers: TierInput[];
  where?: string;
  target_where?: string;
  region?: string;
  taken?: unknown[];
  exclude?: unknown[];
  others?: unknown[];
  source_noun?: string;
  target_noun?: string;
  /** `conflict` (default), or `first_free`: take the first candidate not taken yet (interchangeable targets). */
  several?: 'conflict' | 'first_free';
}

type Target = Record<string, unknown>;
export interface Pair { source: unknown; target: Target; tier: string }
export interface Candidate { id: unknown; tier: string }
export interface Conflict { source: unknown; candidates: Candidate[]; reason: string }

export interface MatchOutput {
  matched: Pair[];
  to_link: Pair[];
  unmatched: unknown[];
  conflicts: Conflict[];
  /** Ids of the targets taken, by this step or (input `taken`) an earlier one. */
  taken: unknown[];
  counts: Record<'source' | 'target' | 'matched' | 'to_link' | 'unmatched' | 'conflicts', number>;
}

interface Tier {
  name: string;
  label: string;
  key: RecordFn;
  normalise: Normaliser;
  index?: TierIndex;
}

/** One tier's keys of a list of targets: the targets under each key, and each target's keys. */
interface TierIndex { byKey?: Map<string, Target[]>; byPhone?: PhoneIndex<Target>; keys: Map<Target, string[]> }

/**
 * Indexes of a target list by a tier key that reads the target alone, kept while the list lives, so the
 * steps of a job that match against one list (active people, leavers, rehires) index it once. They cover
 * every target of the list; each step then passes over the ones it cannot match.
 */
const shared = new WeakMap<object, Map<string, TierIndex>>();


function keysOf(raw: unknown, normalise: Normaliser): string[] {
  const out: string[] = [];
  for (const v of rawList(raw)) {
    const k = normalise(v);
    if (k !== undefined && !out.includes(k)) out.push(k);
  }
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else if (!list.includes(item)) list.push(item);
}

export async function matchRecords(given: MatchInput, ctx: ActionContext): Promise<MatchOutput> {
  // The last per-record value, awaited only when JSONata proper gave a promise (no microtask per value).
  let got: unknown;
  const input = { ...given, source: given.source ?? [], target: given.target ?? [] };
  const sourceAs = input.source_as ?? 'source';
  const targetAs = input.target_as ?? 'target';
  const region = input.region ?? 'US';
  const noun = input.target_noun ?? 'target record';
  const shortNoun = noun.split(' ').at(-1) ?? noun;
  const sourceNoun = input.source_noun ?? 'source record';
  const tiers: Tier[] = input.tiers.map((t) => ({
    name: t.name, label: t.name.replace(/_/g, ' '), key: bind(ctx, t.source, sourceAs), normalise: normaliser(t.normalise, region),
  }));
  const [first, ...later] = tiers as [Tier, ...Tier[]];
  const firstFree = input.several === 'first_free';

  // Targets: each tier indexed once, at its first use (a re-run where every code matches never reads the
  // later tiers, a step with no source to look up reads none); the first tier's keys also say whom a
  // target is linked to.
  const targetWhere = input.target_where === undefined ? undefined : bind(ctx, input.target_where, targetAs);
  const exclude = new Set((input.exclude ?? []).map(String));
  const targetKeys = input.tiers.map((t) => bind(ctx, t.target, targetAs));
  const eligible = new Set<Target>();
  let sifted = false;
  const index = async (i: number): Promise<void> => {
    const tier = tiers[i]!;
    if (tier.index !== undefined) return;
    if (!sifted) {
      sifted = true;
      for (const target of input.target) {
        if (exclude.has(String(target.id))) continue;
        if (targetWhere !== undefined && !(isPromise(got = targetWhere(target)) ? await got : got)) continue;
        eligible.add(target);
      }
    }
    const key = targetKeys[i]!;
    const alone = key.reads !== undefined && [...key.reads].every((n) => n === targetAs);
    const id = `${input.tiers[i]!.normalise}\u0000${region}\u0000${targetAs}\u0000${input.tiers[i]!.target}`;
    const byList = alone ? shared.get(input.target) ?? new Map<string, TierIndex>() : undefined;
    tier.index = byList?.get(id);
    if (tier.index !== undefined) return;
    const built: TierIndex = input.tiers[i]!.normalise === 'phone' ? { byPhone: new PhoneIndex(region), keys: new Map() } : { byKey: new Map(), keys: new Map() };
    for (const target of alone ? input.target : eligible) {
      const raw = (isPromise(got = key(target)) ? await got : got);
      if (built.byPhone !== undefined) {
        for (const v of rawList(raw)) if (typeof v === 'string' || typeof v === 'number') built.byPhone.add(v, target);
      } else {
        const keys = keysOf(raw, tier.normalise);
        for (const k of keys) push(built.byKey!, k, target);
        if (keys.length > 0) built.keys.set(target, keys);
      }
    }
    if (byList !== undefined) shared.set(input.target, byList.set(id, built));
    tier.index = built;
  };

  // Sources: who is looked up, and every first-tier key of the run (a target holding one is that record's).
  const where = input.where === undefined ? undefined : bind(ctx, input.where, sourceAs);
  const linked = new Set<string>();
  const looked: { at: number; source: unknown; keys: string[]; owner: string }[] = [];
  const outcome: ({ list: 'matched' | 'to_link'; pair: Pair } | { list: 'conflicts'; conflict: Conflict } | undefined)[] = new Array(input.source.length);
  for (let at = 0; at < input.source.length; at++) {
    const source = input.source[at];
    const raw = (isPromise(got = first.key(source)) ? await got : got);
    const keys = keysOf(raw, first.normalise);
    for (const k of keys) linked.add(k);
    if (where !== undefined && !(isPromise(got = where(source)) ? await got : got)) continue;
    const shown = rawList(raw)[0];
    looked.push({ at, source, keys, owner: shown === undefined ? '(no key)' : String(shown).trim() });
  }
  if (looked.length > 0) await index(0);

  const claimed = new Map<string, string>();
  for (const id of input.taken ?? []) claimed.set(String(id), 'an earlier step');
  const taken: unknown[] = [...(input.taken ?? [])];
  const take = (item: (typeof looked)[number], target: Target, tier: Tier): NonNullable<(typeof outcome)[number]> => {
    const id = String(target.id);
    const owner = claimed.get(id);
    if (owner !== undefined) {
      const by = owner === 'an earlier step' ? owner : `${sourceNoun} ${owner}`;
      return { list: 'conflicts', conflict: { source: item.source, candidates: [{ id: target.id, tier: tier.name }],
        reason: `matches ${noun} ${target.id} by ${tier.name}, already matched to ${by} in this run` } };
    }
    claimed.set(id, item.owner);
    taken.push(target.id);
    return { list: tier === first ? 'matched' : 'to_link', pair: { source: item.source, target, tier: tier.name } };
  };

  // First tier for everyone first: a unique match ends the search, several are a conflict.
  const rest: typeof looked = [];
  for (const item of looked) {
    const hits: Target[] = [];
    for (const k of item.keys) for (const t of first.index!.byKey?.get(k) ?? []) if (eligible.has(t) && !hits.includes(t)) hits.push(t);
    if (firstFree) {
      // Interchangeable targets: the first one not taken; all taken, the later tiers may find another.
      const free = hits.find((t) => !claimed.has(String(t.id)));
      if (free !== undefined) outcome[item.at] = take(item, free, first);
      else rest.push(item);
      continue;
    }
    if (hits.length > 1) {
      outcome[item.at] = { list: 'conflicts', conflict: { source: item.source, candidates: hits.map((t) => ({ id: t.id, tier: first.name })),
        reason: `${hits.length} ${noun}s have ${first.label} ${item.owner}` } };
    } else if (hits.length === 1) {
      outcome[item.at] = take(item, hits[0]!, first);
    } else rest.push(item);
  }

  // Then the later tiers together, in input order: they must agree on one target.
  if (rest.length > 0) {
    for (let i = 1; i < tiers.length; i++) await index(i);
    for (const other of (input.others ?? []).flat()) {
      for (const k of keysOf((isPromise(got = first.key(other)) ? await got : got), first.normalise)) linked.add(k);
    }
  }
  for (const item of rest) {
    const found: { tier: Tier; hits: Target[] }[] = [];
    for (const tier of later) {
      const hits: Target[] = [];
      for (const v of rawList(isPromise(got = tier.key(item.source)) ? await got : got)) {
        const { byPhone, byKey } = tier.index!;
        const list = byPhone !== undefined
          ? (typeof v === 'string' || typeof v === 'number' ? byPhone.lookup(v) : [])
          : (() => { const k = tier.normalise(v); return k === undefined ? [] : byKey!.get(k) ?? []; })();
        for (const t of list) {
          if (!eligible.has(t)) continue;
          // Linked to another record of this run: theirs, never a candidate.
          const owners = first.index!.keys.get(t);
          if (owners !== undefined && !owners.some((o) => item.keys.includes(o)) && owners.some((o) => linked.has(o))) continue;
          if (!hits.includes(t)) hits.push(t);
        }
      }
      found.push({ tier, hits });
    }
    if (firstFree) {
      // The first tier with a free candidate decides; none free leaves the record unmatched.
      for (const f of found) {
        const free = f.hits.find((t) => !claimed.has(String(t.id)));
        if (free !== undefined) {
          outcome[item.at] = take(item, free, f.tier);
          break;
        }
      }
      continue;
    }
    const listed = (): Candidate[] => found.flatMap((f) => f.hits.map((t) => ({ id: t.id, tier: f.tier.name })));
    const several = found.find((f) => f.hits.length > 1);
    if (several !== undefined) {
      outcome[item.at] = { list: 'conflicts', conflict: { source: item.source, candidates: listed(), reason: `${several.hits.length} ${noun}s share the ${several.tier.label}` } };
      continue;
    }
    const single = found.filter((f) => f.hits.length === 1);
    const other = single.find((f) => f.hits[0] !== single[0]?.hits[0]);
    if (other !== undefined) {
      const a = single[0]!;
      outcome[item.at] = { list: 'conflicts', conflict: { source: item.source, candidates: listed(),
        reason: `${a.tier.name} matches ${noun} ${a.hits[0]!.id} but ${other.tier.name} matches ${shortNoun} ${other.hits[0]!.id}` } };
    } else if (single.length > 0) {
      outcome[item.at] = take(item, single[0]!.hits[0]!, single[0]!.tier);
    }
  }

  const out: MatchOutput = { matched: [], to_link: [], unmatched: [], conflicts: [], taken, counts: {} as MatchOutput['counts'] };
  for (let at = 0; at < input.source.length; at++) {
    const o = outcome[at];
    if (o === undefined) out.unmatched.push(input.source[at]);
    else if (o.list === 'conflicts') out.conflicts.push(o.conflict);
    else out[o.list].push(o.pair);
  }
  out.counts = { source: input.source.length, target: input.target.length, matched: out.matched.length, to_link: out.to_link.length, unmatched: out.unmatched.length, conflicts: out.conflicts.length };
  return out;
}
