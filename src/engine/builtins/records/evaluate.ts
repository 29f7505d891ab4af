/** Per-record evaluation shared by the records actions. */
import { RecipeError } from '../../errors.js';
import type { ActionContext } from '../../types.js';

/** `reads`: the top-level names the expression reads (see ActionContext.recordExpression). */
export type RecordFn = ((record: unknown) => unknown) & { reads?: ReadonlySet<string> };

/** The evaluator of a per-record expression of this step's input (see ActionContext.recordExpression). */
export function bind(ctx: ActionContext, source: string, name: string): RecordFn {
  if (ctx.recordExpression === undefined) {
    throw new RecipeError('RECORD_EXPRESSION_UNKNOWN', 'Per-record expressions need a job to run in.', { kind: 'bug' });
  }
  return ctx.recordExpression(source, name);
}

/** The value of `fn` for `record`: synchronous on the fast path, awaited otherwise (one record at a time). */
export function valueOf(fn: RecordFn, record: unknown): unknown {
  return fn(record);
}

export const isPromise = (v: unknown): v is Promise<unknown> => v instanceof Promise;

const NOTHING: readonly unknown[] = Object.freeze([]);

/**
 * One level of lists flattened, null and undefined dropped: the raw keys an expression gave. A list that is
 * already that is returned as it is (read it, do not change it).
 */
export function rawList(value: unknown): readonly unknown[] {
  if (value === undefined || value === null) return NOTHING;
  if (!Array.isArray(value)) return [value];
  let clean = true;
  for (let i = 0; i < value.length && clean; i++) clean = value[i] !== undefined && value[i] !== null && !Array.isArray(value[i]);
  if (clean) return value;
  const out: unknown[] = [];
  for (const v of value) {
    if (Array.isArray(v)) for (const w of v) { if (w !== undefined && w !== null) out.push(w); }
    else if (v !== undefined && v !== null) out.push(v);
  }
  return out;
}

/** The first value of `raw` as rawList reads it (undefined for none); no list is built. */
export function firstRaw(raw: unknown): unknown {
  if (raw === undefined || raw === null || !Array.isArray(raw)) return raw ?? undefined;
  for (const v of raw) {
    if (Array.isArray(v)) { for (const w of v) if (w !== undefined && w !== null) return w; }
    else if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/** The first value of `raw` (one value, or a list as rawList reads it) that `normalise` keeps; no list is built. */
export function firstKept(raw: unknown, normalise: (v: unknown) => string | undefined): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) return normalise(raw);
  for (const v of raw) {
    const k = Array.isArray(v) ? firstKept(v, normalise) : v === undefined || v === null ? undefined : normalise(v);
    if (k !== undefined) return k;
  }
  return undefined;
}
