/**
 * One ajv instance for the whole engine, each schema compiled once: the loader checks literal inputs
 * and the interpreter checks evaluated ones with the same compiled function (compiling is most of a
 * CLI command's start-up time).
 * - verbose: errors carry their parentSchema, which the loader's "did you mean" suggestions need;
 * - useDefaults: an action receives its input with the schema's defaults filled in (on a copy: see
 *   interpreter/input.ts; whoever validates its own data gets the defaults written into it);
 * - formats (uri, email, date-time) as connector schemas use them.
 */
import addFormats from 'ajv-formats';
import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema } from './types.js';

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true });
addFormats.default(ajv);
const cache = new WeakMap<object, ValidateFunction>();

export function validator(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) cache.set(schema, (fn = ajv.compile(schema)));
  return fn;
}
