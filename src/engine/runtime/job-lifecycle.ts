/**
 * One job's life, from its trigger event to its record. The phases below run in this order, each a
 * function of this file; README "Lifecycle of a job" draws the same.
 *
 *   trigger event (manual or test run, schedule tick, polled event, webhook delivery, rerun)
 *   1. createJob          take the recipe's lease and record the job as running; job:start
 *                           refused (RECIPE_BUSY, EVENT_ALREADY_RUN, WAIT_CANCELLED): thrown, no job, nothing ran
 *                         (a queued job arrives claimed: its record, lease and attempt exist already)
 *   2. resolveProperties  typed values with defaults, the secrets to keep out of records; the recipe's
 *                         required properties set                      fails: PROPERTY_MISSING, PROPERTY_INVALID -> 7
 *   3. buildConnections   one live handle per connection, rebuilt when its settings changed
 *                                                                      fails: CONNECTION_SETTINGS, ...            -> 7
 *   4. buildContext       the job's live mappings and its ActionContext maker (action-context.ts)
 *                                                                      fails: the store's error                  -> 7
 *   5. interpretSteps     the steps in order (interpreter/run-job.ts); a step's failure, a stop step and
 *                         a cancellation are the job's outcome         throws (a bug, a listener): failed        -> 7
 *   6. recordSteps        step records written in batches of STEP_BATCH while 5 runs, the rest after it
 *                         (a queued job's later attempt: numbered after its earlier attempts' steps)
 *                                                                      fails: the write's error                  -> 7
 *   7. finishJob          status, error (code, message, hint; `details.phase` names the phase that failed)
 *                         and summary stored, secrets removed; lease released; job:end
 *                         (a queued job: its attempt ends too; stopped by its worker's shutdown, it is queued again)
 *
 * After a failure in 2-4 the error is also thrown, once the job is recorded: the caller's run did not
 * happen (a property to set, a connection to fix) and it reports that as it did before jobs were made
 * for it. After 5-6 the failed job is the answer.
 */
import { setMaxListeners, type EventEmitter } from 'node:events';
import { liveMappings } from '../builtins/mappings.js';
import { serializeError, type SerializedError } from '../errors.js';
import { withoutSecrets } from '../interpreter/redact.js';
import { runJob, type JobOutcome } from '../interpreter/run-job.js';
import type { StepContext, StepRecord } from '../interpreter/job-env.js';
import type { PackageModel, RecipeModel } from '../model.js';
import { LEASE_RENEW_MS, retryTransient, type JobRecord, type LeaseHolder, type PackageStamp, type Send, type Store } from '../store/index.js';
import type { ConnectorDef, Logger } from '../types.js';
import { actionContext } from './action-context.js';
import type { ConnectionPool } from './connections.js';
import { renewLease, startLeasedJob } from './lease.js';
import type { Properties } from './properties.js';
import type { RuntimeEvents } from './runtime.js';

/** What a job needs of the Runtime that runs it. */
export interface JobHost {
  /** The project the store keeps this runtime's state under. */
  readonly project: string;
  /** The package's name, version and content hash, recorded with every job. */
  readonly packageStamp: PackageStamp;
  readonly model: PackageModel;
  readonly store: Store;
  readonly properties: Properties;
  readonly pool: ConnectionPool;
  readonly logger: Logger;
  /** Items of each foreach whose steps are recorded in full. */
  readonly recordItems: number;
  /** Cancellers of the jobs running in this process (Runtime.cancel). */
  readonly running: Map<number, AbortController>;
  readonly events: EventEmitter<RuntimeEvents>;
}

export interface JobOptions {
  test?: boolean;
  dryRun?: boolean;
  eventId?: string;
  rerunOf?: number;
  signal?: AbortSignal;
  stopAfterStep?: AbortSignal;
  wait?: boolean;
  onWait?(holder: LeaseHolder): void;
  /** A queued job a worker claimed (Store.claimJob): phase 1 only starts its heartbeat. */
  claimed?: ClaimedJob;
}

export interface ClaimedJob {
  jobId: number;
  attempt: number;
  /** Asked when the job ended as stopped: a `send` that queues it again (its worker is shutting down), or none. */
  requeue(): Send | undefined;
}

/** The phase a failure happened in, as `details.phase` of the job's error. */
export type Phase = 'properties' | 'connections' | 'context' | 'steps' | 'records';
/** Phases before the steps: a job that failed in one of them did nothing. */
const BEFORE_STEPS: ReadonlySet<string> = new Set<Phase>(['properties', 'connections', 'context']);

/** Flush step records to the store in batches of this many rows. */
export const STEP_BATCH = 500;

type Connections = Map<string, { connector: ConnectorDef; handle: unknown }>;
type Ending = { status: JobRecord['status'] & ('succeeded' | 'failed' | 'stopped'); error?: unknown; summary?: unknown };

/** A job from phase 1 on: its record's id, its lease's heartbeat, its canceller. */
interface LiveJob {
  id: number;
  recipe: RecipeModel;
  trigger: unknown;
  test: boolean;
  dryRun: boolean;
  logger: Logger;
  controller: AbortController;
  /** Known from phase 2 on. */
  secrets: readonly string[];
  /** Undoes phase 1's timer and listener. */
  detach(): void;
  claimed?: ClaimedJob;
}

export async function runJobLifecycle(host: JobHost, recipe: RecipeModel, trigger: unknown, options: JobOptions): Promise<JobRecord> {
  const job = await createJob(host, recipe, trigger, options);
  const records = recordSteps(host, job);
  let phase: Phase = 'records';
  let ending: Ending;
  let before: unknown;
  try {
    records.continueAfter(await lastSeqOf(host, job));
    phase = 'properties';
    const { values, secrets } = await resolveProperties(host, recipe);
    job.secrets = secrets;
    phase = 'connections';
    const connections = await buildConnections(host, recipe, values);
    phase = 'context';
    const context = await buildContext(host, job, connections);
    phase = 'steps';
    const outcome = await interpretSteps(host, job, options, { values, connections, ...context, onStep: records.add });
    phase = 'records';
    await records.written();
    ending = endingOf(outcome);
  } catch (error) {
    if (BEFORE_STEPS.has(phase)) before = error;
    await records.written().catch(() => undefined); // the job fails with `error`; a write that failed too adds nothing
    ending = { status: 'failed', error: failure(error, phase) };
  }
  const record = await finishJob(host, job, ending);
  if (before !== undefined) throw before;
  return record;
}

/** Whether a job failed before its steps ran (so it did nothing, and its event is still to be run). */
export function failedBeforeSteps(job: JobRecord): boolean {
  const phase = (job.error as { details?: { phase?: unknown } } | null)?.details?.phase;
  return job.status === 'failed' && typeof phase === 'string' && BEFORE_STEPS.has(phase);
}

/** 1. The lease and the running record in one transaction (store/leases.ts); from here on 7 runs. */
async function createJob(host: JobHost, recipe: RecipeModel, trigger: unknown, options: JobOptions): Promise<LiveJob> {
  const test = options.test ?? false;
  const dryRun = options.dryRun ?? false;
  const id = options.claimed?.jobId ?? await startLeasedJob(
    host.store,
    { project: host.project, package: host.packageStamp, recipe: recipe.name, test, dryRun, trigger, eventId: options.eventId, rerunOf: options.rerunOf },
    { wait: options.wait, onWait: options.onWait, signal: anySignal(options.signal, options.stopAfterStep) },
  );
  const controller = new AbortController();
  // Every request in flight (a foreach runs up to 64 at a time) listens for cancellation.
  setMaxListeners(256, controller.signal);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const logger = host.logger.child({ recipe: recipe.name, job: id });
  const heartbeat = setInterval(() => void renewLease(host.store, host.project, recipe.name, id, controller, logger), LEASE_RENEW_MS).unref();
  host.running.set(id, controller);
  const detach = () => {
    clearInterval(heartbeat);
    host.running.delete(id);
    options.signal?.removeEventListener('abort', onAbort);
  };
  const job: LiveJob = { id, recipe, trigger, test, dryRun, logger, controller, secrets: [], detach, claimed: options.claimed };
  emit(host, job, 'job:start', { jobId: id, recipe: recipe.name, test, dryRun });
  return job;
}

/** 2. */
async function resolveProperties(host: JobHost, recipe: RecipeModel): Promise<{ values: Record<string, unknown>; secrets: string[] }> {
  const resolved = await host.properties.resolve();
  host.properties.requireSet(recipe.properties, resolved.values);
  return resolved;
}

/** 3. */
async function buildConnections(host: JobHost, recipe: RecipeModel, values: Record<string, unknown>): Promise<Connections> {
  const connections: Connections = new Map();
  for (const name of recipe.connections) connections.set(name, await host.pool.get(name, values));
  return connections;
}

/** 4. Every action call of the job gets its context here. */
async function buildContext(host: JobHost, job: LiveJob, connections: Connections): Promise<{ context: StepContext; mappingScope: Record<string, Record<string, string>> }> {
  const { mappings, scope } = await liveMappings(host.store.mappings(host.project), host.model.mappings);
  const jobId = String(job.id);
  const writeKeys = host.store.writeKeys(host.project, jobId);
  const context: StepContext = (step) =>
    actionContext({
      connection: connections.get(step.connection)?.handle,
      logger: job.logger.child({ step: step.path, action: step.action }),
      signal: job.controller.signal,
      itemSignal: step.itemSignal,
      dryRun: job.dryRun,
      mappings,
      writeKeys,
      jobId,
      progress: (done, total) => host.events.emit('progress', { type: 'progress', jobId: job.id, step: step.path, done, total }),
    });
  return { context, mappingScope: scope };
}

/** 5. */
function interpretSteps(
  host: JobHost,
  job: LiveJob,
  options: JobOptions,
  built: { values: Record<string, unknown>; connections: Connections; context: StepContext; mappingScope: Record<string, Record<string, string>>; onStep(record: StepRecord): void },
): Promise<JobOutcome> {
  return runJob({
    jobId: job.id,
    recipe: job.recipe,
    test: job.test,
    dryRun: job.dryRun,
    properties: built.values,
    secrets: job.secrets,
    trigger: job.trigger,
    connections: built.connections,
    context: built.context,
    mappingScope: built.mappingScope,
    logger: job.logger,
    signal: job.controller.signal,
    stopAfterStep: options.stopAfterStep,
    recordItems: host.recordItems,
    onStep: built.onStep,
    onEvent: (event) => {
      if (event.type === 'progress') host.events.emit('progress', event);
    },
  });
}

/**
 * 6. `add` is synchronous (the interpreter does not wait for the store): batches are written in order on
 * a chain, and `written` flushes the rest and rejects with the first write that failed, as the job's
 * records would be incomplete.
 */
function recordSteps(host: JobHost, job: LiveJob): { continueAfter(seq: number): void; add(record: StepRecord): void; written(): Promise<void> } {
  const buffer: StepRecord[] = [];
  let after = 0;
  let chain: Promise<void> = Promise.resolve();
  const flush = () => {
    if (buffer.length === 0) return;
    const rows = buffer.splice(0);
    // A batch cut off by a restart of the database rolled back: it is written again once the database is back.
    chain = chain.then(() => retryTransient(() => host.store.addSteps(job.id, rows)));
  };
  return {
    /** The last seq of earlier attempts' steps: this attempt's follow it. */
    continueAfter(seq) {
      after = seq;
    },
    add(step) {
      const record = after === 0 ? step : { ...step, seq: step.seq + after };
      buffer.push(record);
      if (buffer.length >= STEP_BATCH) flush();
      if (host.events.listenerCount('step') > 0) host.events.emit('step', { jobId: job.id, record });
    },
    written() {
      flush();
      return chain;
    },
  };
}

/**
 * A queued job's later attempt runs the recipe again from its start; the steps an earlier attempt recorded
 * (what it did before its worker stopped or died) stay, and this attempt's are numbered after them.
 */
async function lastSeqOf(host: JobHost, job: LiveJob): Promise<number> {
  if (!job.claimed || job.claimed.attempt === 1) return 0;
  return retryTransient(() => host.store.lastStepSeq(job.id));
}

/** 7. The lease is released even when the record cannot be written: it would lapse anyway (LEASE_TTL_MS). */
async function finishJob(host: JobHost, job: LiveJob, ending: Ending): Promise<JobRecord> {
  job.detach();
  const result = { status: ending.status, error: withoutSecrets(ending.error, job.secrets), summary: withoutSecrets(ending.summary, job.secrets) };
  if (job.claimed) {
    // One transaction: the attempt, the job (or its new queue entry) and the lease.
    await host.store.finishAttempt(job.id, job.claimed.attempt, result, ending.status === 'stopped' ? job.claimed.requeue() : undefined);
  } else {
    try {
      await host.store.finishJob(job.id, result);
    } finally {
      await host.store.releaseLease(host.project, job.recipe.name, job.id).catch((error: unknown) => job.logger.warn({ err: serializeError(error) }, 'could not release the recipe lease'));
    }
  }
  const record = await host.store.getJob(job.id, { trigger: job.trigger });
  if (!record) throw new Error(`job ${job.id} vanished from the store as it finished`);
  // A failure before the steps is thrown to the caller, which reports it; one after them is only here.
  if (failedBeforeSteps(record)) job.logger.info({ err: record.error }, 'job failed before its steps');
  else if (ending.error && isPhaseFailure(ending.error)) job.logger.error({ err: record.error }, 'job failed outside its steps');
  job.logger.info({ status: record.status, ms: record.durationMs }, 'job ended');
  emit(host, job, 'job:end', record);
  return record;
}

function endingOf(outcome: JobOutcome): Ending {
  const error = outcome.error ?? (outcome.message && outcome.status !== 'succeeded' ? { code: 'JOB_STOPPED', kind: 'operational', message: outcome.message } : undefined);
  const summary = outcome.summary ?? (outcome.message ? { message: outcome.message } : undefined);
  return { status: outcome.status, error, summary };
}

function isPhaseFailure(error: unknown): boolean {
  return (error as SerializedError).details?.phase !== undefined;
}

/** The stored reason of a failed phase: the error's code, message and hint, and the phase. */
function failure(error: unknown, phase: Phase): SerializedError {
  const e = serializeError(error);
  return { ...e, details: { ...e.details, phase } };
}

/**
 * job:start and job:end reach the host's listeners; one that throws is a bug of the host, logged, and
 * must not leave the job running with its lease held, nor hide its outcome.
 */
function emit<K extends 'job:start' | 'job:end'>(host: JobHost, job: LiveJob, event: K, ...args: RuntimeEvents[K]): void {
  try {
    (host.events.emit as (e: K, ...a: RuntimeEvents[K]) => boolean)(event, ...args);
  } catch (error) {
    job.logger.error({ err: serializeError(error) }, `a ${event} listener threw`);
  }
}

/** Waiting for a lease ends on either signal: a shutdown does not wait for another process's job. */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length > 1 ? AbortSignal.any(present) : present[0];
}
