/** Run-time check of an action's evaluated input against its schema, with defaults applied. */
import { UserError } from '../errors.js';
import type { Step } from '../model.js';
import { validator } from '../schema-validator.js';
import type { JsonSchema } from '../types.js';

export function validateInput(schema: JsonSchema, input: unknown, step: Pick<Step, 'id' | 'where'>): void {
  const fn = validator(schema);
  if (fn(input)) return;
  const problems = (fn.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  throw new UserError('INPUT_INVALID', `Step '${step.id}' got input that does not fit its action: ${problems.join('; ')}`, {
    details: { step: step.where, problems },
  });
}
