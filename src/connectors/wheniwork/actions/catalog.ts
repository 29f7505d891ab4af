/**
 * Locations (WIW "schedules") and positions: list, create, update. Both share one shape - a name plus one
 * descriptive field (a location's address, a position's colour) - so one factory builds both sets.
 */
import type { ActionDef, JsonSchema } from '../../../engine/types.js';
import type { WiwClient } from '../client.js';
import { apiError, badResponse } from '../errors.js';
import { idSchema, locationSchema, positionSchema, text, toId } from '../schemas.js';
import { asRecord } from '../session.js';

export interface CatalogRecord extends Record<string, unknown> {
  id: number;
  name: string;
}

interface Kind {
  /** Path segment and list key, e.g. 'locations'. */
  plural: string;
  /** Single wrapper key, e.g. 'location'. */
  singular: string;
  /** WIW's word for it in messages and titles. */
  label: string;
  /** The optional second field. */
  extra: string;
  extraSchema: JsonSchema;
  record: JsonSchema;
}

interface Fields {
  name?: string | null;
  [extra: string]: unknown;
}

function single(body: unknown, kind: Kind, what: string): CatalogRecord {
  const record = asRecord(asRecord(body)?.[kind.singular]);
  if (record === undefined || record.id === undefined) throw badResponse(what);
  return record as CatalogRecord;
}

function bodyOf(input: Fields, kind: Kind): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const name = text(input.name);
  if (name !== undefined) out.name = name;
  const extra = input[kind.extra];
  if (extra !== null && extra !== undefined) out[kind.extra] = String(extra).trim();
  return out;
}

function catalogActions(kind: Kind): Record<string, ActionDef<any, any, WiwClient>> {
  const list: ActionDef<{ show_deleted?: boolean }, Record<string, CatalogRecord[]>, WiwClient> = {
    title: `List ${kind.plural}`,
    description: `Every ${kind.label} of the workplace in one request.`,
    input: {
      type: 'object', additionalProperties: false,
      properties: { show_deleted: { type: 'boolean', default: false, description: `Include deleted ${kind.plural}.` } },
    },
    output: { type: 'object', required: [kind.plural], properties: { [kind.plural]: { type: 'array', items: kind.record } } },
    async run(input, ctx) {
      let body: unknown;
      try {
        body = await ctx.connection.call({
          path: `/${kind.plural}`, searchParams: { show_deleted: input.show_deleted === true ? true : undefined }, signal: ctx.signal,
        });
      } catch (error) {
        throw apiError(error, `the list of ${kind.plural}`);
      }
      const items = asRecord(body)?.[kind.plural];
      if (!Array.isArray(items)) throw badResponse(`GET /2/${kind.plural}`);
      return { [kind.plural]: items as CatalogRecord[] };
    },
  };
  const create: ActionDef<Fields, CatalogRecord, WiwClient> = {
    title: `Create ${kind.singular}`,
    description: `Creates a ${kind.label}.`,
    writes: true,
    input: {
      type: 'object', additionalProperties: false, required: ['name'],
      properties: { name: { type: 'string', minLength: 1, pattern: '\\S' }, [kind.extra]: kind.extraSchema },
    },
    output: kind.record,
    plan: (input) => ({ id: null, dry_run: true, ...bodyOf(input, kind) }) as unknown as CatalogRecord,
    async run(input, ctx) {
      const json = bodyOf(input, kind);
      try {
        // Not idempotent: a lost reply surfaces as HTTP_AMBIGUOUS and the next sync matches the record by name.
        return single(await ctx.connection.call({ method: 'POST', path: `/${kind.plural}`, json, signal: ctx.signal }), kind, `POST /2/${kind.plural}`);
      } catch (error) {
        throw apiError(error, `the new ${kind.label} ${String(json.name)}`);
      }
    },
  };
  const update: ActionDef<Fields & { id: number | string }, CatalogRecord, WiwClient> = {
    title: `Update ${kind.singular}`,
    description: `Renames a ${kind.label} or changes its ${kind.extra}; null or absent fields are not sent.`,
    writes: true,
    input: {
      type: 'object', additionalProperties: false, required: ['id'],
      properties: { id: idSchema, name: { type: ['string', 'null'] }, [kind.extra]: kind.extraSchema },
    },
    output: kind.record,
    plan: (input) => ({ id: Number(input.id), dry_run: true, ...bodyOf(input, kind) }) as unknown as CatalogRecord,
    async run(input, ctx) {
      const id = toId(input.id);
      try {
        return single(await ctx.connection.call({ method: 'PUT', path: `/${kind.plural}/${id}`, json: bodyOf(input, kind), signal: ctx.signal }),
          kind, `PUT /2/${kind.plural}/{id}`);
      } catch (error) {
        throw apiError(error, `the change to ${kind.label} ${id}`);
      }
    },
  };
  return { [`list_${kind.plural}`]: list, [`create_${kind.singular}`]: create, [`update_${kind.singular}`]: update };
}

export const locationActions = catalogActions({
  plural: 'locations', singular: 'location', label: 'location (schedule)', extra: 'address',
  extraSchema: { type: ['string', 'null'], description: 'Street address, one line.' }, record: locationSchema,
});

export const positionActions = catalogActions({
  plural: 'positions', singular: 'position', label: 'position', extra: 'color',
  extraSchema: { type: ['string', 'null'], pattern: '^#?[0-9a-fA-F]{6}$', description: 'Hex colour, e.g. cc0000.' },
  record: positionSchema,
});
