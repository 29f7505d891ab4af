/**
 * The embeddable runtime: one package, one state store, the connectors the host hands over. The CLI is
 * built on this class and nothing else; a service can drive it the same way.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import { liveMappings } from '../builtins/mappings.js';
import { RecipeError, serializeError, UserError } from '../errors.js';
import { runJob } from '../interpreter/run-job.js';
import { withoutSecrets } from '../interpreter/redact.js';
import type { JobEvent, StepRecord } from '../interpreter/job-env.js';
import { loadPackageOrThrow } from '../loader/load-package.js';
import { silentLogger } from '../logger.js';
import type { PackageModel, RecipeModel } from '../model.js';
import { LEASE_RENEW_MS, Store, type JobRecord, type LeaseHolder } from '../store/index.js';
import type { ConnectionTestResult, ConnectorRegistry, HttpAttempt, Logger, TriggerEvent } from '../types.js';
import { ConnectionPool } from './connections.js';
import { RunRefused, renewLease, startLeasedJob, waitForLease } from './lease.js';
import { Properties } from './properties.js';

export interface RuntimeOptions {
  /** Folder holding package.yaml. */
  packageDir: string;
  /** Folder of the state store; created when missing unless `createDataDir` is false. */
  dataDir: string;
  connectors: ConnectorRegistry;
  logger?: Logger;
  /** @default true */
  createDataDir?: boolean;
  /** Overrides env RECIPES_SECRET_KEY. */
  secretKey?: string;
  /** A postgres:// URL: state in that database instead of the data dir's state.db. */
  databaseUrl?: string;
  /** Items of each foreach whose steps are recorded in full; failed items always are. @default 100 */
  recordItems?: number;
}

export interface RunOptions {
  dryRun?: boolean;
  /** Run even when recipes this one `needs` have not succeeded yet. */
  force?: boolean;
  /** Aborts the job: the step in flight sees it through ctx.signal (its requests are cancelled). */
  signal?: AbortSignal;
  /** Ends the job as stopped once the step in flight has finished, without aborting that step. */
  stopAfterStep?: AbortSignal;
  /** When another job runs the recipe (in any process): wait for it to end instead of failing with RECIPE_BUSY. */
  wait?: boolean;
  /** Called once when the run starts waiting for `holder` to end. */
  onWait?(holder: LeaseHolder): void;
}

export { RunRefused };

export interface RecipeView {
  name: string;
  title: string;
  description?: string;
  trigger: string;
  running: boolean;
  stoppedReason: string | null;
  needs: string[];
  lastJob?: JobRecord;
}

export interface RuntimeEvents {
  'job:start': [{ jobId: number; recipe: string; test: boolean; dryRun: boolean }];
  'job:end': [JobRecord];
  step: [{ jobId: number; record: StepRecord }];
  progress: [Extract<JobEvent, { type: 'progress' }>];
  /** One HTTP attempt of any connection (for metrics). */
  'http:attempt': [HttpAttempt];
  /** A connection's requests waited `ms` for its request budget. */
  'http:rate-wait': [{ connector: string; ms: number }];
  /** `serve` stopped a recipe whose trigger failed `failures` times in a row. */
  'recipe:halted': [{ recipe: string; reason: string; failures: number; error: { code: string; message: string } }];
}

/** Flush step records to the store in batches of this many rows. */
const STEP_BATCH = 500;

export class Runtime extends EventEmitter<RuntimeEvents> {
  readonly package: PackageModel;
  readonly store: Store;
  readonly properties: Properties;
  readonly logger: Logger;
  private readonly pool: ConnectionPool;
  private readonly running = new Map<number, AbortController>();
  private readonly recordItems: number;

  private constructor(options: RuntimeOptions, pkg: PackageModel, store: Store) {
    super();
    this.package = pkg;
    this.store = store;
    this.logger = options.logger ?? silentLogger();
    this.properties = new Properties(pkg, store);
    this.pool = new ConnectionPool(pkg, this.logger, {
      attempt: (e) => {
        if (this.listenerCount('http:attempt') > 0) this.emit('http:attempt', e);
      },
      rateWait: (e) => {
        if (this.listenerCount('http:rate-wait') > 0) this.emit('http:rate-wait', e);
      },
    });
    this.recordItems = options.recordItems ?? 100;
  }

  /** Loads and validates the package (PACKAGE_INVALID lists every problem) and opens the store. */
  static async open(options: RuntimeOptions): Promise<Runtime> {
    const pkg = loadPackageOrThrow(options.packageDir, options.connectors);
    // Store.open fails the jobs of dead processes (markInterrupted) and leaves live ones alone.
    const store = await Store.open({ dataDir: options.dataDir, databaseUrl: options.databaseUrl, create: options.createDataDir ?? true, secretKey: options.secretKey });
    return new Runtime(options, pkg, store);
  }

  recipe(name: string): RecipeModel {
    const recipe = this.package.recipes[name];
    if (!recipe) {
      throw new UserError('RECIPE_UNKNOWN', `The package has no recipe '${name}'. Recipes: ${this.package.recipeOrder.join(', ')}.`, {
        hint: 'See them with `recipes list`.',
      });
    }
    return recipe;
  }

  async recipes(): Promise<RecipeView[]> {
    const views: RecipeView[] = [];
    for (const name of this.package.recipeOrder) {
      const r = this.recipe(name);
      const state = await this.store.getRecipe(this.package.name, name);
      views.push({
        name,
        title: r.title,
        description: r.description,
        trigger: describeTrigger(r),
        running: state.running,
        stoppedReason: state.stoppedReason,
        needs: r.needs,
        lastJob: await this.store.lastJob(this.package.name, name),
      });
    }
    return views;
  }

  async start(name: string): Promise<void> {
    this.recipe(name);
    await this.store.clearTriggerFailures(this.package.name, name);
    await this.store.setRunning(this.package.name, name, true);
  }

  async stop(name: string, reason?: string): Promise<void> {
    this.recipe(name);
    await this.store.setRunning(this.package.name, name, false, reason);
  }

  /** Needs of `name` that have not succeeded yet (a successful test run counts; a dry run does not). */
  async unmetNeeds(name: string): Promise<string[]> {
    const unmet: string[] = [];
    for (const need of this.recipe(name).needs) if (!(await this.store.lastSucceeded(this.package.name, need))) unmet.push(need);
    return unmet;
  }

  /**
   * A test run: one run of a manual or scheduled recipe, or the earliest unprocessed event of a polling
   * one (undefined when there is none: no job is created). The job is marked as a test.
   */
  async test(name: string, options: RunOptions = {}): Promise<JobRecord | undefined> {
    const recipe = this.recipe(name);
    if (!options.force) {
      const unmet = await this.unmetNeeds(name);
      if (unmet.length > 0) {
        throw new UserError('NEEDS_UNMET', `Recipe '${name}' needs ${unmet.map((n) => `'${n}'`).join(' and ')} to have succeeded first.`, {
          details: { unmet },
          hint: `${unmet.map((n) => `recipes test ${n}`).join('; ')} (or pass --force).`,
        });
      }
    }
    if (recipe.trigger.type === 'poll') {
      // The event is polled again after a wait, or when another process ran it meanwhile.
      for (;;) {
        if (options.wait) await waitForLease(this.store, this.package.name, recipe.name, options);
        const [event] = await this.poll(recipe, 1);
        if (!event) return undefined;
        try {
          return await this.runEvent(recipe, event, { ...options, wait: false, test: true });
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (code !== RunRefused.EVENT_DONE && !(code === RunRefused.BUSY && options.wait)) throw error;
        }
      }
    }
    if (recipe.trigger.type === 'webhook') {
      throw new UserError('TEST_NEEDS_EVENT', `Recipe '${name}' is started by a webhook; send one to \`recipes serve\`, or rerun a past job with \`recipes jobs rerun ID\`.`);
    }
    return this.execute(recipe, { type: recipe.trigger.type, at: new Date().toISOString() }, { ...options, test: true });
  }

  /** Events after the recipe's stored cursor, oldest first. */
  async poll(recipe: RecipeModel, limit: number): Promise<TriggerEvent[]> {
    const trigger = recipe.trigger;
    if (trigger.type !== 'poll') return [];
    const { values } = await this.properties.resolve();
    this.properties.requireSet(recipe.properties, values);
    const conn = await this.pool.get(trigger.connection, values);
    const input = await trigger.input.evaluate({ properties: values });
    const cursor = (await this.store.getRecipe(this.package.name, recipe.name)).cursor ?? undefined;
    const controller = new AbortController();
    const result = await trigger.trigger.poll(input, cursor, limit, {
      connection: conn.handle,
      logger: this.logger.child({ recipe: recipe.name, trigger: trigger.source }),
      signal: controller.signal,
      dryRun: false,
      mappings: this.store.mappings(this.package.name),
      progress: () => undefined,
      jobId: 'poll',
    });
    if (Array.isArray(result)) return result;
    if (result.events.length === 0 && cursor === undefined && result.cursor !== undefined) {
      await this.store.setCursor(this.package.name, recipe.name, result.cursor);
    }
    return result.events;
  }

  /** Runs one polled event; its cursor is stored once the job has ended (not for a dry run). */
  async runEvent(recipe: RecipeModel, event: TriggerEvent, options: RunOptions & { test?: boolean }): Promise<JobRecord> {
    const job = await this.execute(recipe, event.data, { ...options, eventId: event.id });
    if (!options.dryRun && job.status !== 'stopped') await this.store.setCursor(this.package.name, recipe.name, event.cursor);
    return job;
  }

  /** Replays a past job's stored trigger data through the current recipe. */
  async rerun(jobId: number, options: RunOptions = {}): Promise<JobRecord> {
    const past = await this.job(jobId);
    return this.execute(this.recipe(past.recipe), past.trigger, { ...options, test: past.test, rerunOf: jobId, eventId: past.eventId ?? undefined });
  }

  async job(id: number): Promise<JobRecord> {
    const job = await this.store.getJob(id);
    if (!job || job.pkg !== this.package.name) throw new UserError('JOB_UNKNOWN', `There is no job ${id}. See \`recipes jobs\`.`);
    return job;
  }

  async jobs(recipe?: string, limit = 20): Promise<JobRecord[]> {
    if (recipe) this.recipe(recipe);
    return this.store.listJobs({ pkg: this.package.name, recipe, limit });
  }

  async steps(jobId: number): Promise<StepRecord[]> {
    await this.job(jobId);
    return this.store.getSteps(jobId);
  }

  /** Asks a running job to stop after the step in flight. */
  cancel(jobId: number): boolean {
    const controller = this.running.get(jobId);
    controller?.abort();
    return controller !== undefined;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }

  async testConnection(name: string): Promise<ConnectionTestResult> {
    const model = this.pool.model(name);
    const { values } = await this.properties.resolve();
    this.properties.requireSet(model.properties, values);
    const conn = await this.pool.get(name, values);
    if (!conn.connector.test) return { message: `Connected (${model.title} has no live check).` };
    return conn.connector.test(conn.handle, {
      connection: conn.handle,
      logger: this.logger.child({ connection: name }),
      signal: new AbortController().signal,
      dryRun: false,
      mappings: this.store.mappings(this.package.name),
      progress: () => undefined,
      jobId: 'connection-test',
    });
  }

  async execute(recipe: RecipeModel, trigger: unknown, options: RunOptions & { test?: boolean; eventId?: string; rerunOf?: number }): Promise<JobRecord> {
    const { values, secrets } = await this.properties.resolve();
    this.properties.requireSet(recipe.properties, values);
    const connections = new Map();
    for (const name of recipe.connections) connections.set(name, await this.pool.get(name, values));
    const dryRun = options.dryRun ?? false;
    const jobId = await startLeasedJob(this.store, { pkg: this.package.name, recipe: recipe.name, test: options.test ?? false, dryRun, trigger, eventId: options.eventId, rerunOf: options.rerunOf }, { ...options, signal: anySignal(options.signal, options.stopAfterStep) });
    const controller = new AbortController();
    // Every request in flight (a foreach runs up to 64 at a time) listens for cancellation.
    setMaxListeners(256, controller.signal);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();
    this.running.set(jobId, controller);
    this.emit('job:start', { jobId, recipe: recipe.name, test: options.test ?? false, dryRun });
    const logger = this.logger.child({ recipe: recipe.name, job: jobId });
    const heartbeat = setInterval(() => void renewLease(this.store, this.package.name, recipe.name, jobId, controller, logger), LEASE_RENEW_MS).unref();
    const buffer: StepRecord[] = [];
    // onStep is synchronous: batches are written in order on a chain the job awaits before it finishes. The
    // first failed write fails the job (its records would be incomplete).
    let written: Promise<void> = Promise.resolve();
    const flush = () => {
      if (buffer.length === 0) return;
      const rows = buffer.splice(0);
      written = written.then(() => this.store.addSteps(jobId, rows));
    };
    try {
      const { mappings, scope } = await liveMappings(this.store.mappings(this.package.name), this.package.mappings);
      const outcome = await runJob({
        jobId,
        recipe,
        test: options.test ?? false,
        dryRun,
        properties: values,
        secrets,
        trigger,
        connections,
        mappings,
        mappingScope: scope,
        logger,
        signal: controller.signal,
        stopAfterStep: options.stopAfterStep,
        recordItems: this.recordItems,
        onStep: (record) => {
          buffer.push(record);
          if (buffer.length >= STEP_BATCH) flush();
          if (this.listenerCount('step') > 0) this.emit('step', { jobId, record });
        },
        onEvent: (event) => {
          if (event.type === 'progress') this.emit('progress', event);
        },
      });
      flush();
      await written;
      const error = outcome.error ?? (outcome.message && outcome.status !== 'succeeded' ? { code: 'JOB_STOPPED', kind: 'operational', message: outcome.message } : undefined);
      const summary = outcome.summary ?? (outcome.message ? { message: outcome.message } : undefined);
      await this.store.finishJob(jobId, { status: outcome.status, error: withoutSecrets(error, secrets), summary: withoutSecrets(summary, secrets) });
    } catch (error) {
      flush();
      await written.catch(() => undefined); // the job fails with `error`; a write that failed too adds nothing
      await this.store.finishJob(jobId, { status: 'failed', error: withoutSecrets(serializeError(error), secrets) });
      logger.error({ err: serializeError(error) }, 'job crashed');
    } finally {
      clearInterval(heartbeat);
      // A lease left behind lapses on its own (LEASE_TTL_MS); the job's outcome is already recorded.
      await this.store.releaseLease(this.package.name, recipe.name, jobId).catch((error: unknown) => logger.warn({ err: serializeError(error) }, 'could not release the recipe lease'));
      this.running.delete(jobId);
      options.signal?.removeEventListener('abort', onAbort);
    }
    const job = await this.job(jobId);
    logger.info({ status: job.status, ms: job.durationMs }, 'job ended');
    this.emit('job:end', job);
    return job;
  }

  /**
   * Why the state store cannot serve this process now (it does not answer, is not a recipes store, or has
   * another schema version than this build migrates to); undefined when it is ready.
   */
  async ready(): Promise<string | undefined> {
    return this.store.ready();
  }

  async close(): Promise<void> {
    this.cancelAll();
    await this.pool.close();
    await this.store.close();
  }
}

/** Waiting for a lease ends on either signal: a shutdown does not wait for another process's job. */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length > 1 ? AbortSignal.any(present) : present[0];
}

function duration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function describeTrigger(recipe: RecipeModel): string {
  const t = recipe.trigger;
  switch (t.type) {
    case 'manual':
      return 'manual';
    case 'schedule':
      return `every ${duration(t.everyMs)}`;
    case 'poll':
      return `poll ${t.source} every ${duration(t.everyMs)}`;
    case 'webhook':
      return `webhook ${t.path}`;
  }
}

export { RecipeError };
