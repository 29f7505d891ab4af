/**
 * `employee_changed`: one event per employee change, oldest first, found by polling `updated_since`.
 *
 * Cursor: `{ updatedAt, id }` of the last event processed, plain JSON. A poll asks GoCo for employees changed
 * at or after `updatedAt` (the API's bound is inclusive) and keeps only those strictly after the cursor in
 * `(updatedAt, id)` order, so changes sharing a millisecond are neither repeated nor skipped; paging is by key
 * (see pager.ts), so changes made while a poll pages do not shift a record out of sight. Each event carries
 * its own cursor, so a job that stops part way through a batch resumes at the right event.
 *
 * Where a fresh recipe (no cursor) starts:
 * - without `since`: after GoCo's most recent change. The first poll returns no event, only a starting cursor
 *   (the newest `(updatedAt, id)`, or the beginning of time when GoCo has no employee), which the engine
 *   stores; every change after that poll is an event. Existing employees are not events: a change-triggered
 *   recipe installed on a company of 5,000 people should not run 5,000 jobs (all-employees-sync is for that).
 * - with `since`: every employee changed at or after that time, oldest first (a catch-up from a known date).
 *   GoCo keeps each employee's latest state only, so an employee changed twice since then is one event.
 * A stored cursor always wins over `since`.
 */
import type { ActionContext, PollResult, PollTriggerDef, TriggerEvent } from '../../engine/types.js';
import { pageFetcher, timestampInput } from './actions.js';
import type { GocoClient } from './client.js';
import { UserError } from '../../engine/errors.js';
import { employeeSchema, type Employee } from './model.js';
import { walkByUpdate } from './pager.js';
import { BEGINNING, changeKey, normaliseTimestamp, toEmployee, type ChangeKey, type Parsed } from './wire.js';

type Ctx = ActionContext<GocoClient>;

export interface EmployeeChangedInput {
  since?: string;
}

export type ChangeCursor = ChangeKey;

/** How many of the newest records the fresh-start probe reads. */
const TAIL = 5;

function readCursor(cursor: unknown): ChangeCursor | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const c = cursor as Partial<Record<string, unknown>>;
  const updatedAt = typeof cursor === 'object' ? normaliseTimestamp(c.updatedAt) : undefined;
  if (updatedAt === undefined || typeof c.id !== 'string') {
    throw new UserError('GOCO_BAD_CURSOR', 'The stored employee_changed cursor is not {updatedAt, id}', {
      details: { cursor },
      hint: 'Reset the recipe\'s cursor (it then starts at GoCo\'s latest change, or at `since`).',
    });
  }
  return { updatedAt, id: c.id };
}

function toEvent(employee: Employee): TriggerEvent<Employee> {
  const cursor: ChangeCursor = { updatedAt: employee.updatedAt, id: employee.id };
  return { id: `${employee.id}@${employee.updatedAt}`, data: employee, cursor };
}

function warnInvalid(ctx: Ctx, parsed: Exclude<Parsed<Employee>, { ok: true }>): void {
  ctx.logger.warn({ connector: 'goco', record: 'employee', id: parsed.id, reason: parsed.reason }, 'goco: skipped an invalid employee change');
}

/**
 * The starting cursor of a fresh recipe: the key of GoCo's most recent change. Read as the tail of the
 * `updated_since` order (whose total says where the tail is); a tail of a few records so that one record with
 * an unreadable key does not stall the start. An empty GoCo starts at the beginning (id '' sorts first).
 */
async function startingCursor(ctx: Ctx): Promise<ChangeCursor | undefined> {
  const fetch = pageFetcher('employees', ctx);
  const probe = await fetch({ limit: 1, offset: 0, updatedSince: BEGINNING });
  const total = probe.total;
  if (total === 0 || (total === undefined && probe.records.length === 0)) return { updatedAt: BEGINNING, id: '' };
  let tail: unknown[] = [];
  if (total === undefined) {
    // No count to jump with: walk to the end, keeping only the last page.
    const pageSize = ctx.connection.settings.pageSize;
    for await (const chunk of walkByUpdate(fetch, { pageSize, since: BEGINNING, what: 'list employees' })) {
      if (chunk.records.length > 0) tail = chunk.records;
    }
  } else {
    const size = Math.min(total, TAIL);
    tail = (await fetch({ limit: size, offset: total - size, updatedSince: BEGINNING })).records;
  }
  for (let i = tail.length - 1; i >= 0; i--) {
    const key = changeKey(tail[i]);
    if (key !== undefined) return key;
  }
  ctx.logger.warn({ connector: 'goco' }, 'goco: no readable updatedAt among the newest employees; the starting point is decided on the next poll');
  return undefined;
}

export const employeeChanged: PollTriggerDef<EmployeeChangedInput, Employee, GocoClient> = {
  title: 'Employee changed',
  description: 'An event for every change HR makes to a GoCo employee (hire, edit, termination), oldest first. '
    + 'A new recipe starts after the most recent change, or at `since` when given.',
  input: {
    type: 'object',
    additionalProperties: false,
    properties: {
      since: {
        type: 'string',
        minLength: 1,
        description: 'For a recipe with no cursor yet: start with changes at or after this time (ISO 8601 with a time zone). '
          + 'Without it only changes made after the first poll are events. Ignored once a cursor is stored.',
      },
    },
  },
  output: employeeSchema,
  async poll(input, cursor, limit, ctx): Promise<PollResult<Employee>> {
    const after = readCursor(cursor);
    if (after === undefined && input.since === undefined) {
      const cursor = await startingCursor(ctx);
      return cursor === undefined ? { events: [] } : { events: [], cursor };
    }
    const since = after?.updatedAt ?? timestampInput('since', input.since as string);
    if (limit < 1) return { events: [] };
    const events: TriggerEvent<Employee>[] = [];
    const walk = walkByUpdate(pageFetcher('employees', ctx), {
      pageSize: ctx.connection.settings.pageSize, since, after, what: 'list changed employees',
    });
    for await (const chunk of walk) {
      for (const raw of chunk.records) {
        const parsed = toEmployee(raw);
        if (!parsed.ok) {
          warnInvalid(ctx, parsed);
          continue;
        }
        events.push(toEvent(parsed.value));
        if (events.length >= limit) return { events };
      }
    }
    // With `since` and nothing at or after it yet, the same point is where the next poll starts.
    return events.length === 0 && after === undefined ? { events, cursor: { updatedAt: since, id: '' } } : { events };
  },
};
