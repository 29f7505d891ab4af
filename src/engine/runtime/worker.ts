/**
 * A worker's life (`recipes worker`): it runs the queued jobs of every project of one PostgreSQL database.
 * Its phases, in order, each a function of this file:
 *
 *   1. connect    the state store, the queue (pg-boss) and the shared request budgets
 *                   fails: the store's error (STORE_UNREACHABLE, STORE_AUTH_FAILED, ...): thrown, nothing taken
 *   2. draw       up to `concurrency` entries at once; an empty queue is asked again every POLL_MS or when a
 *                 slot frees; a database that stops answering is said once, waited for, and said again when back
 *   3. run        a queued job: claimed (its recipe's lease, a new attempt) and run through the job lifecycle;
 *                   busy recipe: put back, due again in BUSY_DELAY_S; ended already: dropped; project removed: failed
 *                 a tick: the started recipe's trigger runs once (trigger-tick.ts)
 *                 meanwhile the entries in flight get a heartbeat, and jobs the queue gave up on (their workers
 *                 kept dying) are failed with JOB_ATTEMPTS_EXHAUSTED
 *   4. complete   the entry, once its job is recorded; a worker that dies before leaves it to expire and be retried
 *   5. shut down  (the signal) stop drawing; jobs in flight finish the step they are in and are queued again,
 *                 their attempt recorded as stopped; then the queue, the budgets and the store are closed
 */
import { serializeError, UserError } from '../errors.js';
import { DEAD_QUEUE, JobQueue, RETRY_LIMIT, type DrawnEntry } from '../queue/job-queue.js';
import { SharedBudgets } from '../queue/rate-budget.js';
import { sleep } from '../sleep.js';
import { retryTransient, type JobRecord } from '../store/index.js';
import { Fleet, type FleetOptions } from './fleet.js';
import type { Runtime } from './runtime.js';
import { runTick } from './trigger-tick.js';

export interface WorkerOptions extends Omit<FleetOptions, 'rateBudget' | 'onOpen'> {
  /** Jobs run at once. @default 4 */
  concurrency?: number;
  /** Shutdown: stop drawing; jobs in flight end after their step and are queued again. */
  signal: AbortSignal;
  /** Aborts jobs in flight at once (a second Ctrl-C); they are queued again too. */
  abortSignal?: AbortSignal;
  /** One line per job that ended (or went back to the queue). */
  onJob?(line: WorkerJobLine): void;
  /** The database stopped answering (`lost`, once) or answers again (`back`). */
  onDatabase?(state: 'lost' | 'back', reason?: string): void;
  /**
   * Called once connected, before the first draw (a failure ends the worker): what an ops endpoint asks,
   * whether the store is ready and how many entries wait.
   */
  onConnected?(handles: { ready(): Promise<string | undefined>; queueDepth(): Promise<number> }): Promise<void>;
  /** Called with each project's runtime once it is open (metrics listen to it). */
  onRuntime?(rt: Runtime): void;
  /** Called once connected and drawing. */
  onReady?(): void;
}

export interface WorkerJobLine {
  project: string;
  recipe: string;
  jobId?: number;
  /** succeeded, failed, stopped, queued (stopped by the shutdown and queued again). */
  outcome: string;
  attempt?: number;
  message?: string;
}

/** How often an empty queue is asked again. */
const POLL_MS = 500;
/** A job of a recipe another job runs is due again this much later. */
const BUSY_DELAY_S = 5;
/** Dead letters are looked for this often. */
const DEAD_MS = 2000;

export const ATTEMPTS_EXHAUSTED = Object.freeze({
  code: 'JOB_ATTEMPTS_EXHAUSTED',
  kind: 'operational',
  message: `The worker running this job stopped answering on each of its ${RETRY_LIMIT + 1} attempts; it is not tried again.`,
  hint: 'See the attempts with `recipes jobs show ID`; rerun it with `recipes jobs rerun ID` once the cause is fixed.',
});

interface Parts {
  fleet: Fleet;
  queue: JobQueue;
  budgets: SharedBudgets;
  o: WorkerOptions;
  /** Attempts of the claimed jobs in flight, for their lines. */
  attempts: Map<number, number>;
  /** Set while the database does not answer. */
  down: { since?: number };
}

export async function runWorker(o: WorkerOptions): Promise<void> {
  const parts = await connect(o);
  const inflight = new Map<string, Promise<void>>();
  let slotFreed = new AbortController();
  const beat = setInterval(() => void heartbeat(parts, [...inflight.keys()]), (parts.queue.timings.expirySeconds * 1000) / 4);
  let deadAt = 0;
  try {
    await o.onConnected?.({ ready: () => parts.fleet.ready(), queueDepth: () => parts.queue.depth() });
    o.onReady?.();
    while (!o.signal.aborted) {
      const free = (o.concurrency ?? 4) - inflight.size;
      const drawn = await draw(parts, free); // with no free slot, only asks whether the database answers
      for (const entry of drawn) {
        const done = run(parts, entry).finally(() => {
          inflight.delete(entry.id);
          slotFreed.abort();
        });
        inflight.set(entry.id, done);
      }
      if (Date.now() - deadAt >= DEAD_MS) {
        deadAt = Date.now();
        await deadLetters(parts);
      }
      if (drawn.length === free && free > 0) continue; // the queue may hold more: ask at once
      await sleep(parts.down.since === undefined ? POLL_MS : 1000, AbortSignal.any([o.signal, slotFreed.signal]));
      if (slotFreed.signal.aborted) slotFreed = new AbortController();
    }
  } finally {
    await shutDown(parts, inflight, beat);
  }
}

/** 1. */
async function connect(o: WorkerOptions): Promise<Parts> {
  const attempts = new Map<number, number>();
  let budgets: SharedBudgets | undefined;
  const fleet = await Fleet.open({
    ...o,
    rateBudget: (key, perMinute) => budgets!.budget(key, perMinute),
    onOpen: (rt) => {
      listen(rt, o, attempts);
      o.onRuntime?.(rt);
    },
  });
  try {
    budgets = await SharedBudgets.open(o.databaseUrl);
    const queue = await JobQueue.open(o.databaseUrl, { logger: o.logger, supervise: true, maxConnections: 2 + Math.ceil((o.concurrency ?? 4) / 4) });
    return { fleet, queue, budgets, o, attempts, down: {} };
  } catch (error) {
    await budgets?.close();
    await fleet.close();
    throw error;
  }
}

/** Every job a project's runtime ends (claimed, or run by a tick) gets its line. */
function listen(rt: Runtime, o: WorkerOptions, attempts: Map<number, number>): void {
  rt.on('job:end', (job: JobRecord) => {
    const attempt = attempts.get(job.id);
    const error = job.error as { code?: string; message?: string } | undefined;
    o.onJob?.({ project: rt.project, recipe: job.recipe, jobId: job.id, outcome: job.status, ...(attempt ? { attempt } : {}), ...(error?.code ? { message: `${error.code}: ${error.message}` } : {}) });
  });
}

/** 2. */
async function draw(p: Parts, count: number): Promise<DrawnEntry[]> {
  return (await guarded(p, () => p.queue.draw(Math.max(0, count)))) ?? [];
}

/** Runs `fn` against the database; while it does not answer, says so once and answers undefined. */
async function guarded<T>(p: Parts, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    const result = await fn();
    if (p.down.since !== undefined) {
      p.down.since = undefined;
      p.o.onDatabase?.('back');
    }
    return result;
  } catch (error) {
    if (p.down.since === undefined) {
      p.down.since = Date.now();
      p.o.onDatabase?.('lost', (error as Error).message);
    }
    return undefined;
  }
}

/** 3 and 4. */
async function run(p: Parts, entry: DrawnEntry): Promise<void> {
  try {
    if ('tick' in entry.data) await tick(p, entry.data.tick.project, entry.data.tick.recipe);
    else await queuedJob(p, entry.data.jobId);
    await p.queue.complete(entry.id);
  } catch (error) {
    // Not finished (the database went away mid-way): the entry expires and another worker takes it up.
    p.o.logger.warn({ entry: entry.id, err: serializeError(error) }, 'could not finish a queue entry; it will be retried');
  }
}

async function queuedJob(p: Parts, jobId: number): Promise<void> {
  const claim = await p.fleet.claim(jobId);
  if ('gone' in claim) {
    p.o.onJob?.({ project: '?', recipe: '?', jobId, outcome: 'failed', message: 'PROJECT_UNKNOWN: the job was queued for a project that has been removed since' });
    return;
  }
  if ('finished' in claim) return; // delivered twice: it ran already
  if ('busy' in claim) {
    await p.queue.sendJob(undefined, jobId, BUSY_DELAY_S);
    return;
  }
  const { project, recipe, attempt } = claim.claimed;
  p.attempts.set(jobId, attempt);
  try {
    const rt = await retryTransient(() => p.fleet.runtime(project)).catch(async (error: unknown) => {
      await p.fleet.failClaimed(jobId, attempt, error);
      p.o.onJob?.({ project, recipe, jobId, attempt, outcome: 'failed', message: `${serializeError(error).code}: ${serializeError(error).message}` });
      return undefined;
    });
    if (!rt) return;
    const requeue = () => (p.o.signal.aborted ? (db: Parameters<JobQueue['sendJob']>[0], id: number) => p.queue.sendJob(db, id) : undefined);
    // A job that failed before its steps is recorded (and its line given by job:end) before this throws.
    await rt.runClaimed({ jobId, attempt, requeue }, { stopAfterStep: p.o.signal, signal: p.o.abortSignal }).catch(async (error: unknown) => {
      if ((await rt.job(jobId)).status === 'running') throw error;
    });
  } finally {
    p.attempts.delete(jobId);
  }
}

async function tick(p: Parts, project: string, name: string): Promise<void> {
  let rt: Runtime;
  try {
    rt = await p.fleet.runtime(project);
    rt.recipe(name);
  } catch (error) {
    if (error instanceof UserError) return; // the project or recipe is gone: nothing to tick
    throw error;
  }
  if (!(await rt.recipeState(name)).running) return; // stopped since the tick was queued
  // A full batch polled: more events wait; catch up now rather than at the next tick.
  for (;;) {
    const result = await runTick(rt, rt.recipe(name), { stop: p.o.signal, job: { stopAfterStep: p.o.signal, signal: p.o.abortSignal } });
    if (result.kind !== 'ran' || !result.more || p.o.signal.aborted) return;
  }
}

/** Jobs the queue gave up on: failed with the reason, once. */
async function deadLetters(p: Parts): Promise<void> {
  const dead = (await guarded(p, () => p.queue.drawDead(10))) ?? [];
  for (const entry of dead) {
    if ('jobId' in entry.data) {
      const jobId = entry.data.jobId;
      const failed = await guarded(p, async () => ({ job: await p.fleet.failExhausted(jobId, ATTEMPTS_EXHAUSTED) }));
      if (failed === undefined) continue; // the database went away: the entry is drawn again
      if (failed.job) p.o.onJob?.({ ...failed.job, jobId, outcome: 'failed', message: `${ATTEMPTS_EXHAUSTED.code}: ${ATTEMPTS_EXHAUSTED.message}` });
    }
    await guarded(p, () => p.queue.complete(entry.id, DEAD_QUEUE));
  }
}

async function heartbeat(p: Parts, ids: string[]): Promise<void> {
  if (ids.length > 0) await guarded(p, () => p.queue.heartbeat(ids));
}

/** 5. */
async function shutDown(p: Parts, inflight: Map<string, Promise<void>>, beat: NodeJS.Timeout): Promise<void> {
  await Promise.allSettled([...inflight.values()]);
  clearInterval(beat);
  await p.queue.close().catch(() => undefined);
  await p.budgets.close().catch(() => undefined);
  await p.fleet.close();
}
