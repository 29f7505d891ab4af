/** Run-time check of an action's evaluated input against its schema, with defaults applied. */
import addFormats from 'ajv-formats';
import { Ajv, type ValidateFunction } from 'ajv';
import { UserError } from '../errors.js';
import type { Step } from '../model.js';
import type { JsonSchema } from '../types.js';

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
// Formats (uri, email, date-time) as connector schemas use them.
addFormats.default(ajv);
const cache = new WeakMap<object, ValidateFunction>();

export function compiled(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) cache.set(schema, (fn = ajv.compile(schema)));
  return fn;
}

export function validateInput(schema: JsonSchema, input: unknown, step: Pick<Step, 'id' | 'where'>): void {
  const fn = compiled(schema);
  if (fn(input)) return;
  const problems = (fn.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  throw new UserError('INPUT_INVALID', `Step '${step.id}' got input that does not fit its action: ${problems.join('; ')}`, {
    details: { step: step.where, problems },
  });
}
