/**
 * `foreach`: runs the body once per item, up to `concurrency` at a time. An item's failure either stops
 * the job (`on_item_error: stop`, after the items in flight finish), or is reported and the loop goes on
 * (`continue`); an error whose code is in `break_on` ends the loop but not the job. Either way a job with
 * failed items ends as failed once it has done everything else.
 *
 * A loop that ends early aborts its items' signal (`ActionContext.itemSignal`): requests its items queued and
 * have not sent are dropped, and those items count as not attempted. In a dry run, an item whose writes were
 * planned counts as `planned`, not as succeeded.
 */
import { RecipeError, serializeError, type SerializedError } from '../errors.js';
import type { ForeachStep, Step } from '../model.js';
import { JobStopped, StopSignal, type Scope } from './job-env.js';
import type { Interpreter } from './run-job.js';

export interface ForeachOutput {
  total: number;
  succeeded: number;
  /** Items whose writes were only planned (dry run). */
  planned: number;
  failed: number;
  not_attempted: number;
  /** Why the loop ended early: an error code from `break_on`, or 'error' / 'cancelled'. */
  broken_by?: string;
  failures: { index: number; item: unknown; error: SerializedError }[];
  not_attempted_items: unknown[];
}

/** The HTTP transport's code for a request not attempted because its service stopped answering. */
const CIRCUIT_OPEN = 'CIRCUIT_OPEN';

/** Items between two yields to the event loop. */
const YIELD_EVERY = 256;

const itemSignals = new WeakMap<Scope, AbortSignal>();

/** The signal of the loop item a scope belongs to (nested loops: aborted when any enclosing loop ends early). */
export function itemSignalOf(scope: Scope): AbortSignal | undefined {
  return itemSignals.get(scope);
}

/** Whether `error` was caused, at any depth, by `reason` (the value the loop aborted its items with). */
function causedBy(error: unknown, reason: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e === reason) return true;
  }
  return false;
}

const bodyIds = new WeakMap<ForeachStep, string[]>();

/** Ids of the body's steps whose output lands in the item's scope (the steps of `if` branches included). */
function idsOf(step: ForeachStep): string[] {
  let ids = bodyIds.get(step);
  if (!ids) {
    ids = [];
    const walk = (steps: readonly Step[]) => {
      for (const s of steps) {
        (ids as string[]).push(s.id);
        if (s.kind === 'if') walk([...s.then, ...s.else]);
        if (s.kind === 'try') walk([...s.body, ...s.catch]);
      }
    };
    walk(step.steps);
    bodyIds.set(step, ids);
  }
  return ids;
}

/** A dry-run item is planned when one of its writes was planned (directly or in a nested loop). */
function wasPlanned(step: ForeachStep, itemScope: Scope): boolean {
  return idsOf(step).some((id) => {
    const out = itemScope[id] as { dry_run?: unknown; planned?: unknown } | undefined;
    return !!out && typeof out === 'object' && (out.dry_run === true || (typeof out.planned === 'number' && out.planned > 0));
  });
}

function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A copy of the scope plus the item. Object.assign rather than a spread: V8 gives spread copies maps that do
 * not share transitions, so adding the item and each body step's output built new maps for every item (about
 * 15 us per item, most of a set-only loop's time). Assignment would run the `__proto__` setter where the
 * spread defined a key, so that name keeps the spread.
 */
function itemScopeOf(scope: Scope, as: string, item: unknown): Scope {
  if (as === '__proto__' || Object.hasOwn(scope, '__proto__')) return { ...scope, [as]: item };
  const copy: Scope = Object.assign({}, scope);
  copy[as] = item;
  return copy;
}

export async function runForeach(it: Interpreter, step: ForeachStep, scope: Scope, path: string, record: boolean): Promise<ForeachOutput> {
  const items = toList(await step.items.evaluate(scope));
  const out: ForeachOutput = { total: items.length, succeeded: 0, planned: 0, failed: 0, not_attempted: 0, failures: [], not_attempted_items: [] };
  const { env } = it;
  const ended = new AbortController();
  const outer = itemSignalOf(scope);
  const signal = outer ? AbortSignal.any([outer, ended.signal]) : ended.signal;
  const endReason = new Error('the loop ended early');
  const cancelled: number[] = [];
  const every = Math.max(1, Math.floor(items.length / 100));
  let next = 0;
  let done = 0;
  let halt = false;
  let fatal: unknown;
  let outageOf: string | undefined;

  const runItem = async (index: number) => {
    const itemScope = itemScopeOf(scope, step.as, items[index]);
    if (step.index) itemScope[step.index] = index;
    itemSignals.set(itemScope, signal);
    try {
      await it.runSteps(step.steps, itemScope, `${path}[${index}]`, record && index < env.recordItems);
      if (env.dryRun && wasPlanned(step, itemScope)) out.planned++;
      else out.succeeded++;
    } catch (error) {
      if (error instanceof StopSignal || error instanceof JobStopped) {
        halt = true;
        fatal ??= error;
        ended.abort(endReason);
        return;
      }
      if (signal.aborted && causedBy(error, signal.reason)) {
        cancelled.push(index);
        return;
      }
      out.failed++;
      out.failures.push({ index, item: items[index], error: serializeError(error) });
      const code = error instanceof RecipeError ? error.code : 'INTERNAL';
      if (code === CIRCUIT_OPEN) {
        // The service stopped answering (the connection's circuit is open): the rest would fail the same way.
        it.itemFailures++;
        out.broken_by ??= code;
        outageOf ??= String((error as RecipeError).details.connector ?? '');
        halt = true;
      } else if (step.breakOn.has(code)) {
        it.itemFailures++;
        out.broken_by ??= code;
        halt = true;
      } else if (step.onItemError === 'continue') {
        it.itemFailures++;
      } else {
        out.broken_by ??= 'error';
        halt = true;
        fatal ??= error;
      }
      if (halt) ended.abort(endReason);
    } finally {
      done++;
      if (done % every === 0 || done === items.length) env.onEvent({ type: 'progress', jobId: env.jobId, step: path, done, total: items.length });
    }
  };

  const worker = async () => {
    while (!halt && next < items.length) {
      if (env.signal.aborted || env.stopAfterStep?.aborted) {
        halt = true;
        fatal ??= new JobStopped();
        out.broken_by ??= 'cancelled';
        break;
      }
      await runItem(next++);
      // A loop with no I/O would otherwise never let timers, signals or the serve loop run.
      if (next % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const workers = Math.min(step.concurrency, Math.max(1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));

  for (const i of cancelled.sort((a, b) => a - b)) out.not_attempted_items.push(items[i]);
  for (let i = next; i < items.length; i++) out.not_attempted_items.push(items[i]);
  out.not_attempted = out.not_attempted_items.length;
  if (outageOf !== undefined) it.outage ??= { connector: outageOf, done: out.succeeded, total: out.total };
  if (fatal) throw fatal;
  return out;
}
