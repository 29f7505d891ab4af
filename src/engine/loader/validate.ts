/**
 * Schema validation with ajv, compiled once per schema, and ajv's errors turned into plain sentences
 * that point at the user's YAML.
 */
import type { ErrorObject } from 'ajv';
import { validator } from '../schema-validator.js';
import type { JsonSchema } from '../types.js';
import { fromPointer, type Problem } from './problem.js';
import type { YamlSource } from './source.js';

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The option within edit distance 2 of `word`, closest first; undefined when none is that close. */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 3;
  for (const option of options) {
    const d = distance(word, option);
    if (d < bestScore) [best, bestScore] = [option, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** A plain sentence for one ajv error, or undefined for errors that only echo others (if/then). */
export function sentence(error: ErrorObject): string | undefined {
  const p = error.params as Record<string, unknown>;
  const schema = error.parentSchema as Record<string, unknown> | undefined;
  switch (error.keyword) {
    case 'required':
      return `missing required key '${String(p.missingProperty)}'`;
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((schema?.properties as object | undefined) ?? {});
      const guess = closest(key, allowed);
      return `unknown key '${key}'` + (guess ? ` (did you mean '${guess}'?)` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : '');
    }
    case 'type': {
      const types = ([] as string[]).concat(p.type as string | string[]);
      return `must be ${types.map(article).join(' or ')}`;
    }
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
      return schema?.description ? `must be ${String(schema.description)}` : `must match ${String(p.pattern)}`;
    case 'propertyNames':
      return `key '${String(p.propertyName)}' is not a valid name`;
    case 'if':
    case 'anyOf':
      return undefined;
    default:
      return error.message;
  }
}

/**
 * Validates `data` (found at `base` inside `source`) and returns one Problem per error. `ignore` tells
 * which instance paths hold expressions, whose value cannot be checked before run time.
 */
export function check(
  schema: JsonSchema,
  data: unknown,
  source: YamlSource,
  base: (string | number)[],
  code: string,
  ignore?: (pointer: string) => boolean,
): Problem[] {
  const fn = validator(schema);
  if (fn(data)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of fn.errors ?? []) {
    if (error.keyword === 'propertyNames' && (error.params as { propertyName?: string }).propertyName === undefined) continue;
    if (ignore?.(error.instancePath) && error.keyword !== 'required' && error.keyword !== 'additionalProperties') continue;
    const message = sentence(error);
    if (!message) continue;
    const rel = fromPointer(error.instancePath);
    let path = [...base, ...rel];
    let atKey = false;
    if (error.keyword === 'additionalProperties') {
      path = [...path, String((error.params as { additionalProperty: string }).additionalProperty)];
      atKey = true;
    } else if (error.keyword === 'propertyNames') {
      path = [...path, String((error.params as { propertyName: string }).propertyName)];
      atKey = true;
    }
    const problem = source.problem(path, message, code, atKey);
    const key = `${problem.path}|${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}
