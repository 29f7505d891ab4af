/**
 * The contract between the engine and connectors. Connectors import these types and nothing else from
 * the engine; the engine imports no connector (the CLI builds the registry and hands it over).
 */
import type { Logger } from 'pino';

export type { Logger };

/** A JSON Schema (draft 2020-12 subset that ajv understands). */
export type JsonSchema = Record<string, unknown>;

/** Read and write access to the package's id mappings (e.g. GoCo location id -> WIW location id). */
/** The package's id mappings in the state store; every call is a round trip to it. */
export interface Mappings {
  get(name: string, key: string): Promise<string | undefined>;
  set(name: string, key: string, value: string): Promise<void>;
  delete(name: string, key: string): Promise<void>;
  all(name: string): Promise<Record<string, string>>;
}

/**
 * What `WriteKeys.take` found: the key is now this job's; another job holds it (since an ISO time; `mine`
 * when it was this job's own earlier attempt); or a job made the write already and left its result.
 * `seen` is the stored value, for `takeOver`.
 */
export type WriteKeyState =
  | { taken: true }
  | { heldBy: string; since: string; seen: string; mine: boolean }
  | { result: string; seen: string };

/**
 * Project-wide keys for writes that must not happen twice when two jobs of a project race (two recipes
 * creating the same user). Take the key before the write; `done` with its result after, or `release` when
 * it did not happen. Every call is a round trip to the state store.
 */
export interface WriteKeys {
  take(key: string): Promise<WriteKeyState>;
  /** Takes the key if its value is still `seen` (a stale hold, a result that no longer stands). */
  takeOver(key: string, seen: string): Promise<boolean>;
  done(key: string, result: string): Promise<void>;
  /** Frees the key if this job holds it. */
  release(key: string): Promise<void>;
}

/** One HTTP attempt as a connection's transport saw it: what the engine counts for metrics. */
export interface HttpAttempt {
  /** The connector's name, e.g. 'wheniwork'. */
  connector: string;
  method: string;
  /** 1 for the first attempt of a request, more for a retry. */
  attempt: number;
  /** The answer's status; absent when no answer came (then `error` is set). */
  status?: number;
  /** Why no answer came: a network error code (ECONNREFUSED, ETIMEDOUT, ...). */
  error?: string;
  /** A 429, or an answer the connector's `isRateLimited` calls a rate limit. */
  rateLimited: boolean;
}

/**
 * Receives what a connection's HTTP traffic did, for metrics. Connectors hand it to their transport; they
 * import only this type, the engine decides what to count. Calls must be cheap and never throw.
 */
export interface HttpObserver {
  attempt(e: HttpAttempt): void;
  /** The connection's queue held requests back for `ms` because its request budget was spent. */
  rateWait(e: { connector: string; ms: number }): void;
}

/**
 * A request budget shared by several processes (workers running jobs of one account): `take` resolves once
 * one more request may start, within the budget of every process together.
 */
export interface RateBudget {
  take(signal?: AbortSignal): Promise<void>;
}

/** What a connector's `connect` receives besides its settings. */
export interface ConnectContext {
  logger: Logger;
  /** Pass to the connection's transport (`observer`); absent when nothing listens. */
  http?: HttpObserver;
  /**
   * When the host shares the connection's request budget with other processes: the budget for
   * `requestsPerMinute`, to pass to the transport (`budget`) besides its own per-process window.
   */
  rateBudget?(requestsPerMinute: number): RateBudget;
}

/** What every action and trigger call receives besides its input. */
export interface ActionContext<C = unknown> {
  /** The value the connector's `connect` returned for this connection (client, queue, session). */
  connection: C;
  /** Child logger bound to the job, step and connector. */
  logger: Logger;
  /** Aborted when the job is cancelled; long actions should stop at a safe point. */
  signal: AbortSignal;
  /**
   * Inside a foreach: aborted once the loop has ended early (`break_on`, a failed item). Requests not yet
   * sent should be dropped (the item then counts as not attempted); one already sent finishes.
   */
  itemSignal?: AbortSignal;
  /** True in `recipes test --dry-run`: actions flagged `writes` are not called at all. */
  dryRun: boolean;
  mappings: Mappings;
  /** Absent where no job runs (a connection test, a poll) and in connectors' own unit tests. */
  writeKeys?: WriteKeys;
  /** Reports progress of a long action (rows fetched, items matched); drives progress bars. */
  progress(done: number, total?: number): void;
  jobId: string;
  /**
   * For an input field whose schema has `"x-record": "<key>"` (its value is the expression's text): an
   * evaluator of that expression in the job's scope with `name` bound to one record. Compiled when the
   * package loaded. Evaluate one record at a time: await a Promise result before the next call. `reads` are
   * the top-level names the expression reads ('$' for the whole scope): only `name`, and its value depends
   * on the record alone.
   */
  recordExpression?(source: string, name: string): ((record: unknown) => unknown) & { reads?: ReadonlySet<string> };
}

export interface ActionDef<I = any, O = any, C = any> {
  title: string;
  description: string;
  /** The only description of the action's input: validated at load (literals) and before each call. */
  input: JsonSchema;
  output: JsonSchema;
  /**
   * True when the action changes the remote system. In a dry run the engine does not call it and records
   * the planned input instead; `plan` may return a stand-in output so later steps can still be planned.
   */
  writes?: boolean;
  plan?(input: I): O;
  run(input: I, ctx: ActionContext<C>): Promise<O>;
}

/** One event found by a poll trigger, with the cursor that marks it processed. */
export interface TriggerEvent<E = unknown> {
  /** A stable id for the event (used in job records and to tell repeats apart). */
  id: string;
  data: E;
  /** The cursor to store once a job for this event has finished. */
  cursor: unknown;
}

/** A poll's answer when it also knows where the next poll starts (e.g. "now", on a first poll with no events). */
export interface PollResult<E = unknown> {
  events: TriggerEvent<E>[];
  /** Stored as the recipe's cursor when there was none and no event came back. */
  cursor?: unknown;
}

export interface PollTriggerDef<I = any, E = any, C = any> {
  title: string;
  description: string;
  input: JsonSchema;
  /** Schema of one event's `data`; steps address it as `trigger`. */
  output: JsonSchema;
  /**
   * Returns events after `cursor` (undefined = from the beginning, as the trigger defines it), oldest
   * first, at most `limit`. Must not skip or repeat across calls when given each event's cursor back.
   */
  poll(input: I, cursor: unknown, limit: number, ctx: ActionContext<C>): Promise<TriggerEvent<E>[] | PollResult<E>>;
}

export interface ConnectionTestResult {
  /** A sentence for the admin, e.g. "Connected to workplace Uptown Cafe (account 12345)". */
  message: string;
}

export interface ConnectorDef<S = any, C = any> {
  /** The name recipes use: `action: <name>.<action>`. */
  name: string;
  title: string;
  description: string;
  /** True for engine built-ins (mappings) that need no connection file; `connect` gets empty settings. */
  connectionless?: boolean;
  /** Schema of a connection's `settings` for this connector. Secret fields carry `"x-secret": true`. */
  settings: JsonSchema;
  /** Builds the connection handle (HTTP client, queue). Must not touch the network. */
  connect(settings: S, ctx: ConnectContext): C;
  /** Checks the connection for real; throws a RecipeError with a plain reason when it cannot connect. */
  test?(connection: C, ctx: ActionContext<C>): Promise<ConnectionTestResult>;
  /** Drains queues and closes sockets. */
  close?(connection: C): Promise<void>;
  actions: Record<string, ActionDef<any, any, C>>;
  triggers?: Record<string, PollTriggerDef<any, any, C>>;
}

export type ConnectorRegistry = readonly ConnectorDef[];
