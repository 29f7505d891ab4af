/**
 * One user per employee code across the jobs of a project. all-employees-sync creates from a listing read
 * at its start, and employee-sync may create the same new hire meanwhile (two workers, or serve and a
 * manual run): without this, both POSTs land and the person holds two seats. The code is taken as a
 * write key before the POST; a job that finds it done uses that user (one GET) instead of creating again,
 * and one that finds another job mid-create waits for it.
 */
import type { ActionContext } from '../../../engine/types.js';
import type { WiwClient } from '../client.js';
import { httpFailure } from '../errors.js';
import { singleUser, type WiwUser } from './users.js';

/** A hold older than this is a job that died mid-create: far longer than a create with its retries. */
export const HOLD_STALE_MS = 120_000;
/** How often a job waiting for another job's create looks again. */
const WAIT_MS = 200;

const norm = (v: unknown): string => (v === null || v === undefined ? '' : String(v).trim().toLowerCase());

export interface CreateKey {
  /** The key is this job's: send the POST, then `done` or `release`. */
  done(user: WiwUser): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes the employee code's key, or answers the user another job created for it. Without a code or
 * outside a job (no write keys) there is nothing to take. `lookup` finds a user a dead holder's POST may
 * have made (the caller's own search of GET /2/users).
 */
export async function takeCreateKey(
  code: unknown,
  ctx: ActionContext<WiwClient>,
  lookup: () => Promise<WiwUser | undefined>,
): Promise<{ existing: WiwUser } | CreateKey> {
  const keys = ctx.writeKeys;
  const wanted = norm(code);
  const none: CreateKey = { done: async () => undefined, release: async () => undefined };
  if (!keys || wanted === '') return none;
  const key = `wheniwork.user ${wanted}`;
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
      if (user && norm(user.employee_code) === wanted) return { existing: user };
      if (await keys.takeOver(key, state.seen)) return mine; // deleted, or its code changed since
      continue;
    }
    if (state.mine || Date.now() - Date.parse(state.since) > HOLD_STALE_MS) {
      if (!(await keys.takeOver(key, state.seen))) continue;
      // Its holder may have died after its POST landed: look before creating.
      const landed = await lookup();
      if (landed) {
        await mine.done(landed);
        return { existing: landed };
      }
      return mine;
    }
    await wait(ctx.signal);
  }
}

/** The user with this id as WIW has it now; undefined when deleted or gone. */
async function current(ctx: ActionContext<WiwClient>, id: string): Promise<WiwUser | undefined> {
  try {
    const user = singleUser(await ctx.connection.call({ path: `/users/${encodeURIComponent(id)}`, signal: ctx.signal, queueSignal: ctx.itemSignal }), 'GET /2/users/{id}');
    return user.is_deleted === true ? undefined : user;
  } catch (error) {
    if (httpFailure(error)?.status === 404) return undefined;
    throw error;
  }
}

function wait(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      signal.removeEventListener('abort', stop);
      resolve();
    };
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(done, WAIT_MS);
    signal.addEventListener('abort', stop, { once: true });
  });
}
