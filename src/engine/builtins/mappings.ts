/**
 * The built-in `mappings` connector: the package's id mappings (like the hosted platform's lookup
 * tables), e.g. GoCo location id -> WIW location id. Expressions read them as `mappings.<name>`;
 * these actions write them. Needs no connection.
 */
import { UserError } from '../errors.js';
import type { ActionDef, ConnectorDef, Mappings } from '../types.js';

const mappingName = { type: 'string', pattern: '^[a-z][a-z0-9_]*$' };
const key = { type: ['string', 'integer'] };

function name(input: { mapping: string }, declared: ReadonlySet<string>): string {
  if (!declared.has(input.mapping)) {
    throw new UserError('MAPPING_UNDECLARED', `Mapping '${input.mapping}' is not declared under 'mappings' in package.yaml.`);
  }
  return input.mapping;
}

export function mappingsConnector(declared: ReadonlySet<string>): ConnectorDef<Record<string, never>, undefined> {
  const put: ActionDef<{ mapping: string; key: string | number; value: string | number }, { mapping: string; key: string; value: string }> = {
    title: 'Remember a mapping',
    description: 'Stores key -> value in a mapping (for example a GoCo location id -> the WIW location id).',
    input: { type: 'object', additionalProperties: false, required: ['mapping', 'key', 'value'], properties: { mapping: mappingName, key, value: key } },
    output: { type: 'object' },
    writes: true,
    async run(input, ctx) {
      const m = name(input, declared);
      await ctx.mappings.set(m, String(input.key), String(input.value));
      return { mapping: m, key: String(input.key), value: String(input.value) };
    },
  };
  const remove: ActionDef<{ mapping: string; key: string | number }, { removed: boolean }> = {
    title: 'Forget a mapping',
    description: 'Removes a key from a mapping.',
    input: { type: 'object', additionalProperties: false, required: ['mapping', 'key'], properties: { mapping: mappingName, key } },
    output: { type: 'object' },
    writes: true,
    async run(input, ctx) {
      const m = name(input, declared);
      const had = (await ctx.mappings.get(m, String(input.key))) !== undefined;
      await ctx.mappings.delete(m, String(input.key));
      return { removed: had };
    },
  };
  return {
    name: 'mappings',
    title: 'Mappings',
    description: 'Id mappings kept in the state store.',
    connectionless: true,
    settings: { type: 'object' },
    connect: () => undefined,
    actions: { put, remove },
  };
}

/** Wraps the store's mappings so writes also update what expressions read during the same job. */
export async function liveMappings(store: Mappings, names: Iterable<string>): Promise<{ mappings: Mappings; scope: Record<string, Record<string, string>> }> {
  const scope: Record<string, Record<string, string>> = {};
  for (const n of names) scope[n] = { ...(await store.all(n)) };
  const mappings: Mappings = {
    get: (n, k) => store.get(n, k),
    all: (n) => store.all(n),
    async set(n, k, v) {
      await store.set(n, k, v);
      (scope[n] ??= {})[k] = v;
    },
    async delete(n, k) {
      await store.delete(n, k);
      if (scope[n]) delete scope[n][k];
    },
  };
  return { mappings, scope };
}
