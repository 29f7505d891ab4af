/**
 * records.match: pairs source records with target records through ordered tiers of keys (see README.md,
 * "records.match"). Targets are indexed at most once per tier, when a source first needs that tier; each
 * source then costs a few map look-ups, so 100,000 sources x 20,000 targets is linear in their sum. Phone
 * tiers parse a number only when the other side has a phone ending in the same digits (PhoneIndex). With `several: first_free` (catalog records that
 * share a name are interchangeable) a record takes its first candidate not taken yet instead of a conflict.
 */
import type { ActionContext } from '../../types.js';
import { bind, firstRaw, isPromise, rawList, type RecordFn } from './evaluate.js';
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
interface TierIndex { byKey?: Map<string, Target[]>; byPhone?: PhoneIndex<Target>; keys: Map<Target, readonly string[]> }

/**
 * Indexes of a target list by a tier key that reads the target alone, kept while the list lives, so the
 * steps of a job that match against one list (active people, leavers, rehires) index it once. They cover
 * every target of the list; each step then passes over the ones it cannot match.
 */
const shared = new WeakMap<object, Map<string, TierIndex>>();


const NO_KEYS: readonly string[] = Object.freeze([]);
const NO_TARGETS: readonly Target[] = Object.freeze([]);
const MATCHED = 1;
const TO_LINK = 2;
const CONFLICT = 3;

/** The distinct normalised keys of `raw` (one value, or a list as rawList reads it); no list is built for none. */
function keysOf(raw: unknown, normalise: Normaliser): readonly string[] {
  if (raw === undefined || raw === null) return NO_KEYS;
  if (!Array.isArray(raw)) {
    const k = normalise(raw);
    return k === undefined ? NO_KEYS : [k];
  }
  let out: string[] | undefined;
  for (let i = 0; i < raw.length; i++) {
    const v: unknown = raw[i];
    if (Array.isArray(v)) for (let j = 0; j < v.length; j++) out = add(out, v[j], normalise);
    else out = add(out, v, normalise);
  }
  return out ?? NO_KEYS;
}

function add(out: string[] | undefined, v: unknown, normalise: Normaliser): string[] | undefined {
  if (v === undefined || v === null) return out;
  const k = normalise(v);
  if (k === undefined) return out;
  if (out === undefined) return [k];
  if (!out.includes(k)) out.push(k);
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
      for (let t = 0; t < input.target.length; t++) {
        const target = input.target[t]!;
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
    for (let t = 0; t < input.target.length; t++) {
      const target = input.target[t]!;
      if (!alone && !eligible.has(target)) continue;
      const raw = (isPromise(got = key(target)) ? await got : got);
      if (built.byPhone !== undefined) {
        const values = rawList(raw);
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (typeof v === 'string' || typeof v === 'number') built.byPhone.add(v, target);
        }
      } else {
        const keys = keysOf(raw, tier.normalise);
        for (let i = 0; i < keys.length; i++) push(built.byKey!, keys[i]!, target);
        if (keys.length > 0) built.keys.set(target, keys);
      }
    }
    if (byList !== undefined) shared.set(input.target, byList.set(id, built));
    tier.index = built;
  };

  // Sources: who is looked up, and every first-tier key of the run (a target holding one is that record's).
  // The keys of the records not looked up matter to the later tiers alone: read below, when one runs.
  const where = input.where === undefined ? undefined : bind(ctx, input.where, sourceAs);
  const linked = new Set<string>();
  const looked: { at: number; source: unknown; keys: readonly string[]; owner: string }[] = [];
  const left: unknown[] = [];
  // What became of each source: a pair or a conflict, and (kind) which list it goes to.
  const outcome: (Pair | Conflict | undefined)[] = new Array(input.source.length);
  const kind = new Uint8Array(input.source.length);
  for (let at = 0; at < input.source.length; at++) {
    const source = input.source[at];
    if (where !== undefined && !(isPromise(got = where(source)) ? await got : got)) {
      left.push(source);
      continue;
    }
    const raw = (isPromise(got = first.key(source)) ? await got : got);
    const keys = keysOf(raw, first.normalise);
    for (let i = 0; i < keys.length; i++) linked.add(keys[i]!);
    const shown = firstRaw(raw);
    looked.push({ at, source, keys, owner: shown === undefined ? '(no key)' : String(shown).trim() });
  }
  if (looked.length > 0) await index(0);

  const claimed = new Map<string, string>();
  for (const id of input.taken ?? []) claimed.set(String(id), 'an earlier step');
  const taken: unknown[] = [...(input.taken ?? [])];
  const conflict = (item: (typeof looked)[number], c: Conflict): void => {
    outcome[item.at] = c;
    kind[item.at] = CONFLICT;
  };
  const take = (item: (typeof looked)[number], target: Target, tier: Tier): void => {
    const id = String(target.id);
    const owner = claimed.get(id);
    if (owner !== undefined) {
      const by = owner === 'an earlier step' ? owner : `${sourceNoun} ${owner}`;
      conflict(item, { source: item.source, candidates: [{ id: target.id, tier: tier.name }],
        reason: `matches ${noun} ${target.id} by ${tier.name}, already matched to ${by} in this run` });
      return;
    }
    claimed.set(id, item.owner);
    taken.push(target.id);
    outcome[item.at] = { source: item.source, target, tier: tier.name };
    kind[item.at] = tier === first ? MATCHED : TO_LINK;
  };

  // First tier for everyone first: a unique match ends the search, several are a conflict.
  const rest: typeof looked = [];
  // Scratch lists, emptied for each record (a conflict copies what it keeps).
  const hits: Target[] = [];
  const firstByKey = first.index?.byKey;
  for (let l = 0; l < looked.length; l++) {
    const item = looked[l]!;
    hits.length = 0;
    for (let i = 0; i < item.keys.length; i++) {
      const list = firstByKey?.get(item.keys[i]!) ?? NO_TARGETS;
      for (let j = 0; j < list.length; j++) if (eligible.has(list[j]!) && !hits.includes(list[j]!)) hits.push(list[j]!);
    }
    if (firstFree) {
      // Interchangeable targets: the first one not taken; all taken, the later tiers may find another.
      const free = hits.find((t) => !claimed.has(String(t.id)));
      if (free !== undefined) take(item, free, first);
      else rest.push(item);
      continue;
    }
    if (hits.length > 1) {
      conflict(item, { source: item.source, candidates: hits.map((t) => ({ id: t.id, tier: first.name })),
        reason: `${hits.length} ${noun}s have ${first.label} ${item.owner}` });
    } else if (hits.length === 1) {
      take(item, hits[0]!, first);
    } else rest.push(item);
  }

  // Then the later tiers together, in input order: they must agree on one target.
  if (rest.length > 0) {
    for (let i = 1; i < tiers.length; i++) await index(i);
    for (const list of [left, (input.others ?? []).flat()]) {
      for (let o = 0; o < list.length; o++) {
        const keys = keysOf((isPromise(got = first.key(list[o])) ? await got : got), first.normalise);
        for (let i = 0; i < keys.length; i++) linked.add(keys[i]!);
      }
    }
  }
  const found: { tier: Tier; hits: Target[] }[] = later.map((tier) => ({ tier, hits: [] }));
  const firstKeys = first.index?.keys;
  for (let r = 0; r < rest.length; r++) {
    const item = rest[r]!;
    for (let f = 0; f < found.length; f++) {
      const tier = found[f]!.tier;
      const tierHits = found[f]!.hits;
      tierHits.length = 0;
      const byPhone = tier.index!.byPhone;
      const byKey = tier.index!.byKey;
      const values = rawList(isPromise(got = tier.key(item.source)) ? await got : got);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        let list: readonly Target[] = NO_TARGETS;
        if (byPhone !== undefined) {
          if (typeof v === 'string' || typeof v === 'number') list = byPhone.lookup(v);
        } else {
          const k = tier.normalise(v);
          if (k !== undefined) list = byKey!.get(k) ?? NO_TARGETS;
        }
        for (let j = 0; j < list.length; j++) {
          const t = list[j]!;
          if (!eligible.has(t)) continue;
          // Linked to another record of this run: theirs, never a candidate.
          const owners = firstKeys?.get(t);
          if (owners !== undefined && !owners.some((o) => item.keys.includes(o)) && owners.some((o) => linked.has(o))) continue;
          if (!tierHits.includes(t)) tierHits.push(t);
        }
      }
    }
    if (firstFree) {
      // The first tier with a free candidate decides; none free leaves the record unmatched.
      for (const f of found) {
        const free = f.hits.find((t) => !claimed.has(String(t.id)));
        if (free !== undefined) {
          take(item, free, f.tier);
          break;
        }
      }
      continue;
    }
    const listed = (): Candidate[] => found.flatMap((f) => f.hits.map((t) => ({ id: t.id, tier: f.tier.name })));
    const several = found.find((f) => f.hits.length > 1);
    if (several !== undefined) {
      conflict(item, { source: item.source, candidates: listed(), reason: `${several.hits.length} ${noun}s share the ${several.tier.label}` });
      continue;
    }
    // The tiers that found one target each: the first decides, and any other that found another disagrees.
    let one: (typeof found)[number] | undefined;
    let other: (typeof found)[number] | undefined;
    for (let i = 0; i < found.length; i++) {
      const f = found[i]!;
      if (f.hits.length !== 1) continue;
      if (one === undefined) one = f;
      else if (other === undefined && f.hits[0] !== one.hits[0]) other = f;
    }
    if (one !== undefined && other !== undefined) {
      conflict(item, { source: item.source, candidates: listed(),
        reason: `${one.tier.name} matches ${noun} ${one.hits[0]!.id} but ${other.tier.name} matches ${shortNoun} ${other.hits[0]!.id}` });
    } else if (one !== undefined) {
      take(item, one.hits[0]!, one.tier);
    }
  }

  const out: MatchOutput = { matched: [], to_link: [], unmatched: [], conflicts: [], taken, counts: {} as MatchOutput['counts'] };
  for (let at = 0; at < input.source.length; at++) {
    const o = outcome[at];
    switch (kind[at]) {
      case MATCHED: out.matched.push(o as Pair); break;
      case TO_LINK: out.to_link.push(o as Pair); break;
      case CONFLICT: out.conflicts.push(o as Conflict); break;
      default: out.unmatched.push(input.source[at]);
    }
  }
  out.counts = { source: input.source.length, target: input.target.length, matched: out.matched.length, to_link: out.to_link.length, unmatched: out.unmatched.length, conflicts: out.conflicts.length };
  return out;
}
