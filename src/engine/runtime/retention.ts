/**
 * Retention of job history: which jobs are old enough to delete (the `--older-than` given, else the
 * project's `job_retention_days`), handed to the store's prune (store/prune.ts says what it keeps).
 */
import { UserError } from '../errors.js';
import { JOB_RETENTION_DAYS } from '../runtime-properties.js';
import type { PruneResult, Store } from '../store/index.js';
import type { Properties } from './properties.js';

export const DAY_MS = 86_400_000;

export interface PruneOptions {
  /** Delete finished jobs older than this. @default the project's job_retention_days, in days */
  olderThanMs?: number;
  /** Count what would be deleted; change nothing. */
  dryRun?: boolean;
  /** @default Date.now() */
  now?: number;
}

export interface PruneReport extends PruneResult {
  dryRun: boolean;
  olderThanMs: number;
  /** Where the age came from: the caller, or the job_retention_days property. */
  olderThanFrom: 'option' | 'property';
  /** The cutoff: jobs that finished before it were pruned. */
  before: string;
}

export async function pruneJobs(store: Store, project: string, properties: Properties, o: PruneOptions = {}): Promise<PruneReport> {
  const fromProperty = o.olderThanMs === undefined;
  const olderThanMs = fromProperty ? Number(await properties.value(JOB_RETENTION_DAYS)) * DAY_MS : (o.olderThanMs as number);
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new UserError('PRUNE_AGE_INVALID', `Cannot prune jobs older than ${String(o.olderThanMs)} ms: the age must be zero or more.`, {
      hint: 'Give an age such as 30d or 12h.',
    });
  }
  const before = new Date((o.now ?? Date.now()) - olderThanMs).toISOString();
  const result = await store.pruneJobs({ project, before, dryRun: o.dryRun });
  return { ...result, dryRun: o.dryRun === true, olderThanMs, olderThanFrom: fromProperty ? 'property' : 'option', before };
}

/** One line for output or log: what a prune deleted (or would), what it kept, what the file did. */
export function describePrune(r: PruneReport): string {
  const n = (x: number, one: string, many = `${one}s`) => `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`;
  const from = r.olderThanFrom === 'property' ? ', job_retention_days' : '';
  const what = `${n(r.jobs, 'job')} (${n(r.steps, 'step')}) older than ${age(r.olderThanMs)} (finished before ${r.before}${from})`;
  const kept = r.kept > 0 ? `; kept ${n(r.kept, 'older job')}: each recipe's latest job and latest success, running jobs, originals of kept reruns` : '';
  const size = r.fileBytes ? `; state.db ${mb(r.fileBytes.before)} -> ${mb(r.fileBytes.after)}` : '';
  return `${r.dryRun ? 'would delete' : 'deleted'} ${what}${kept}${size}`;
}

function age(ms: number): string {
  for (const [unit, size] of [['day', DAY_MS], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  }
  return `${ms / 1000} seconds`;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
