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
 * - with `since`: every employee changed at or after that time, oldest first;
 * - without: at GoCo's most recent change. The first poll returns exactly one event, the employee changed
 *   last, and every later change follows it. Not "nothing": the engine stores a cursor only from a processed
 *   event, so a first poll returning nothing could not remember where "now" was, and every later poll (and
 *   every `recipes test` in a new process) would start "now" again and never see a change. Processing the
 *   newest employee once more is harmless for a sync that applies GoCo's current state.
 * A stored cursor always wins over `since`.
 */
import type { ActionContext, PollTriggerDef, TriggerEvent } from '../../engine/types.js';
import { pageFetcher, timestampInput } from './actions.js';
import type { GocoClient } from './client.js';
import { UserError } from '../../engine/errors.js';
import { employeeSchema, type Employee } from './model.js';
import { walkByUpdate } from './pager.js';
import { BEGINNING, normaliseTimestamp, toEmployee, type ChangeKey, type Parsed } from './wire.js';

type Ctx = ActionContext<GocoClient>;

export interface EmployeeChangedInput {
  since?: string;
}

export type ChangeCursor = ChangeKey;

/** How many of the newest records the fresh-start probe reads, so one bad newest record does not stall it. */
const TAIL = 5;

function readCursor(cursor: unknown): ChangeCursor | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const c = cursor as Partial<Record<string, unknown>>;
  const updatedAt = typeof cursor === 'object' ? normaliseTimestamp(c.updatedAt) : undefined;
  if (updatedAt === undefined || typeof c.id !== 'string' || c.id === '') {
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

/** The most recent valid change, as the one event of a fresh start. */
async function newest(ctx: Ctx): Promise<TriggerEvent<Employee>[]> {
  const fetch = pageFetcher('employees', ctx);
  const probe = await fetch({ limit: 1, offset: 0, updatedSince: BEGINNING });
  const total = probe.total;
  if (total === 0 || (total === undefined && probe.records.length === 0)) return [];
  let tail: unknown[];
  if (total === undefined) {
    // No count to jump with: walk to the end, keeping only the last page.
    tail = [];
    const pageSize = ctx.connection.settings.pageSize;
    for await (const chunk of walkByUpdate(fetch, { pageSize, since: BEGINNING, what: 'list employees' })) {
      if (chunk.records.length > 0) tail = chunk.records;
    }
  } else {
    const size = Math.min(total, TAIL);
    tail = (await fetch({ limit: size, offset: total - size, updatedSince: BEGINNING })).records;
  }
  for (let i = tail.length - 1; i >= 0; i--) {
    const parsed = toEmployee(tail[i]);
    if (parsed.ok) return [toEvent(parsed.value)];
    warnInvalid(ctx, parsed);
  }
  return [];
}

export const employeeChanged: PollTriggerDef<EmployeeChangedInput, Employee, GocoClient> = {
  title: 'Employee changed',
  description: 'An event for every change HR makes to a GoCo employee (hire, edit, termination), oldest first. '
    + 'A new recipe starts at the most recent change (one event for it), or at `since` when given.',
  input: {
    type: 'object',
    additionalProperties: false,
    properties: {
      since: {
        type: 'string',
        minLength: 1,
        description: 'For a recipe with no cursor yet: start with changes at or after this time (ISO 8601 with a time zone). '
          + 'Without it the recipe starts at the most recent change. Ignored once a cursor is stored.',
      },
    },
  },
  output: employeeSchema,
  async poll(input, cursor, limit, ctx) {
    const after = readCursor(cursor);
    if (limit < 1) return [];
    if (after === undefined && input.since === undefined) return newest(ctx);
    const since = after?.updatedAt ?? timestampInput('since', input.since as string);
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
        if (events.length >= limit) return events;
      }
    }
    return events;
  },
};
