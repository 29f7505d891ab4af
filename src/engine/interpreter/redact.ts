/**
 * What may be stored or shown of a value: secrets replaced, size capped. Used for job step records and
 * job events; logs use pino's own redaction with the same key list.
 */
export const SECRET_KEY_PATTERN = /pass(word|wd)?$|secret|token|api[_-]?key|authorization|^w-key$|^cookie$/i;
export const REDACTED = '[redacted]';

/** Largest stored JSON of one step input or output; larger values keep a preview. */
export const RECORD_CAP_BYTES = 16 * 1024;

function scrub(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const s of secrets) if (s && out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
  if (!value || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY_PATTERN.test(k) && v !== null && v !== undefined && v !== '' ? REDACTED : scrub(v, secrets, depth + 1);
  }
  return out;
}

function hasSecretKey(json: string): boolean {
  return /"[^"]*(pass(word|wd)?|secret|token|api[_-]?key|authorization|w-key|cookie)"\s*:/i.test(json);
}

/** Returns a JSON-safe copy fit to store: no secret values, no secret-named keys, at most RECORD_CAP_BYTES. */
export function forRecord(value: unknown, secrets: readonly string[], cap = RECORD_CAP_BYTES): unknown {
  if (value === undefined) return undefined;
  let json: string;
  try {
    json = JSON.stringify(value) ?? 'null';
  } catch {
    return { unserializable: true };
  }
  let clean: unknown = value;
  if (hasSecretKey(json) || secrets.some((s) => s && json.includes(s))) {
    clean = scrub(value, secrets, 0);
    json = JSON.stringify(clean);
  }
  if (json.length <= cap) return JSON.parse(json);
  return { truncated: true, bytes: json.length, preview: json.slice(0, cap) };
}

/** Replaces secret values inside a message (errors from third parties may echo what they were sent). */
export function scrubText(text: string, secrets: readonly string[]): string {
  return scrub(text, secrets, 0) as string;
}
