/**
 * Run-time check of an action's evaluated input against its schema, with defaults applied. The evaluated
 * input shares objects with the job scope (a whole-value expression hands over an earlier step's output
 * as is), so the schema's defaults go into a copy: the scope is never written to. Only the objects on the
 * way to a default are copied, as inputs can hold a whole employee list.
 */
import { UserError } from '../errors.js';
import type { Step } from '../model.js';
import { validator } from '../schema-validator.js';
import type { JsonSchema } from '../types.js';

export function validateInput(schema: JsonSchema, input: unknown, step: Pick<Step, 'id' | 'where'>): unknown {
  const fn = validator(schema);
  const copy = copyForDefaults(schema, input);
  if (fn(copy)) return copy;
  const problems = (fn.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  throw new UserError('INPUT_INVALID', `Step '${step.id}' got input that does not fit its action: ${problems.join('; ')}`, {
    details: { step: step.where, problems },
  });
}

const reachesDefault = new WeakMap<object, boolean>();

/** Whether ajv could write a default somewhere under this schema (a `$ref` counts, to stay on the safe side). */
function hasDefault(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const known = reachesDefault.get(schema);
  if (known !== undefined) return known;
  reachesDefault.set(schema, false);
  const s = schema as Record<string, unknown>;
  const found = 'default' in s || '$ref' in s || Object.values(s).some((v) => (Array.isArray(v) ? v.some(hasDefault) : hasDefault(v)));
  reachesDefault.set(schema, found);
  return found;
}

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * A copy of `value` in which every object ajv may add a default to is new. Follows `properties` and `items`;
 * anything else that leads to a default (combinators, additional properties, refs) gets a deep copy.
 */
function copyForDefaults(schema: JsonSchema, value: unknown): unknown {
  if (!hasDefault(schema) || !value || typeof value !== 'object') return value;
  const s = schema as Record<string, unknown>;
  const others = Object.entries(s).some(([k, v]) => k !== 'properties' && k !== 'items' && k !== 'default' && hasDefault(v));
  if (others) return structuredClone(value);
  if (Array.isArray(value)) {
    const items = s.items;
    return isPlain(items) && hasDefault(items) ? value.map((v) => copyForDefaults(items as JsonSchema, v)) : value;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const props = isPlain(s.properties) ? s.properties : {};
  for (const [key, sub] of Object.entries(props)) {
    if (key in copy && hasDefault(sub)) copy[key] = copyForDefaults(sub as JsonSchema, copy[key]);
  }
  return copy;
}
