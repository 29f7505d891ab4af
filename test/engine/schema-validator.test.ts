/**
 * The standalone validators `npm run build` writes (scripts/write-validators.js) stand in for ajv compiling
 * the same schemas at start-up, so they must answer exactly as ajv does: verdict, errors (with the
 * parentSchema the loader's suggestions read) and the defaults written into the data. Needs the build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import fc from 'fast-check';
import { parse } from 'yaml';
import { connectors } from '../../src/connectors/index.js';
import { knownSchemas } from '../../src/engine/loader/schema-list.js';
import { stepSchemas } from '../../src/engine/loader/schemas.js';
import { createAjv, schemaKey, STANDALONE_FILE } from '../../src/engine/schema-validator.js';
import type { JsonSchema } from '../../src/engine/types.js';
import type { ValidateFunction } from 'ajv';

const built = `../../dist/src/engine/${STANDALONE_FILE}`;

function standalone(): Record<string, ValidateFunction> {
  try {
    return createRequire(import.meta.url)(built) as Record<string, ValidateFunction>;
  } catch (error) {
    throw new Error(`${built} is missing or broken: run \`npm run build\` first (${(error as Error).message})`);
  }
}

/** Every document of the shipped package and of the test packages, and each step of their recipes. */
function sampleDocs(): unknown[] {
  const docs: unknown[] = [];
  const steps = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const s of list) {
      docs.push(s);
      if (s && typeof s === 'object') for (const key of ['then', 'else', 'steps', 'try', 'catch']) steps((s as Record<string, unknown>)[key]);
    }
  };
  for (const dir of ['recipes/wiw-provisioning', 'test/fixtures/packages/valid']) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const doc = parse(readFileSync(`${dir}/${file}`, 'utf8')) as Record<string, unknown>;
      docs.push(doc, doc.settings, (doc.trigger as Record<string, unknown> | undefined)?.input);
      steps(doc.steps);
    }
  }
  return docs.filter((d) => d !== undefined);
}

type Json = unknown;

/** `doc` with the value at one path replaced (or a key added): errors from deep inside the schemas too. */
function mutate(doc: Json, path: number[], value: Json): Json {
  if (path.length === 0 || doc === null || typeof doc !== 'object') return value;
  const copy: Record<string, Json> | Json[] = Array.isArray(doc) ? [...doc] : { ...(doc as Record<string, Json>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return Array.isArray(copy) ? [value] : { ...copy, extra_key: value };
  const key = keys[(path[0] as number) % keys.length] as string;
  (copy as Record<string, Json>)[key] = mutate((copy as Record<string, Json>)[key], path.slice(1), value);
  return copy;
}

function outcome(fn: ValidateFunction, data: Json): { valid: boolean; errors: unknown; data: Json } {
  const copy = structuredClone(data);
  const valid = fn(copy) as boolean;
  return { valid, errors: fn.errors ?? null, data: copy };
}

describe('standalone schema validators (written by the build)', () => {
  const schemas = knownSchemas(connectors);

  it('has a function for every schema the package format, the built-ins and the shipped connectors use', () => {
    const fns = standalone();
    const missing = schemas.filter((s) => typeof fns[schemaKey(s)] !== 'function').map((s) => JSON.stringify(s).slice(0, 80));
    expect(missing).to.deep.equal([]);
    expect(schemas.length).to.be.greaterThan(Object.keys(stepSchemas).length + 3);
  });

  it('gives the verdict, errors and defaults ajv gives, for real documents and mutations of them', () => {
    const fns = standalone();
    const ajv = createAjv();
    const compiled = new Map<JsonSchema, ValidateFunction>(schemas.map((s) => [s, ajv.getSchema(schemaKey(s)) ?? (ajv.addSchema(s, schemaKey(s)), ajv.getSchema(schemaKey(s)) as ValidateFunction)]));
    const docs = sampleDocs();
    let invalid = 0;
    fc.assert(
      fc.property(fc.constantFrom(...schemas), fc.constantFrom(...docs, {}, []), fc.array(fc.nat(20), { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), (schema, doc, path, value) => {
        const data = mutate(doc, path, value);
        const expected = outcome(compiled.get(schema) as ValidateFunction, data);
        if (!expected.valid) invalid++;
        expect(outcome(fns[schemaKey(schema)] as ValidateFunction, data)).to.deep.equal(expected);
      }),
      { numRuns: 3000, seed: 16 },
    );
    for (const schema of schemas) {
      for (const doc of docs) expect(outcome(fns[schemaKey(schema)] as ValidateFunction, doc)).to.deep.equal(outcome(compiled.get(schema) as ValidateFunction, doc));
    }
    expect(invalid).to.be.greaterThan(100);
  });
});
