/**
 * Per-record expressions: an action input field whose schema says `"x-record": "<input key>"` holds an
 * expression the action evaluates once per record (a match key, a mapped field), not once for the step.
 * The loader compiles and checks each where it stands, with the record's name (the literal value of that
 * input key, or its schema default) visible besides what the step sees; the step then hands the action the
 * expression's text, and the action evaluates it through `ctx.recordExpression`, compiled once.
 */
import type { CompiledExpression } from '../expressions/index.js';
import type { JsonSchema } from '../types.js';
import type { Problem } from './problem.js';
import type { YamlSource } from './source.js';

type Path = (string | number)[];

export interface RecordExpressionSite {
  path: Path;
  source: string;
  /** The scope name the record is bound to. */
  name: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

interface Owner { schema: Record<string, unknown>; value: Record<string, unknown> }

/** The record's name: the literal `key` of the nearest enclosing input object that has it, else a schema default. */
function recordName(owners: readonly Owner[], key: string): unknown {
  for (let i = owners.length - 1; i >= 0; i--) if (Object.hasOwn(owners[i]!.value, key)) return owners[i]!.value[key];
  for (let i = owners.length - 1; i >= 0; i--) {
    const props = isObject(owners[i]!.schema.properties) ? owners[i]!.schema.properties as Record<string, unknown> : {};
    const def = props[key];
    if (isObject(def) && def.default !== undefined) return def.default;
  }
  return undefined;
}

/**
 * Finds the per-record expressions in `value` (an action input, as written in YAML) and returns a copy in
 * which each is a literal (the `==` escape), so the step passes its text through unevaluated. Follows
 * `properties`, `items` and `additionalProperties`; the name key is looked up in the nearest enclosing object.
 */
export function findRecordExpressions(
  schema: JsonSchema, value: unknown, base: Path, source: YamlSource, problems: Problem[],
): { value: unknown; sites: RecordExpressionSite[] } {
  const sites: RecordExpressionSite[] = [];
  const walk = (s: unknown, v: unknown, path: Path, owners: readonly Owner[]): unknown => {
    if (!isObject(s)) return v;
    const marker = s['x-record'];
    // A marked value may also be an object whose own marked fields hold the expressions ({ from, normalise }).
    if (typeof marker === 'string' && typeof v === 'string') {
      if (!v.startsWith('=') || v.startsWith('==')) {
        problems.push(source.problem(path, 'must be an expression (starting with =), evaluated for each record', 'INPUT'));
        return v;
      }
      const name = recordName(owners, marker);
      if (typeof name !== 'string' || !NAME.test(name)) {
        problems.push(source.problem([...path.slice(0, -1), marker], `'${marker}' must be a literal name (letters, digits, _) for the record`, 'INPUT'));
        return v;
      }
      sites.push({ path, source: v, name });
      return `=${v}`;
    }
    if (Array.isArray(v) && isObject(s.items)) return v.map((item, i) => walk(s.items, item, [...path, i], owners));
    if (!isObject(v)) return v;
    const props = isObject(s.properties) ? s.properties : {};
    const extra = isObject(s.additionalProperties) ? s.additionalProperties : undefined;
    const inner = [...owners, { schema: s, value: v }];
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(v)) {
      const sub = Object.hasOwn(props, key) ? props[key] : extra;
      const next = walk(sub, item, [...path, key], inner);
      if (next !== item) (copy ??= { ...v })[key] = next;
    }
    return copy ?? v;
  };
  return { value: walk(schema, value, base, []), sites };
}

/** A frozen text -> compiled expression table for one step (what `ctx.recordExpression` reads). */
export function recordTable(entries: Iterable<[string, CompiledExpression]>): Readonly<Record<string, CompiledExpression>> {
  const table: Record<string, CompiledExpression> = Object.create(null) as Record<string, CompiledExpression>;
  for (const [text, expr] of entries) table[text] = expr;
  return Object.freeze(table);
}
