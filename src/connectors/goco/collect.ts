/**
 * Turns a page walk into a list result: each page is parsed as it arrives and only the parsed records are
 * kept. Bad records are logged and reported in `invalid`, never passed on and never fatal. A record seen twice
 * (data shifting under the pages) is kept once, at its first position, with its latest copy.
 */
import type { ActionContext } from '../../engine/types.js';
import type { InvalidRecord, ListResult } from './model.js';
import type { Chunk } from './pager.js';
import type { Parsed } from './wire.js';

export interface CollectOptions<T> {
  parse(raw: unknown): Parsed<T>;
  idOf(value: T): string;
  /** Singular noun for logs: "employee". */
  noun: string;
  /** Whether a parsed record belongs in the result (e.g. leaving terminated employees out). */
  keep?(value: T): boolean;
}

export async function collect<T>(chunks: AsyncIterable<Chunk>, options: CollectOptions<T>, ctx: ActionContext): Promise<ListResult<T>> {
  const byId = new Map<string, T>();
  const invalid: InvalidRecord[] = [];
  let index = 0;
  for await (const chunk of chunks) {
    for (const raw of chunk.records) {
      const parsed = options.parse(raw);
      if (parsed.ok) {
        const id = options.idOf(parsed.value);
        byId.set(id, parsed.value);
      } else {
        const entry: InvalidRecord = { index, reason: parsed.reason, ...(parsed.id === undefined ? {} : { id: parsed.id }) };
        invalid.push(entry);
        ctx.logger.warn({ connector: 'goco', record: options.noun, ...entry }, `goco: skipped an invalid ${options.noun}`);
      }
      index += 1;
    }
    ctx.progress(index, chunk.remaining === undefined ? undefined : index + chunk.remaining);
  }
  const keep = options.keep;
  const items = keep ? [...byId.values()].filter((v) => keep(v)) : [...byId.values()];
  return { items, count: items.length, invalid };
}
