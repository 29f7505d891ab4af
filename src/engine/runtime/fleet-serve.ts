/**
 * `recipes serve --queue`: the triggers of every project's started recipes, queued for the workers instead
 * of run here. Any number of these may run, on any machines: each tick is queued with the recipe's
 * singleton key for its interval's slot, so pg-boss keeps one per slot however many processes queue it.
 * Which recipes are started is read from the store every `watchMs`, so starts and stops made anywhere
 * take effect without a restart.
 */
import { serializeError } from '../errors.js';
import type { JobQueue } from '../queue/job-queue.js';
import { sleep } from '../sleep.js';
import type { Fleet } from './fleet.js';
import { DAY_MS, type PruneReport } from './retention.js';

export interface FleetServeOptions {
  signal: AbortSignal;
  /** @default 1000 */
  watchMs?: number;
  /** A tick was queued by this process (another process may have queued the slot's tick first). */
  onTick?(project: string, recipe: string): void;
  /** The set of started recipes changed. */
  onRecipes?(started: { project: string; recipe: string }[]): void;
  /** The database stopped answering (`lost`, once) or answers again (`back`). */
  onDatabase?(state: 'lost' | 'back', reason?: string): void;
  /** How often every project's job history is pruned (as `serve` does its own). @default 24 h; 0: never */
  pruneEveryMs?: number;
  /** A project's history was pruned (only when something was deleted). */
  onPrune?(project: string, report: PruneReport): void;
}

export async function serveFleet(fleet: Fleet, queue: JobQueue, o: FleetServeOptions): Promise<void> {
  const pruning = pruneLoop(fleet, o);
  try {
    await queueTicks(fleet, queue, o);
  } finally {
    await pruning;
  }
}

/**
 * Every project's job history, at start and then every pruneEveryMs (each project's job_retention_days);
 * a failure is logged and tried again next time. Several `serve --queue` may prune at once: harmless.
 */
async function pruneLoop(fleet: Fleet, o: FleetServeOptions): Promise<void> {
  const every = o.pruneEveryMs ?? DAY_MS;
  while (every > 0 && !o.signal.aborted) {
    for (const project of await fleet.projects().catch(() => [])) {
      if (o.signal.aborted) return;
      try {
        const report = await (await fleet.runtime(project)).pruneJobs();
        if (report.jobs > 0) o.onPrune?.(project, report);
      } catch (error) {
        fleet.logger.error({ project, err: serializeError(error) }, 'pruning job history failed; trying again at the next prune');
      }
    }
    await sleep(every, o.signal);
  }
}

async function queueTicks(fleet: Fleet, queue: JobQueue, o: FleetServeOptions): Promise<void> {
  /** The slot each recipe's last tick was queued for, by `project\nrecipe`. */
  const slots = new Map<string, number>();
  let seen = '';
  let down = false;
  while (!o.signal.aborted) {
    try {
      // Asked first: the store waits for a database that went away (to carry jobs over a restart), the queue says so.
      await queue.ping();
      const started = await fleet.startedRecipes();
      const key = started.map((s) => `${s.project}\n${s.recipe}`).join('\n');
      if (key !== seen) {
        seen = key;
        o.onRecipes?.(started);
      }
      for (const { project, recipe } of started) {
        const every = await interval(fleet, project, recipe);
        if (every === undefined) continue;
        const slot = Math.floor(Date.now() / every);
        const id = `${project}\n${recipe}`;
        if (slots.get(id) === slot) continue;
        if (await queue.sendTick(project, recipe, every / 1000)) o.onTick?.(project, recipe);
        slots.set(id, slot);
      }
      if (down) o.onDatabase?.('back');
      down = false;
    } catch (error) {
      if (!down) o.onDatabase?.('lost', serializeError(error).message);
      down = true;
    }
    await sleep(o.watchMs ?? 1000, o.signal);
  }
}

/** A poll's or schedule's interval in ms; undefined for other triggers or a project that no longer loads. */
async function interval(fleet: Fleet, project: string, name: string): Promise<number | undefined> {
  try {
    const rt = await fleet.runtime(project);
    const t = rt.recipe(name).trigger;
    return t.type === 'poll' || t.type === 'schedule' ? Math.max(1000, t.everyMs) : undefined;
  } catch {
    return undefined;
  }
}
