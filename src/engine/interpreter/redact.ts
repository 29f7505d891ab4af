/**
 * What may be stored or shown of a value: secrets replaced, size capped. Used for job step records, job
 * summaries and errors, and (through withoutSecrets) every log record: one list of secret-looking keys.
 */
/** Keys whose values are never stored, shown or logged, whatever the value. */
export const SECRET_KEY_PATTERN = /pass(word|wd)?$|secret|token|api[_-]?key|authorization|^w-key$|^cookie$|^set-cookie$/i;
export const REDACTED = '[redacted]';

/** Largest stored JSON of one step input or output; larger values keep a preview. */
export const RECORD_CAP_BYTES = 16 * 1024;
/** Items of a long list kept in a record; the rest are counted. */
const LIST_KEEP = 20;
const STRING_KEEP = 2048;
const DEPTH_KEEP = 12;

/**
 * A small copy of `value` for a record: long lists cut to their first items (with a count of the rest),
 * long strings cut, secret-named keys and secret values replaced. Never walks more than it keeps, so a
 * 100,000-employee list costs as much as a 20-employee one.
 */
function shrink(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') {
    let out = value.length > STRING_KEEP ? `${value.slice(0, STRING_KEEP)}... (${value.length} characters)` : value;
    for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (depth >= DEPTH_KEEP) return '(nested too deep)';
  if (Array.isArray(value)) {
    const kept = value.slice(0, LIST_KEEP).map((v) => shrink(v, secrets, depth + 1) ?? null);
    if (value.length > LIST_KEEP) kept.push(`... and ${value.length - LIST_KEEP} more (${value.length} in all)`);
    return kept;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY_PATTERN.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : shrink(v, secrets, depth + 1);
  }
  return out;
}

/** Returns a JSON-safe copy fit to store: no secret values, no secret-named keys, at most `cap` bytes of JSON. */
export function forRecord(value: unknown, secrets: readonly string[], cap = RECORD_CAP_BYTES): unknown {
  if (value === undefined) return undefined;
  const small = shrink(value, secrets, 0);
  let json: string;
  try {
    json = JSON.stringify(small) ?? 'null';
  } catch {
    return { unserializable: true };
  }
  if (json.length <= cap) return small;
  return { truncated: true, bytes: json.length, preview: json.slice(0, cap) };
}

/**
 * The whole value with secret values and secret-named keys replaced, nothing cut: for what a job keeps
 * whole (its summary and error), where a recipe author might have put a property by mistake. Copies only
 * the objects and lists on the way to a replacement; the rest is returned as it is, because a summary can
 * list 70,000 people and a second copy of them was the job's largest allocation.
 */
export function withoutSecrets(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const clean = withoutSecrets(item, secrets);
      if (out === undefined && clean !== item) out = value.slice(0, i);
      out?.push(clean);
    }
    return out ?? value;
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = source[k];
    const clean = SECRET_KEY_PATTERN.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : withoutSecrets(v, secrets);
    if (out === undefined && clean !== v) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j] as string] = source[keys[j] as string];
    }
    if (out !== undefined) out[k] = clean;
  }
  return out ?? value;
}

/** Replaces secret values inside a message (errors from third parties may echo what they were sent). */
export function scrubText(text: string, secrets: readonly string[]): string {
  return shrink(text, secrets, 0) as string;
}
