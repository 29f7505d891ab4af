/**
 * One user per employee code across the jobs of a project. all-employees-sync creates from a listing read
 * at its start, and employee-sync may create the same new hire meanwhile (two workers, or serve and a
 * manual run): without this, both POSTs land and the person holds two seats. The code is taken as a
 * write key before the POST; a job that finds it done uses that user (one GET) instead of creating again,
 * and one that finds another job mid-create waits for it.
 */
import type { ActionContext } from '../../../engine/types.js';
import { sleep } from '../../http/index.js';
import type { WiwClient } from '../client.js';
import { httpFailure } from '../errors.js';
import { singleUser, type WiwUser } from './users.js';

/** A hold older than this is a job that died mid-create: far longer than a create with its retries. */
export const HOLD_STALE_MS = 120_000;
/** How often a job waiting for another job's create looks again. */
const WAIT_MS = 200;

export interface CreateKey {
  /** The key is this job's: send the POST, then `done` or `release`. */
  done(user: WiwUser): Promise<void>;
  release(): Promise<void>;
}

/** How the caller recognises the user its POST would make (create-user.ts findCreated). */
export interface CreateTarget {
  /** The normalised employee code; '' when the user has none (then there is no key to take). */
  code: string;
  /** Whether `user` is the one the POST would make. */
  fits(user: WiwUser): boolean;
  /** Searches GET /2/users for it: a dead holder's POST may have landed. */
  lookup(): Promise<WiwUser | undefined>;
}

/**
 * Takes the employee code's key, or answers the user another job created for it. Without a code or
 * outside a job (no write keys) there is nothing to take.
 */
export async function takeCreateKey(target: CreateTarget, ctx: ActionContext<WiwClient>): Promise<{ existing: WiwUser } | CreateKey> {
  const keys = ctx.writeKeys;
  const none: CreateKey = { done: async () => undefined, release: async () => undefined };
  if (!keys || target.code === '') return none;
  const key = `wheniwork.user ${target.code}`;
  const mine: CreateKey = {
    // The user exists whether or not this write lands: a lost write only makes the next job look it up.
    done: (user) => keys.done(key, String(user.id)).catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not record the created user for other jobs')),
    release: () => keys.release(key).catch(() => undefined),
  };
  for (;;) {
    const state = await keys.take(key);
    if ('taken' in state) return mine;
    if ('result' in state) {
      const user = await current(ctx, state.result);
      if (user && target.fits(user)) return { existing: user };
      if (await keys.takeOver(key, state.seen)) return mine; // deleted, or its code changed since
      continue;
    }
    if (state.mine || Date.now() - Date.parse(state.since) > HOLD_STALE_MS) {
      if (!(await keys.takeOver(key, state.seen))) continue;
      // Its holder may have died after its POST landed: look before creating.
      const landed = await target.lookup();
      if (landed) {
        await mine.done(landed);
        return { existing: landed };
      }
      return mine;
    }
    await sleep(WAIT_MS, ctx.signal);
  }
}

/** The user with this id as WIW has it now (deleted ones too); undefined when gone. */
async function current(ctx: ActionContext<WiwClient>, id: string): Promise<WiwUser | undefined> {
  try {
    return singleUser(await ctx.connection.call({ path: `/users/${encodeURIComponent(id)}`, signal: ctx.signal, queueSignal: ctx.itemSignal }), 'GET /2/users/{id}');
  } catch (error) {
    if (httpFailure(error)?.status === 404) return undefined;
    throw error;
  }
}
