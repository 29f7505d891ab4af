/**
 * Walking GoCo's offset-paginated lists while HR may be changing the data.
 * Each page's raw records are yielded and dropped, so a caller keeps only what it parsed.
 *
 * Offset pages are cut from live data, so a change between two requests shifts records across a boundary:
 *
 * - `walkByOffset` (lists in id order): a hire with a smaller id shifts records right, so one may come twice
 *   (callers de-duplicate by id, keeping the later copy); nothing is lost unless records are deleted, which
 *   GoCo's model does not do (terminations are a status). It stops at a short or empty page, or once
 *   `offset + page` reaches the page's own `total` (which may grow or shrink as it goes).
 *
 * - `walkByUpdate` (employees by `updatedAt`, then `id`): here a change moves a record to the end, shifting
 *   every later record left, which plain offsets would turn into a silently skipped record. So it pages by
 *   key instead: the next request asks `updated_since = <last updatedAt seen>` with the offset inside that
 *   one timestamp, starting one record early (and asking one more); that first record must be the last one
 *   seen. If it is not,
 *   something shifted, and the timestamp is re-read from its start, dropping what was already yielded (keys
 *   at or before the last one). Records older than the last timestamp cannot shift anything, since the
 *   server no longer counts them. A page must be in key order, or the walk fails rather than guess.
 */
import { badResponse } from './errors.js';
import { changeKey, normaliseTimestamp, recordId, type ChangeKey, type Page, type PageRequest } from './wire.js';

export type FetchPage = (request: PageRequest) => Promise<Page>;

export interface Chunk {
  /** Raw records not yielded before, in server order. */
  records: unknown[];
  /** Records the server still has beyond this page (estimate); undefined when it gave no total. */
  remaining: number | undefined;
}

export function compareKeys(a: ChangeKey, b: ChangeKey): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function remainingAfter(page: Page, consumed: number): number | undefined {
  return page.total === undefined ? undefined : Math.max(0, page.total - consumed);
}

function isLast(page: Page, consumed: number): boolean {
  return page.records.length === 0 || page.records.length < page.limit || (page.total !== undefined && consumed >= page.total);
}

/** Pages of an id-ordered list requested ahead of the one being read (the transport's queue bounds them). */
const READ_AHEAD = 3;

export async function* walkByOffset(fetch: FetchPage, pageSize: number, what: string, readAhead = READ_AHEAD): AsyncGenerator<Chunk> {
  let offset = 0;
  let previousFirst: string | undefined;
  let firstTotal: number | undefined;
  let changed = false;
  // Offsets of pages already requested; with latency per call, reading 100 pages one after the other
  // would cost 100 round trips. Each page is still cut by its own offset, exactly as a sequential walk.
  const ahead = new Map<number, Promise<Page>>();
  const request = (at: number): Promise<Page> => {
    const page = fetch({ limit: pageSize, offset: at });
    page.catch(() => undefined); // awaited later, or dropped when the walk ends first
    return page;
  };
  for (;;) {
    const page = await (ahead.get(offset) ?? request(offset));
    ahead.delete(offset);
    const first = recordId(page.records[0]);
    // A server that ignores `offset` would otherwise be read forever.
    if (offset > 0 && first !== undefined && first === previousFirst) {
      throw badResponse(what, `offset ${offset} returned the same page again`);
    }
    previousFirst = first;
    firstTotal ??= page.total;
    if (page.total !== firstTotal) changed = true;
    const consumed = offset + page.records.length;
    if (readAhead > 0 && !isLast(page, consumed) && page.total !== undefined) {
      // Only pages the server says exist: a stable list costs exactly its pages.
      for (let k = 0, at = consumed; k < readAhead && at < page.total; k++, at += page.limit) {
        if (!ahead.has(at)) ahead.set(at, request(at));
      }
    }
    yield { records: page.records, remaining: remainingAfter(page, consumed) };
    if (isLast(page, consumed)) break;
    offset = consumed;
  }
  // Pages read ahead may be served out of order, so a hire during the walk could shift a record past
  // every page that asked for it. When the list changed, read it once more in order (callers keep the
  // later copy of a record seen twice).
  if (changed && readAhead > 0) yield* walkByOffset(fetch, pageSize, what, 0);
}

export interface UpdateWalk {
  pageSize: number;
  /** Inclusive lower bound on `updatedAt`. */
  since: string;
  /** Only records strictly after this key are yielded (a trigger cursor). */
  after?: ChangeKey | undefined;
  what: string;
}

/** Re-reads allowed per walk before giving up on data that keeps shifting (or a server ignoring offsets). */
const MAX_REREADS = 20;

export async function* walkByUpdate(fetch: FetchPage, walk: UpdateWalk): AsyncGenerator<Chunk> {
  let since = normaliseTimestamp(walk.since) ?? walk.since;
  let after = walk.after;
  let offset = 0; // position, in the `since` query, of the next record wanted
  let overlap: ChangeKey | undefined; // the record expected just before `offset`
  let rereads = 0;
  let verify = true; // false once the server serves pages too small to hold the overlap and a new record
  for (;;) {
    const start = overlap ? offset - 1 : offset;
    // The overlap record is extra: ask for one more so a page still brings `pageSize` new records.
    const page = await fetch({ limit: overlap ? walk.pageSize + 1 : walk.pageSize, offset: start, updatedSince: since });
    let records = page.records;
    if (overlap && page.limit < 2) {
      verify = false;
    } else if (overlap) {
      const first = changeKey(records[0]);
      if (first === undefined || compareKeys(first, overlap) !== 0) {
        if (++rereads > MAX_REREADS) throw badResponse(walk.what, `pages kept shifting; re-read ${MAX_REREADS} times`);
        offset = 0;
        overlap = undefined;
        continue;
      }
      records = records.slice(1);
    }
    checkOrder(page.records, walk.what);
    const fresh = after === undefined ? records : records.filter((r) => {
      const key = changeKey(r);
      return key === undefined || compareKeys(key, after as ChangeKey) > 0;
    });
    const consumed = start + page.records.length;
    yield { records: fresh, remaining: remainingAfter(page, consumed) };
    if (isLast(page, consumed)) return;
    const last = changeKey(page.records[page.records.length - 1]);
    if (last === undefined) {
      // No key to verify against: step on by offset alone.
      offset = consumed;
      overlap = undefined;
      continue;
    }
    if (after === undefined || compareKeys(last, after) > 0) after = last;
    if (!verify) {
      offset = consumed;
      overlap = undefined;
      continue;
    }
    if (last.updatedAt === since) {
      offset = consumed;
    } else {
      since = last.updatedAt;
      offset = page.records.filter((r) => changeKey(r)?.updatedAt === last.updatedAt).length;
    }
    overlap = last;
  }
}

function checkOrder(records: unknown[], what: string): void {
  let previous: ChangeKey | undefined;
  for (const record of records) {
    const key = changeKey(record);
    if (key === undefined) continue;
    if (previous !== undefined && compareKeys(key, previous) < 0) {
      throw badResponse(what, 'employees were not sorted by updatedAt then id', { before: previous, after: key });
    }
    previous = key;
  }
}
