/**
 * How a run takes its recipe's lease (see store/leases.ts): refused with RECIPE_BUSY while another job
 * runs the recipe, in any process, or waiting for it to end; renewed while the job runs.
 */
import { RecipeError, serializeError } from '../errors.js';
import { sleep } from '../sleep.js';
import { recipeBusy, type LeaseHolder, type NewJob, type Store } from '../store/index.js';
import type { Logger } from '../types.js';

/** Error codes of a run refused before its job was made: nothing ran; try again later. */
export const RunRefused = {
  /** Another job holds the recipe's lease. */
  BUSY: 'RECIPE_BUSY',
  /** The polled event was run meanwhile by another process. */
  EVENT_DONE: 'EVENT_ALREADY_RUN',
} as const;

export interface WaitOptions {
  wait?: boolean;
  onWait?(holder: LeaseHolder): void;
  signal?: AbortSignal;
}

/** A signal that never aborts, for waits nobody can cancel. */
const NEVER = new AbortController().signal;

/** How often a waiting run checks whether the lease is free. */
const LEASE_WAIT_MS = 250;

/** Records the job holding the recipe's lease; RECIPE_BUSY (unless `wait`) or EVENT_ALREADY_RUN otherwise. */
export async function startLeasedJob(store: Store, job: NewJob, options: WaitOptions): Promise<number> {
  for (let told = false; ; told = true) {
    const started = await store.startJob(job);
    if ('jobId' in started) return started.jobId;
    if ('done' in started) {
      throw new RecipeError(RunRefused.EVENT_DONE, `Event ${job.eventId} of '${job.recipe}' was run meanwhile by job ${started.done}; it is not run again.`, {
        details: { recipe: job.recipe, jobId: started.done },
      });
    }
    if (!options.wait) throw recipeBusy(started.busy);
    if (!told) options.onWait?.(started.busy);
    await pause(options.signal, started.busy);
  }
}

/** Resolves once no live job holds the recipe's lease. */
export async function waitForLease(store: Store, pkg: string, recipe: string, options: WaitOptions): Promise<void> {
  for (let told = false; ; told = true) {
    const holder = await store.leaseHolder(pkg, recipe);
    if (!holder) return;
    if (!told) options.onWait?.(holder);
    await pause(options.signal, holder);
  }
}

async function pause(signal: AbortSignal | undefined, holder: LeaseHolder): Promise<void> {
  await sleep(LEASE_WAIT_MS, signal ?? NEVER);
  if (signal?.aborted) {
    throw new RecipeError('WAIT_CANCELLED', `Stopped waiting for job ${holder.jobId} of '${holder.recipe}' to end; nothing was run.`, {
      details: { recipe: holder.recipe, jobId: holder.jobId },
    });
  }
}

/** A job that lost its lease (it lapsed and another process took it over) is aborted at once. */
export async function renewLease(store: Store, pkg: string, recipe: string, jobId: number, controller: AbortController, logger: Logger): Promise<void> {
  try {
    if (await store.renewLease(pkg, recipe, jobId)) return;
    logger.error({ job: jobId }, 'the recipe lease lapsed and another job took it over: stopping this one');
    controller.abort();
  } catch (error) {
    logger.warn({ err: serializeError(error) }, 'could not renew the recipe lease; trying again at the next renewal');
  }
}
