/**
 * The engine's one pause: Node's abortable timer, ended early (not failed) by the signal, because the
 * engine's callers check the signal themselves once the pause is over. Connectors, which may import only
 * the engine's types, use node:timers/promises directly (the HTTP transport wants the abort as a rejection).
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`, or as soon as `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
