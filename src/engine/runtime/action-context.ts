/**
 * The one place an ActionContext is made: for a job's steps (job-lifecycle.ts hands the interpreter a
 * per-step maker built on this), for a poll and for a connection test. A connector sees the same fields,
 * with the same defaults, whoever calls it.
 */
import type { ActionContext, Logger, Mappings, WriteKeys } from '../types.js';

export interface ContextParts<C = unknown> {
  /** The handle the connection's `connect` returned. */
  connection: C;
  /** Already bound to what is running (recipe and job, trigger, or connection). */
  logger: Logger;
  mappings: Mappings;
  /** A job's only. */
  writeKeys?: WriteKeys;
  /** The job's id; 'poll' or 'connection-test' outside a job. */
  jobId: string;
  /** @default a signal that never aborts */
  signal?: AbortSignal;
  itemSignal?: AbortSignal;
  /** @default false */
  dryRun?: boolean;
  /** @default ignores progress */
  progress?: ActionContext['progress'];
}

/** A signal that never aborts, for calls nobody can cancel (a connection test). */
const NEVER = new AbortController().signal;
const IGNORE_PROGRESS = (): void => undefined;

export function actionContext<C>(parts: ContextParts<C>): ActionContext<C> {
  return {
    connection: parts.connection,
    logger: parts.logger,
    signal: parts.signal ?? NEVER,
    ...(parts.itemSignal ? { itemSignal: parts.itemSignal } : {}),
    dryRun: parts.dryRun ?? false,
    mappings: parts.mappings,
    ...(parts.writeKeys ? { writeKeys: parts.writeKeys } : {}),
    progress: parts.progress ?? IGNORE_PROGRESS,
    jobId: parts.jobId,
  };
}
