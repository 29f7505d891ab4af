/**
 * One tick of a started recipe's trigger: a poll runs each new event as a job (oldest first, the cursor
 * moving after each), a schedule runs one job. The same tick runs in `serve` (its own timer) and in a worker
 * (a tick `serve` queued). Consecutive failures are counted in the store; after `maxFailures` the recipe
 * stops itself, with the reason kept.
 */
import { serializeError, type SerializedError } from '../errors.js';
import type { RecipeModel } from '../model.js';
import { RunRefused } from './lease.js';
import type { Runtime } from './runtime.js';

export interface TickOptions {
  /** Ends the tick after the job in flight (shutdown, or the recipe was stopped). */
  stop: AbortSignal;
  /** What each job runs with. */
  job: { stopAfterStep?: AbortSignal; signal?: AbortSignal };
  /** @default 5 */
  maxFailures?: number;
  onFailure?(count: number, max: number, error: SerializedError): void;
}

export type TickResult =
  /** `more`: a full batch was polled, more events are waiting. */
  | { kind: 'ran'; more: boolean }
  /** Another process runs the recipe: nothing ran, the cursor stays. */
  | { kind: 'busy' }
  /** `halted`: the recipe stopped itself with this reason. */
  | { kind: 'failed'; error: SerializedError; halted?: string };

export async function runTick(rt: Runtime, recipe: RecipeModel, o: TickOptions): Promise<TickResult> {
  const t = recipe.trigger;
  let more = false;
  try {
    if (t.type === 'poll') {
      const events = await rt.poll(recipe, t.batch);
      for (const event of events) {
        if (o.stop.aborted) break;
        const job = await rt.runEvent(recipe, event, o.job);
        if (job.status === 'stopped') break;
      }
      more = events.length === t.batch;
    } else {
      await rt.execute(recipe, { type: 'schedule', at: new Date().toISOString() }, o.job);
    }
    await rt.clearTriggerFailures(recipe.name);
    return { kind: 'ran', more };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === RunRefused.BUSY || code === RunRefused.EVENT_DONE) {
      rt.logger.info({ recipe: recipe.name, code }, 'recipe busy elsewhere; trying at the next tick');
      return { kind: 'busy' };
    }
    const count = await rt.noteTriggerFailure(recipe.name);
    const err = serializeError(error);
    rt.logger.warn({ recipe: recipe.name, err, count }, 'trigger failed');
    const max = o.maxFailures ?? 5;
    o.onFailure?.(count, max, err);
    if (count < max) return { kind: 'failed', error: err };
    const reason = `Stopped after ${count} consecutive trigger failures; last: ${err.code}: ${err.message}`;
    await rt.stop(recipe.name, reason);
    rt.emit('recipe:halted', { recipe: recipe.name, reason, failures: count, error: { code: err.code, message: err.message } });
    return { kind: 'failed', error: err, halted: reason };
  }
}
