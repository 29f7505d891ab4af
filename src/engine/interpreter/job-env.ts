/** What a job runs with, and how it ends. The runtime builds the env; the interpreter only reads it. */
import type { SerializedError } from '../errors.js';
import type { RecipeModel } from '../model.js';
import type { StepRecord } from '../store/index.js';
import type { ActionContext, ConnectorDef, Logger } from '../types.js';

// A step record is what the store keeps of a step: one description of it, the store's.
export type { StepRecord, StepStatus } from '../store/index.js';
export type Scope = Record<string, unknown>;

/** Step records are not events: they reach the runtime through `onStep`, which stores and forwards them. */
export type JobEvent = { type: 'progress'; jobId: number; step: string; done: number; total?: number };

export interface JobEnv {
  jobId: number;
  recipe: RecipeModel;
  test: boolean;
  dryRun: boolean;
  /** Property values with defaults applied; secrets included (connections need them). */
  properties: Record<string, unknown>;
  /** Values never to store or show (secret properties). */
  secrets: readonly string[];
  trigger: unknown;
  /** Connection name -> connector and the handle its `connect` returned. */
  connections: ReadonlyMap<string, { connector: ConnectorDef; handle: unknown }>;
  /** The context of one action call; the runtime makes every ActionContext (runtime/action-context.ts). */
  context: StepContext;
  /** Mapping name -> key -> value, kept current by `mappings` writes; what expressions read as `mappings`. */
  mappingScope: Record<string, Record<string, string>>;
  logger: Logger;
  signal: AbortSignal;
  /**
   * Ends the job as stopped before its next step (or foreach item) without aborting the step in flight,
   * which `signal` would: a graceful shutdown lets a write finish instead of leaving its outcome unknown.
   */
  stopAfterStep?: AbortSignal;
  /** How many items of each foreach keep full step records (failed items are always kept). */
  recordItems: number;
  onStep(record: StepRecord): void;
  onEvent(event: JobEvent): void;
}

/** What the interpreter asks for before each action call: the context of that step. */
export type StepContext = (step: { connection: string; path: string; action: string; itemSignal?: AbortSignal }) => ActionContext;

export interface JobOutcome {
  status: 'succeeded' | 'failed' | 'stopped';
  error?: SerializedError;
  /** A stop step's message, or why the job was stopped. */
  message?: string;
  summary?: Record<string, unknown>;
}

/** Thrown by a `stop` step; ends the job with the given status. Not an error. */
export class StopSignal {
  constructor(
    readonly status: 'succeeded' | 'failed',
    readonly message: string,
  ) {}
}

/**
 * Thrown when the job was cancelled; the step in flight finished first. An Error with a code, so the step it
 * ends records JOB_STOPPED and this sentence as its error.
 */
export class JobStopped extends Error {
  static readonly MESSAGE = 'The job was cancelled after the step in flight.';
  readonly code = 'JOB_STOPPED';
  constructor() {
    super(JobStopped.MESSAGE);
    this.name = 'JobStopped';
  }
}
