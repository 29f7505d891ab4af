/**
 * `serve`: runs the triggers of started recipes until the signal aborts. Notices start/stop made by
 * other processes (it watches the store), stops a recipe after too many consecutive trigger failures,
 * and on shutdown lets each job finish its step in flight and records it as stopped.
 */
import { serializeError, UserError, type SerializedError } from '../errors.js';
import { runTick } from './trigger-tick.js';
import type { ServeLock } from '../store/index.js';
import type { RecipeModel } from '../model.js';
import { sleep } from '../sleep.js';
import { DAY_MS, describePrune, type PruneReport } from './retention.js';
import type { Runtime } from './runtime.js';
import { WebhookEndpoint } from './webhook.js';

export interface ServeOptions {
  /** Shutdown: jobs in flight finish their current step, then end as stopped; run() resolves after. */
  signal: AbortSignal;
  /** Aborts jobs in flight at once, cancelling their requests (a second Ctrl-C). */
  abortSignal?: AbortSignal;
  /** Port of the webhook endpoint on 127.0.0.1 (only opened when a recipe declares a webhook). @default 0 */
  webhookPort?: number;
  /** Largest webhook body accepted, in bytes (413 beyond). @default 1 MB */
  webhookMaxBody?: number;
  /** How often the store is checked for start/stop changes, in ms. @default 500 */
  watchMs?: number;
  /** Consecutive trigger failures after which a recipe stops itself. @default 5 */
  maxTriggerFailures?: number;
  /** Called with the endpoint's base URL and each webhook recipe's full URL once it listens. */
  onWebhookListening?(url: string, hooks: { recipe: string; url: string }[]): void;
  /**
   * Called when serve begins running a recipe's trigger (`started`) and once its loop has ended
   * (`stopped`, with the reason when the recipe stopped itself). Not called at shutdown.
   */
  onRecipe?(name: string, state: 'started' | 'stopped', reason?: string): void;
  /** How often job history is pruned (job_retention_days), the first time at start; 0: never. @default 24 h */
  pruneEveryMs?: number;
  /** Called after each prune with what it deleted (a failed prune is logged and serve goes on). */
  onPrune?(report: PruneReport): void;
  /** Called after each failed poll or schedule tick (a job that ran and failed is not a trigger failure). */
  onTriggerFailure?(name: string, count: number, max: number, error: SerializedError): void;
}

export class Server {
  private readonly loops = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private webhook?: WebhookEndpoint;
  private lock?: ServeLock;
  private readonly webhookQueues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly rt: Runtime,
    private readonly options: ServeOptions,
  ) {}

  /**
   * Takes the data dir's serve lock (SERVE_LOCKED) and binds the webhook port (PORT_IN_USE), so a caller
   * can announce serving only once both hold. `run` calls it when the caller did not.
   */
  async listen(): Promise<void> {
    if (this.lock) return;
    const lock = await this.rt.acquireServeLock();
    try {
      await this.openWebhooks();
    } catch (error) {
      await lock.release();
      throw error;
    }
    this.lock = lock;
  }

  async run(): Promise<void> {
    await this.listen();
    const { signal } = this.options;
    const pruning = this.pruneLoop(signal);
    try {
      let version = -1;
      while (!signal.aborted) {
        const now = await this.rt.recipesVersion();
        if (now !== version) {
          version = now;
          await this.reconcile();
        }
        await sleep(this.options.watchMs ?? 500, signal);
      }
    } finally {
      for (const loop of this.loops.values()) loop.controller.abort();
      await Promise.allSettled([...this.loops.values()].map((l) => l.done));
      await Promise.allSettled([...this.webhookQueues.values()]);
      await this.webhook?.close();
      await pruning;
      await this.lock?.release();
    }
  }

  /** Once at start, then every pruneEveryMs; a failure is logged and tried again next time, never fatal. */
  private async pruneLoop(signal: AbortSignal): Promise<void> {
    const every = this.options.pruneEveryMs ?? DAY_MS;
    while (every > 0 && !signal.aborted) {
      try {
        const report = await this.rt.pruneJobs();
        this.rt.logger.info({ jobs: report.jobs, steps: report.steps, kept: report.kept, before: report.before, file_bytes: report.fileBytes }, `job history: ${describePrune(report)}`);
        this.options.onPrune?.(report);
      } catch (error) {
        this.rt.logger.error({ err: serializeError(error) }, 'pruning job history failed; serve goes on and tries again at the next prune');
      }
      await sleep(every, signal);
    }
  }

  private jobOptions(): { stopAfterStep: AbortSignal; signal?: AbortSignal } {
    return { stopAfterStep: this.options.signal, signal: this.options.abortSignal };
  }

  private async running(name: string): Promise<boolean> {
    return (await this.rt.recipeState(name)).running;
  }

  private async reconcile(): Promise<void> {
    for (const name of this.rt.package.recipeOrder) {
      const recipe = this.rt.recipe(name);
      const should = (await this.running(name)) && (recipe.trigger.type === 'poll' || recipe.trigger.type === 'schedule');
      const loop = this.loops.get(name);
      if (should && !loop) {
        const controller = new AbortController();
        const done = this.loop(recipe, controller.signal).then((reason) => {
          this.loops.delete(name);
          if (!this.options.signal.aborted) this.options.onRecipe?.(name, 'stopped', reason);
        });
        this.loops.set(name, { controller, done });
        this.options.onRecipe?.(name, 'started');
      } else if (!should && loop) loop.controller.abort();
    }
  }

  /** Runs the trigger until stopped; resolves with the reason when the recipe stopped itself. */
  private async loop(recipe: RecipeModel, signal: AbortSignal): Promise<string | undefined> {
    const t = recipe.trigger;
    const every = t.type === 'poll' || t.type === 'schedule' ? t.everyMs : 60_000;
    const stop = AbortSignal.any([signal, this.options.signal]);
    while (!stop.aborted) {
      // Polls start every `every` ms whatever the jobs took, so a busy recipe does not fall further behind
      // by sleeping a full interval after each batch.
      const started = performance.now();
      const tick = await runTick(this.rt, recipe, {
        stop,
        job: this.jobOptions(),
        maxFailures: this.options.maxTriggerFailures,
        onFailure: (count, max, error) => this.options.onTriggerFailure?.(recipe.name, count, max, error),
      });
      if (tick.kind === 'failed' && tick.halted) return tick.halted;
      // More events waiting: catch up before sleeping. A busy recipe keeps its cursor: polled again next tick.
      if (tick.kind === 'ran' && tick.more) continue;
      await sleep(Math.max(0, every - (performance.now() - started)), stop);
    }
    return undefined;
  }

  private async openWebhooks(): Promise<void> {
    const hooks = this.rt.package.recipeOrder.map((n) => this.rt.recipe(n)).filter((r) => r.trigger.type === 'webhook');
    if (hooks.length === 0) return;
    this.webhook = new WebhookEndpoint(this.rt, hooks, {
      maxBodyBytes: this.options.webhookMaxBody,
      running: (name) => this.running(name),
      accept: (recipe, data) => {
        // One job at a time per recipe, in arrival order. A job that failed before its steps is recorded
        // (`recipes jobs`) and its error thrown here: the sender already has its 202, so it is logged.
        const previous = this.webhookQueues.get(recipe.name) ?? Promise.resolve();
        const next = previous
          .then(() => this.rt.execute(recipe, data, { ...this.jobOptions(), wait: true }))
          .catch((error: unknown) => this.rt.logger.error({ recipe: recipe.name, err: serializeError(error) }, 'webhook delivery failed'));
        this.webhookQueues.set(recipe.name, next);
      },
    });
    const port = this.options.webhookPort ?? 0;
    const base = await this.webhook.listen(port).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE' ? portInUse('webhook', port, '--webhook-port', error) : error;
    });
    this.options.onWebhookListening?.(
      base,
      hooks.map((r) => ({ recipe: r.name, url: base + (r.trigger.type === 'webhook' ? r.trigger.path : '') })),
    );
  }
}

/** PORT_IN_USE: a user error (exit 2) naming the port and the option that picks another. */
export function portInUse(what: string, port: number, option: string, cause?: unknown, host = '127.0.0.1'): UserError {
  return new UserError('PORT_IN_USE', `The ${what} port ${port} on ${host} is already in use.`, {
    cause,
    details: { port },
    hint: `Stop what listens there, or pass ${option} with another port (0 picks a free one).`,
  });
}
