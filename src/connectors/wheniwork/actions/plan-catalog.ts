/**
 * plan_catalog: what location-sync and department-sync write (pure). A source record is matched to a
 * target by the stored id mapping first - a mapping to a missing or deleted target counts as no mapping -
 * then by name (trimmed, case-folded, inner spaces collapsed). Each target is taken at most once, so two
 * sources with the same name do not both claim it; the second is created.
 */
import type { ActionDef, JsonSchema } from '../../../engine/types.js';
import { normalizeName } from '../match.js';

export interface CatalogSource {
  id: string | number;
  name: string;
  address?: string | Record<string, unknown> | null;
}

export interface CatalogTarget extends CatalogSource {
  is_deleted?: boolean | null;
}

export interface PlanCatalogInput {
  source: CatalogSource[];
  target: CatalogTarget[];
  /** Source id -> target id, as stored by earlier runs. */
  mapping?: Record<string, string | number | null>;
}

type Changes = { name?: string; address?: string };

export interface PlanCatalogOutput {
  to_create: { source_id: string; name: string; address: string | null }[];
  to_update: { source_id: string; target_id: string; name: string; address: string | null; changes: Changes }[];
  /** Matched by name with no mapping stored: store it. */
  to_link: { source_id: string; target_id: string; name: string }[];
  unchanged: { source_id: string; target_id: string; name: string }[];
  counts: Record<'source' | 'target' | 'to_create' | 'to_update' | 'to_link' | 'unchanged', number>;
}

/**
 * An address as one trimmed line. GoCo's structured address ({line1, line2, city, state, postalCode,
 * country}) is joined the way WIW shows addresses: "100 Main St, Minneapolis, MN 55401".
 */
export function address(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const a = value as Record<string, unknown>;
    const part = (k: string): string => (typeof a[k] === 'string' ? (a[k] as string).trim() : '');
    const region = [part('state'), part('postalCode')].filter(Boolean).join(' ');
    return address([part('line1'), part('line2'), part('city'), region, part('country')].filter(Boolean).join(', '));
  }
  const s = String(value).trim();
  return s === '' ? null : s;
}

/**
 * Changes are only what the source says differently: a source without an address never blanks the
 * target's. A name that differs only in case or spacing is still a rename (the source's spelling wins).
 */
function changesOf(source: CatalogSource, target: CatalogTarget): Changes {
  const out: Changes = {};
  if (source.name.trim() !== String(target.name ?? '').trim()) out.name = source.name.trim();
  const want = address(source.address);
  if (want !== null && want !== address(target.address)) out.address = want;
  return out;
}

export function planCatalog(input: PlanCatalogInput): PlanCatalogOutput {
  const live = input.target.filter((t) => t.is_deleted !== true);
  const byId = new Map(live.map((t) => [String(t.id), t]));
  const byName = new Map<string, CatalogTarget[]>();
  for (const t of live) {
    const key = normalizeName(t.name);
    byName.get(key)?.push(t) ?? byName.set(key, [t]);
  }
  const taken = new Set<string>();
  const out: PlanCatalogOutput = { to_create: [], to_update: [], to_link: [], unchanged: [], counts: {} as PlanCatalogOutput['counts'] };
  const mapping = input.mapping ?? {};
  const pending: CatalogSource[] = [];
  // Mapped sources first, so a name match never steals a target another source is mapped to.
  for (const source of input.source) {
    const stored = mapping[String(source.id)];
    const target = stored === null || stored === undefined ? undefined : byId.get(String(stored));
    if (target === undefined || taken.has(String(target.id))) {
      pending.push(source);
      continue;
    }
    taken.add(String(target.id));
    place(out, source, target, false);
  }
  for (const source of pending) {
    const target = (byName.get(normalizeName(source.name)) ?? []).find((t) => !taken.has(String(t.id)));
    if (target === undefined) {
      out.to_create.push({ source_id: String(source.id), name: source.name.trim(), address: address(source.address) });
      continue;
    }
    taken.add(String(target.id));
    place(out, source, target, true);
  }
  out.counts = {
    source: input.source.length, target: input.target.length, to_create: out.to_create.length,
    to_update: out.to_update.length, to_link: out.to_link.length, unchanged: out.unchanged.length,
  };
  return out;
}

function place(out: PlanCatalogOutput, source: CatalogSource, target: CatalogTarget, link: boolean): void {
  const ids = { source_id: String(source.id), target_id: String(target.id) };
  const changes = changesOf(source, target);
  if (link) out.to_link.push({ ...ids, name: source.name.trim() });
  if (Object.keys(changes).length > 0) {
    out.to_update.push({ ...ids, name: source.name.trim(), address: address(source.address) ?? address(target.address), changes });
  } else if (!link) {
    out.unchanged.push({ ...ids, name: source.name.trim() });
  }
}

const record: JsonSchema = {
  type: 'object', required: ['id', 'name'],
  properties: { id: { type: ['string', 'integer'] }, name: { type: 'string' }, address: { type: ['string', 'object', 'null'] }, is_deleted: { type: ['boolean', 'null'] } },
};

export const planCatalogAction: ActionDef<PlanCatalogInput, PlanCatalogOutput> = {
  title: 'Plan catalog sync',
  description: 'Plans location-sync or department-sync: which GoCo records to create in When I Work, rename or re-address, '
    + 'or link by name (store the mapping). Pure.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['source', 'target'],
    properties: {
      source: { type: 'array', items: record, description: 'GoCo locations or departments: {id, name, address?}.' },
      target: { type: 'array', items: record, description: 'WIW locations or positions.' },
      mapping: { type: 'object', additionalProperties: { type: ['string', 'integer', 'null'] }, description: 'Stored source id -> target id.' },
    },
  },
  output: {
    type: 'object',
    required: ['to_create', 'to_update', 'to_link', 'unchanged', 'counts'],
    properties: {
      to_create: { type: 'array', items: { type: 'object', required: ['source_id', 'name'] } },
      to_update: { type: 'array', items: { type: 'object', required: ['source_id', 'target_id', 'name', 'changes'] } },
      to_link: { type: 'array', items: { type: 'object', required: ['source_id', 'target_id', 'name'] } },
      unchanged: { type: 'array', items: { type: 'object', required: ['source_id', 'target_id', 'name'] } },
      counts: { type: 'object', additionalProperties: { type: 'integer' } },
    },
  },
  run: async (input) => planCatalog(input),
};
