/**
 * The built-in `records` connector: general steps over lists of records, for any source and target
 * (README.md in this folder). Pure, no connection. Expressions marked `x-record` are evaluated per record.
 */
import type { ActionDef, ConnectorDef, JsonSchema } from '../../types.js';
import { groupRecords, type GroupInput, type GroupOutput } from './group.js';
import { lookupRecords, type LookupInput, type LookupOutput } from './lookup.js';
import { COMPARISONS, diffRecords, type DiffInput, type DiffOutput } from './diff.js';
import { mapRecords, type MapInput, type MapOutput } from './map.js';
import { matchRecords, type MatchInput, type MatchOutput } from './match.js';
import { NORMALISERS } from './normalise.js';

const name = (def: string, description: string): JsonSchema => ({ type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', default: def, description });
const perRecord = (as: string, description: string): JsonSchema => ({ type: 'string', 'x-record': as, description });
const list: JsonSchema = { type: 'array' };
const region: JsonSchema = { type: 'string', minLength: 2, maxLength: 2, description: 'Region for phones written without a country code, e.g. US.' };
const normalise: JsonSchema = { enum: [...NORMALISERS] };

/** The pair of names the tier expressions use for one source and one target record. */
const recordNames = {
  source_as: name('source', 'The name of one source record in the tier expressions.'),
  target_as: name('target', 'The name of one target record in the tier expressions.'),
};

/** Ordered tiers: a key expression for each side and how keys compare; `extra` adds a step's own options. */
const tiers = (extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'array', minItems: 1,
  items: {
    type: 'object', additionalProperties: false, required: ['name', 'source', 'target', 'normalise'],
    properties: {
      name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
      source: perRecord('source_as', "The source record's key (or a list of keys)."),
      target: perRecord('target_as', "The target record's key (or a list of keys)."),
      normalise,
      ...extra,
    },
  },
});

const match: ActionDef<MatchInput, MatchOutput> = {
  title: 'Match records',
  description: 'Pairs source records with target records through ordered tiers of keys: matched (first tier), to_link (a later tier), '
    + 'unmatched, conflicts with reasons. Pure.',
  input: {
    type: 'object', additionalProperties: false, required: ['tiers'],
    properties: {
      source: { ...list, description: 'The records to find a target for (none when missing).' },
      target: { type: 'array', items: { type: 'object', required: ['id'] }, description: 'The records to find; each has an id (none when missing).' },
      ...recordNames,
      tiers: tiers(),
      where: perRecord('source_as', 'Which source records are looked up; the others are unmatched.'),
      target_where: perRecord('target_as', 'Which targets can be matched at all.'),
      region,
      taken: { ...list, description: 'Target ids matched by an earlier step: a match on one is a conflict.' },
      exclude: { ...list, description: 'Target ids that are never candidates.' },
      others: { ...list, description: 'More source records of this run, not looked up (lists of them too): a target holding one\'s first-tier key is theirs.' },
      several: {
        enum: ['conflict', 'first_free'], default: 'conflict',
        description: 'Several candidates, or one another record took: a conflict, or (first_free) the first candidate not taken yet, in target order; none free is unmatched.',
      },
      source_noun: { type: 'string', default: 'source record' },
      target_noun: { type: 'string', default: 'target record' },
    },
  },
  output: {
    type: 'object', required: ['matched', 'to_link', 'unmatched', 'conflicts', 'taken', 'counts'],
    properties: {
      matched: { type: 'array', items: { type: 'object', required: ['source', 'target', 'tier'] } },
      to_link: { type: 'array', items: { type: 'object', required: ['source', 'target', 'tier'] } },
      unmatched: list,
      conflicts: { type: 'array', items: { type: 'object', required: ['source', 'candidates', 'reason'] } },
      taken: list,
      counts: { type: 'object', additionalProperties: { type: 'integer' } },
    },
  },
  run: (input, ctx) => matchRecords(input, ctx),
};

const map: ActionDef<MapInput, MapOutput> = {
  title: 'Map records',
  description: 'Each record through a field mapping; where (in scope), skip (a reason) and group sort them. Pure.',
  input: {
    type: 'object', additionalProperties: false, required: ['fields'],
    properties: {
      records: list,
      as: name('record', 'The name of one record in the expressions.'),
      fields: {
        type: 'object',
        additionalProperties: {
          type: ['string', 'object'], 'x-record': 'as',
          additionalProperties: false, required: ['from', 'normalise'],
          properties: { from: perRecord('as', 'A value or a list: the first one the normaliser keeps.'), normalise },
        },
      },
      where: perRecord('as', 'Which records are in scope; the others are left_out.'),
      skip: perRecord('as', 'A reason a record in scope cannot be used (skipped), or nothing.'),
      group: perRecord('as', 'The group of a record (groups.<name>).'),
      region,
    },
  },
  output: {
    type: 'object', required: ['items', 'groups', 'left_out', 'skipped', 'counts'],
    properties: { items: list, groups: { type: 'object' }, left_out: list, skipped: list, counts: { type: 'object' } },
  },
  run: (input, ctx) => mapRecords(input, ctx),
};

const diff: ActionDef<DiffInput, DiffOutput> = {
  title: 'Diff records',
  description: 'The listed fields of each current record that differ from the desired ones (missing desired values are never written). Pure.',
  input: {
    type: 'object', additionalProperties: false, required: ['desired', 'current', 'fields'],
    properties: {
      records: list,
      as: name('record', 'The name of one record in the expressions.'),
      desired: perRecord('as', 'The desired fields (an object).'),
      current: perRecord('as', 'The current record (an object).'),
      fields: { type: 'object', additionalProperties: { enum: [...COMPARISONS] }, description: 'Field -> how values compare.' },
      region,
    },
  },
  output: {
    type: 'object', required: ['changed', 'unchanged', 'counts'],
    properties: { changed: { type: 'array', items: { type: 'object', required: ['record', 'changes'] } }, unchanged: list, counts: { type: 'object' } },
  },
  run: (input, ctx) => diffRecords(input, ctx),
};

const group: ActionDef<GroupInput, GroupOutput> = {
  title: 'Group records',
  description: 'Records that share a key, for each key in order; a set of records is listed once, under the first key that groups it. Pure.',
  input: {
    type: 'object', additionalProperties: false, required: ['keys'],
    properties: {
      records: list,
      as: name('record', 'The name of one record in the expressions.'),
      keys: {
        type: 'array', minItems: 1,
        items: {
          type: 'object', additionalProperties: false, required: ['name', 'key', 'normalise'],
          properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' }, key: perRecord('as', "The record's key (or a list of keys)."), normalise },
        },
      },
      where: perRecord('as', 'Which records are grouped at all.'),
      min: { type: 'integer', minimum: 1, default: 2, description: 'The fewest records a group has.' },
      region,
    },
  },
  output: {
    type: 'object', required: ['groups', 'counts'],
    properties: { groups: { type: 'array', items: { type: 'object', required: ['key', 'value', 'records'] } }, counts: { type: 'object' } },
  },
  run: (input, ctx) => groupRecords(input, ctx),
};

const lookup: ActionDef<LookupInput, LookupOutput> = {
  title: 'Look up records',
  description: 'Every target each source record fits, by any tier, with the tiers that found it: what a report lists (it decides nothing). Pure.',
  input: {
    type: 'object', additionalProperties: false, required: ['tiers'],
    properties: {
      source: list,
      target: { type: 'array', items: { type: 'object' } },
      ...recordNames,
      tiers: tiers({ unlinked: { type: 'boolean', default: false, description: "Only targets not linked (by the first tier's key) to another source record." } }),
      target_where: perRecord('target_as', 'Which targets are looked at at all.'),
      region,
    },
  },
  output: {
    type: 'object', required: ['found', 'counts'],
    properties: { found: { type: 'array', items: { type: 'object', required: ['source', 'candidates', 'tiers'] } }, counts: { type: 'object' } },
  },
  run: (input, ctx) => lookupRecords(input, ctx),
};

export const recordsConnector: ConnectorDef<Record<string, never>, undefined> = {
  name: 'records',
  title: 'Records',
  description: 'Match, map, diff, group and look up lists of records.',
  connectionless: true,
  settings: { type: 'object' },
  connect: () => undefined,
  actions: { match, map, diff, group, lookup },
};
