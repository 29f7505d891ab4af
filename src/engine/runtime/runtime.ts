/**
 * The embeddable runtime: one project of a state store, the package it uses, the connectors the host hands
 * over. The CLI is built on this class and nothing else; a service can drive it the same way.
 */
import { EventEmitter } from 'node:events';
import { isRecipeError, RecipeError, UserError } from '../errors.js';
import type { JobEvent, StepRecord } from '../interpreter/job-env.js';
import { loadCheckedPackage, type PackageCache } from '../loader/checked-package.js';
import { silentLogger } from '../logger.js';
import type { PackageModel, RecipeModel } from '../model.js';
import { retryTransient, Store, type AttemptRecord, type JobRecord, type JobStatus, type LeaseHolder, type Send, type PackageStamp, type RecipeState, type ServeLock, type ServeStatus } from '../store/index.js';
import type { ConnectionTestResult, ConnectorRegistry, HttpAttempt, Logger, RateBudget, TriggerEvent } from '../types.js';
import { actionContext } from './action-context.js';
import { ConnectionPool } from './connections.js';
import { failedBeforeSteps, runJobLifecycle, type ClaimedJob, type JobHost, type JobOptions } from './job-lifecycle.js';
import { RunRefused, waitForLease } from './lease.js';
import { Properties } from './properties.js';
import { openProject, type LoadedPackages } from './project.js';
import { pruneJobs, type PruneOptions, type PruneReport } from './retention.js';

export interface RuntimeOptions {
  /** The project whose state this runtime reads and writes. @default 'default' */
  project?: string;
  /**
   * Folder holding package.yaml, used for this run. Without it, the project's own package (the one it
   * was created with), else `defaultPackageDir`. A project that uses another package (by name) refuses it.
   */
  packageDir?: string;
  /** The package of a project created without one (the CLI's shipped package). */
  defaultPackageDir?: string;
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
  /** Where packages already checked are remembered (see loader/checked-package.ts); none: a full load every time. */
  packageCache?: PackageCache;
  /**
   * An open store shared by the runtimes of many projects (a worker's): used instead of opening one, and
   * left open by close().
   */
  store?: Store;
  /** Packages already loaded, by folder, shared by the runtimes of many projects. */
  packages?: LoadedPackages;
  /**
   * A request budget shared with other processes, per connection (`key` names the project and connection):
   * a worker's, so that every job using one account keeps within its budget whichever worker runs it.
   */
  rateBudget?(key: string, requestsPerMinute: number): RateBudget;
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

export class Runtime extends EventEmitter<RuntimeEvents> {
  readonly package: PackageModel;
  /** The project whose state this runtime reads and writes. */
  readonly project: string;
  /** The package's name, version and content hash, recorded with every job. */
  readonly packageStamp: PackageStamp;
  private readonly store: Store;
  /** False when the store was handed over (RuntimeOptions.store): its owner closes it. */
  private readonly ownsStore: boolean;
  readonly properties: Properties;
  readonly logger: Logger;
  private readonly pool: ConnectionPool;
  private readonly running = new Map<number, AbortController>();
  /** What job-lifecycle.ts runs a job with. */
  private readonly host: JobHost;

  private constructor(options: RuntimeOptions, project: string, pkg: PackageModel, stamp: PackageStamp, store: Store) {
    super();
    this.package = pkg;
    this.project = project;
    this.packageStamp = stamp;
    this.store = store;
    this.ownsStore = options.store === undefined;
    this.logger = options.logger ?? silentLogger();
    this.properties = new Properties(pkg, store, project);
    const budget = options.rateBudget;
    this.pool = new ConnectionPool(pkg, this.logger, budget && ((connection, perMinute) => budget(`${project}/${connection}`, perMinute)), {
      attempt: (e) => {
        if (this.listenerCount('http:attempt') > 0) this.emit('http:attempt', e);
      },
      rateWait: (e) => {
        if (this.listenerCount('http:rate-wait') > 0) this.emit('http:rate-wait', e);
      },
    });
    this.host = {
      project,
      packageStamp: stamp,
      model: pkg,
      store,
      properties: this.properties,
      pool: this.pool,
      logger: this.logger,
      recordItems: options.recordItems ?? 100,
      running: this.running,
      events: this,
    };
  }

  /**
   * Loads and validates the package (PACKAGE_INVALID lists every problem), opens the store and the project
   * (PROJECT_UNKNOWN; `default` is created on first use). See ./project.ts for which package is used.
   */
  static async open(options: RuntimeOptions): Promise<Runtime> {
    // An explicit package is checked before the store is opened: its problems come first, as they always did.
    const given = options.packageDir === undefined ? undefined : loadCheckedPackage(options.packageDir, options.connectors, options.packageCache);
    // Store.open fails the jobs of dead processes (markInterrupted) and leaves live ones alone.
    const store = options.store ?? await Store.open({ dataDir: options.dataDir, databaseUrl: options.databaseUrl, create: options.createDataDir ?? true, secretKey: options.secretKey });
    try {
      const { project, pkg, stamp } = await openProject(store, options, given);
      return new Runtime(options, project, pkg, stamp, store);
    } catch (error) {
      if (!options.store) await store.close();
      throw error;
    }
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
      const state = await this.store.getRecipe(this.project, name);
      views.push({
        name,
        title: r.title,
        description: r.description,
        trigger: describeTrigger(r),
        running: state.running,
        stoppedReason: state.stoppedReason,
        needs: r.needs,
        lastJob: await this.store.lastJob(this.project, name),
      });
    }
    return views;
  }

  async start(name: string): Promise<void> {
    this.recipe(name);
    await this.store.clearTriggerFailures(this.project, name);
    await this.store.setRunning(this.project, name, true);
  }

  async stop(name: string, reason?: string): Promise<void> {
    this.recipe(name);
    await this.store.setRunning(this.project, name, false, reason);
  }

  /** Needs of `name` that have not succeeded yet (a successful test run counts; a dry run does not). */
  async unmetNeeds(name: string): Promise<string[]> {
    const unmet: string[] = [];
    for (const need of this.recipe(name).needs) if (!(await this.store.lastSucceeded(this.project, need))) unmet.push(need);
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
        if (options.wait) await waitForLease(this.store, this.project, recipe.name, options);
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
    const cursor = (await this.store.getRecipe(this.project, recipe.name)).cursor ?? undefined;
    const result = await trigger.trigger.poll(
      input,
      cursor,
      limit,
      actionContext({ connection: conn.handle, logger: this.logger.child({ recipe: recipe.name, trigger: trigger.source }), mappings: this.store.mappings(this.project), jobId: 'poll' }),
    );
    if (Array.isArray(result)) return result;
    if (result.events.length === 0 && cursor === undefined && result.cursor !== undefined) {
      await this.store.setCursor(this.project, recipe.name, result.cursor);
    }
    return result.events;
  }

  /**
   * Runs one polled event; its cursor is stored once the job has ended (not for a dry run). An event whose
   * last job failed before its steps (a property missing) was not run: it is run again, as a rerun of that job.
   */
  async runEvent(recipe: RecipeModel, event: TriggerEvent, options: RunOptions & { test?: boolean }): Promise<JobRecord> {
    let rerunOf: number | undefined;
    for (;;) {
      try {
        const job = await this.execute(recipe, event.data, { ...options, eventId: event.id, ...(rerunOf === undefined ? {} : { rerunOf }) });
        if (!options.dryRun && job.status !== 'stopped') await this.store.setCursor(this.project, recipe.name, event.cursor);
        return job;
      } catch (error) {
        const done = isRecipeError(error, RunRefused.EVENT_DONE) ? error.details.jobId : undefined;
        if (rerunOf !== undefined || typeof done !== 'number') throw error;
        const past = await this.store.getJob(done);
        if (!past || !failedBeforeSteps(past)) throw error;
        rerunOf = done;
      }
    }
  }

  /** Replays a past job's stored trigger data through the current recipe. */
  async rerun(jobId: number, options: RunOptions = {}): Promise<JobRecord> {
    const past = await this.job(jobId);
    return this.execute(this.recipe(past.recipe), past.trigger, { ...options, test: past.test, rerunOf: jobId, eventId: past.eventId ?? undefined });
  }

  /**
   * Records one run of `name` as queued for a worker and, in the same transaction, puts it in the queue
   * with `send`; answers the job's id. `once`: a key this project queues at most once, across processes
   * (a webhook delivery); ALREADY_QUEUED when it was queued before.
   */
  async enqueue(name: string, trigger: unknown, send: Send, options: { test?: boolean; rerunOf?: number; eventId?: string; once?: string } = {}): Promise<number> {
    const recipe = this.recipe(name);
    return this.store.enqueueJob(
      { project: this.project, package: this.packageStamp, recipe: recipe.name, test: options.test ?? false, dryRun: false, trigger, rerunOf: options.rerunOf, eventId: options.eventId },
      send,
      options.once,
    );
  }

  /** Runs a queued job this process claimed, through the same lifecycle as any other. */
  async runClaimed(claimed: ClaimedJob, options: RunOptions = {}): Promise<JobRecord> {
    const job = await retryTransient(() => this.job(claimed.jobId));
    return this.execute(this.recipe(job.recipe), job.trigger, { ...options, claimed, test: job.test, dryRun: job.dryRun, eventId: job.eventId ?? undefined, rerunOf: job.rerunOf ?? undefined });
  }

  /** Each worker's attempt at the jobs (queued jobs only have them), oldest first. */
  async attempts(jobIds: readonly number[]): Promise<Map<number, AttemptRecord[]>> {
    return this.store.jobAttempts(jobIds);
  }

  async job(id: number): Promise<JobRecord> {
    const job = await this.store.getJob(id);
    if (!job || job.project !== this.project) throw new UserError('JOB_UNKNOWN', `There is no job ${id}. See \`recipes jobs\`.`);
    return job;
  }

  /** Newest first; `status` keeps only the jobs that ended so (or still run). */
  async jobs(recipe?: string, limit = 20, status?: JobStatus): Promise<JobRecord[]> {
    if (recipe) this.recipe(recipe);
    return this.store.listJobs({ project: this.project, recipe, limit, ...(status ? { status } : {}) });
  }

  async steps(jobId: number): Promise<StepRecord[]> {
    await this.job(jobId);
    return this.store.getSteps(jobId);
  }

  /** Deletes finished jobs older than `olderThanMs` (default: job_retention_days); store/prune.ts says what stays. */
  async pruneJobs(options: PruneOptions = {}): Promise<PruneReport> {
    return pruneJobs(this.store, this.project, this.properties, options);
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
    return conn.connector.test(
      conn.handle,
      actionContext({ connection: conn.handle, logger: this.logger.child({ connection: name }), mappings: this.store.mappings(this.project), jobId: 'connection-test' }),
    );
  }

  /**
   * Runs one job of `recipe` through its lifecycle (job-lifecycle.ts) and answers its record. Throws, with
   * no job made, when the run is refused (RECIPE_BUSY, EVENT_ALREADY_RUN, WAIT_CANCELLED); throws the
   * error, once the job is recorded as failed, when it failed before its steps (PROPERTY_MISSING,
   * CONNECTION_SETTINGS).
   */
  async execute(recipe: RecipeModel, trigger: unknown, options: RunOptions & JobOptions): Promise<JobRecord> {
    return runJobLifecycle(this.host, recipe, trigger, options);
  }

  /** A recipe's stored state: started or stopped (and why), cursor, consecutive trigger failures. */
  async recipeState(name: string): Promise<RecipeState> {
    this.recipe(name);
    return this.store.getRecipe(this.project, name);
  }

  /** Changes whenever a recipe of this project is started or stopped, by any process. */
  async recipesVersion(): Promise<number> {
    return this.store.recipesVersion(this.project);
  }

  /** Counts one more consecutive trigger failure of `name`; returns the count. */
  async noteTriggerFailure(name: string): Promise<number> {
    return this.store.noteTriggerFailure(this.project, name);
  }

  async clearTriggerFailures(name: string): Promise<void> {
    await this.store.clearTriggerFailures(this.project, name);
  }

  /** Throws SERVE_LOCKED when a live `recipes serve` of this project holds the store (one per project). */
  async acquireServeLock(): Promise<ServeLock> {
    return this.store.acquireServeLock(this.project);
  }

  /** Whether a live `recipes serve` of this project runs on the store, and its pid when known. */
  async serveStatus(): Promise<ServeStatus> {
    return this.store.serveStatus(this.project);
  }

  /** Where the state is: the database kind, the state.db file or masked URL, and the data dir. */
  get storeInfo(): { dialect: 'sqlite' | 'postgres'; location: string; dataDir: string } {
    return { dialect: this.store.dialect, location: this.store.location, dataDir: this.store.dataDir };
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
    if (this.ownsStore) await this.store.close();
  }
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
