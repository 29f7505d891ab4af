/**
 * The webhooks of every project, for `serve --queue`: `POST /<project>/<hook path>` is checked as `serve`
 * checks its own (webhook.ts: signature, timestamp, delivery id, body cap) with that project's secret, and
 * an accepted delivery is queued as a job for the workers; the 202 is sent once the job is committed.
 * Any number of `serve --queue` processes may take deliveries (behind one load balancer): each delivery id
 * is a write key of its project taken with the job, so a retry that reaches another process is a duplicate
 * there too.
 */
import type { IncomingMessage } from 'node:http';
import { isRecipeError } from '../errors.js';
import type { RecipeModel } from '../model.js';
import { StoreErrorCode } from '../store/index.js';
import type { Logger } from '../types.js';
import type { Fleet } from './fleet.js';
import type { Runtime } from './runtime.js';
import { WebhookReceiver, WebhookServer, type Reply } from './webhook.js';

/** Queues a delivery's job with `once` as its key (Runtime.enqueue's `once`). */
export type Enqueue = (rt: Runtime, recipe: RecipeModel, data: unknown, once: string) => Promise<void>;

export class FleetWebhooks extends WebhookServer {
  private readonly receivers = new Map<string, Promise<WebhookReceiver | undefined>>();
  /** A project's receiver is made at its first delivery; the replay window starts when this process did. */
  private readonly startedSec = Math.floor(Date.now() / 1000);

  constructor(
    private readonly fleet: Fleet,
    private readonly enqueue: Enqueue,
    logger: Logger,
    private readonly maxBodyBytes?: number,
  ) {
    super((req, reply) => this.route(req, reply), logger);
  }

  private async route(req: IncomingMessage, reply: Reply): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const m = /^\/([A-Za-z0-9][A-Za-z0-9_.-]{0,63})(\/.*)$/.exec(path);
    const receiver = m ? await this.receiver(m[1] as string) : undefined;
    if (!m || !receiver) return reply(404, { error: 'no such webhook: POST /<project>/<path>' });
    return receiver.handle(req, reply, m[2] as string);
  }

  /** The project's receiver, made once; undefined for a project that does not exist or has no webhook. */
  private receiver(project: string): Promise<WebhookReceiver | undefined> {
    let r = this.receivers.get(project);
    if (!r) {
      r = this.fleet.runtime(project).then(
        (rt) => {
          const hooks = rt.package.recipeOrder.map((n) => rt.recipe(n)).filter((x) => x.trigger.type === 'webhook');
          if (hooks.length === 0) return undefined;
          return new WebhookReceiver(rt, hooks, {
            maxBodyBytes: this.maxBodyBytes,
            running: async (name) => (await rt.recipeState(name)).running,
            accept: async (recipe, data, deliveryId) => {
              try {
                await this.enqueue(rt, recipe, data, `webhook ${recipe.name} ${deliveryId}`);
              } catch (error) {
                if (isRecipeError(error, StoreErrorCode.ALREADY_QUEUED)) return 'duplicate';
                throw error;
              }
            },
          }, this.startedSec);
        },
        () => undefined,
      );
      // A project that does not exist (yet) is asked again next time.
      void r.then((x) => x ?? this.receivers.delete(project));
      this.receivers.set(project, r);
    }
    return r;
  }
}
