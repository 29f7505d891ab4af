/**
 * One ajv configuration for the whole engine, each schema compiled once: the loader checks literal inputs
 * and the interpreter checks evaluated ones with the same compiled function.
 * - verbose: errors carry their parentSchema, which the loader's "did you mean" suggestions need;
 * - useDefaults: an action receives its input with the schema's defaults filled in (on a copy: see
 *   interpreter/input.ts; whoever validates its own data gets the defaults written into it);
 * - formats (uri, email, date-time) as connector schemas use them.
 *
 * Compiling was most of a CLI command's start-up time, so `npm run build` also writes ajv's standalone code
 * for every schema the engine and the shipped connectors know (scripts/write-validators.js, the same
 * options) next to the compiled file of this module. A schema is looked up there by its content (see
 * schemaKey); one that is not there (running from src/, a connector added since the build) is compiled
 * by ajv, which is loaded only then.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvClass, Options, ValidateFunction } from 'ajv';
import type { JsonSchema } from './types.js';

export const AJV_OPTIONS: Options = { allErrors: true, strict: false, useDefaults: true, verbose: true };

/** The generated module's file name, beside this module in dist/. */
export const STANDALONE_FILE = 'schema-validators.cjs';

const require = createRequire(import.meta.url);
const cache = new WeakMap<object, ValidateFunction>();
let standalone: Record<string, ValidateFunction> | null | undefined;
let ajv: AjvClass | undefined;

/** The export name of a schema's standalone function: a digest of its JSON text (key order included). */
export function schemaKey(schema: JsonSchema): string {
  return 'v' + createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 24);
}

/** An ajv instance with this module's options and formats (the build script compiles with it too). */
export function createAjv(extra: Options = {}): AjvClass {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
  const instance = new Ajv({ ...AJV_OPTIONS, ...extra });
  addFormats(instance);
  return instance;
}

function loadStandalone(): Record<string, ValidateFunction> | null {
  const file = new URL(STANDALONE_FILE, import.meta.url);
  return existsSync(file) ? (require(fileURLToPath(file)) as Record<string, ValidateFunction>) : null;
}

export function validator(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (fn) return fn;
  if (standalone === undefined) standalone = loadStandalone();
  fn = standalone?.[schemaKey(schema)] ?? (ajv ??= createAjv()).compile(schema);
  cache.set(schema, fn);
  return fn;
}
