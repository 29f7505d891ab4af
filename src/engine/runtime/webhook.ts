/**
 * The webhook endpoint of `serve`. Everything here faces unauthenticated clients, so nothing a client
 * sends may throw out of a handler, and nothing is buffered past the body cap.
 *
 * A delivery is `POST <path>` with:
 * - `X-Signature-Timestamp: <unix seconds>`, within {@link TOLERANCE_SEC} of serve's clock, and not before
 *   serve started (so a restart, which forgets the delivery ids seen, cannot reopen the replay window);
 * - `X-Delivery-Id: <1-200 visible ASCII characters>`, unique per delivery (a retry keeps its id);
 * - `X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the recipe's secret>`.
 *
 * Answers: 202 accepted (one job queued); 200 `{ duplicate: true }` for a delivery id (or exact request)
 * already accepted within the window, so the sender stops retrying and no second job runs; 400 missing
 * delivery id or body not JSON; 401 bad, stale or missing signature; 404 no such hook; 405 not POST;
 * 409 recipe stopped; 413 body over the cap (at once from Content-Length, else as soon as it passes).
 */
import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecipeModel } from '../model.js';
import type { Logger } from '../types.js';
import type { Runtime } from './runtime.js';

/** How far a signed timestamp may be from serve's clock, either way, and how long ids are remembered. */
export const TOLERANCE_SEC = 300;
/** @default body cap: 1 MB. */
export const DEFAULT_MAX_BODY = 1024 * 1024;

/** How long a connection whose body was refused stays open so the client can read the answer, in ms. */
const LINGER_MS = 1000;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const TIMESTAMP = /^\d{1,12}$/;
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;
const BAD_SIGNATURE =
  'bad signature: expected X-Signature-Timestamp: <unix seconds, within 5 minutes>, X-Delivery-Id and X-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>">';

export interface WebhookOptions {
  maxBodyBytes?: number;
  /** Whether the recipe is started (a stopped one answers 409). */
  running(name: string): Promise<boolean>;
  /**
   * Takes one accepted delivery (serve runs one job at a time per recipe; `serve --queue` queues it).
   * 'duplicate': another process took it already (`serve --queue` processes share the database).
   */
  accept(recipe: RecipeModel, data: unknown, deliveryId: string): void | 'duplicate' | Promise<void | 'duplicate'>;
}

export type Reply = (status: number, body: unknown) => void;

/** One project's webhooks: finds the hook by path, checks the signature, remembers the deliveries it took. */
export class WebhookReceiver {
  private readonly startedSec: number;
  /** Delivery ids and signatures accepted, with when (seconds): forgotten once outside the window. */
  private readonly seen = new Map<string, number>();

  /** `startedSec`: when the process began taking deliveries (unix seconds); earlier signatures are refused. */
  constructor(
    private readonly rt: Runtime,
    private readonly hooks: RecipeModel[],
    private readonly options: WebhookOptions,
    startedSec = Math.floor(Date.now() / 1000),
  ) {
    this.startedSec = startedSec;
  }

  /** `path`: the request's path below the receiver's prefix (the whole path for `serve`). */
  async handle(req: IncomingMessage, reply: Reply, path: string): Promise<void> {
    const recipe = this.hooks.find((r) => r.trigger.type === 'webhook' && r.trigger.path === path);
    if (!recipe || recipe.trigger.type !== 'webhook') return reply(404, { error: 'no such webhook' });
    if (req.method !== 'POST') return reply(405, { error: 'webhooks take POST' });
    if (!(await this.options.running(recipe.name))) return reply(409, { error: `recipe ${recipe.name} is stopped` });

    const signature = SIGNATURE.exec(header(req, 'x-signature'))?.[1];
    const timestamp = header(req, 'x-signature-timestamp');
    const deliveryId = header(req, 'x-delivery-id');
    const now = Math.floor(Date.now() / 1000);
    if (!signature || !TIMESTAMP.test(timestamp)) return reply(401, { error: BAD_SIGNATURE });
    const ts = Number(timestamp);
    if (Math.abs(now - ts) > TOLERANCE_SEC || ts < this.startedSec) {
      return reply(401, { error: 'stale signature: X-Signature-Timestamp must be within 5 minutes of now (sign each attempt afresh)' });
    }
    if (!DELIVERY_ID.test(deliveryId)) return reply(400, { error: 'X-Delivery-Id is missing: give each delivery a unique id (1-200 visible ASCII characters), the same on retries' });

    const max = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const tooLarge = { error: `the body is larger than ${max} bytes` };
    const length = header(req, 'content-length');
    if (length !== '' && !(Number(length) <= max)) return reply(413, tooLarge);

    const { values } = await this.rt.properties.resolve();
    const secret = String((await recipe.trigger.secret.evaluate({ properties: values })) ?? '');
    if (secret.length === 0) return reply(401, { error: BAD_SIGNATURE });
    const hmac = createHmac('sha256', secret).update(`${timestamp}.`);
    const body = await readCapped(req, hmac, max);
    if (body === 'aborted') return undefined;
    if (body === 'too large') return reply(413, tooLarge);

    const given = Buffer.from(signature, 'hex');
    if (!timingSafeEqual(hmac.digest(), given)) return reply(401, { error: BAD_SIGNATURE });
    this.forgetOld(now);
    const idKey = `id:${recipe.name}:${deliveryId}`;
    const sigKey = `sig:${signature.toLowerCase()}`;
    if (this.seen.has(idKey) || this.seen.has(sigKey)) return reply(200, { duplicate: true, message: 'already received' });
    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(400, { error: 'the body is not JSON' });
    }
    // Answered once it is taken (for `serve --queue`: once the job and its queue entry are committed); a
    // retry that arrives meanwhile is already a duplicate, and one after a failure is taken again.
    this.seen.set(idKey, now).set(sigKey, now);
    let taken: void | 'duplicate';
    try {
      taken = await this.options.accept(recipe, data, deliveryId);
    } catch (error) {
      this.seen.delete(idKey);
      this.seen.delete(sigKey);
      throw error;
    }
    if (taken === 'duplicate') return reply(200, { duplicate: true, message: 'already received' });
    return reply(202, { accepted: true });
  }

  private forgetOld(now: number): void {
    // Map order is insertion order, which is time order: stop at the first one still inside the window.
    for (const [key, at] of this.seen) {
      if (now - at <= TOLERANCE_SEC + 1) break;
      this.seen.delete(key);
    }
  }
}

/**
 * The HTTP side shared by `serve`'s endpoint and `serve --queue`'s: `route` answers each request through
 * `reply`; whatever it throws is logged and answered 500, a body left unread is not read on.
 */
export class WebhookServer {
  private readonly server: HttpServer;

  constructor(route: (req: IncomingMessage, reply: Reply) => Promise<void>, logger: Logger) {
    this.server = createServer((req, res) => {
      const reply: Reply = (status, body) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
        if (req.complete) return;
        // A body left unread is not read on (a client could keep sending gigabytes): the connection is
        // dropped shortly after the answer. Not at once: closing a socket with unread input resets it,
        // and the client would lose the answer it has not read yet.
        req.pause();
        const timer = setTimeout(() => req.destroy(), LINGER_MS).unref();
        req.socket.once('close', () => clearTimeout(timer));
      };
      req.on('error', () => req.destroy());
      route(req, reply).catch((error: unknown) => {
        logger.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, 'webhook request failed');
        reply(500, { error: 'internal error; the delivery was not accepted' });
      });
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** `serve`'s webhook endpoint: one project's hooks at their paths. */
export class WebhookEndpoint extends WebhookServer {
  constructor(rt: Runtime, hooks: RecipeModel[], options: WebhookOptions) {
    const receiver = new WebhookReceiver(rt, hooks, options);
    super((req, reply) => receiver.handle(req, reply, (req.url ?? '').split('?')[0] ?? ''), rt.logger);
  }
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** Feeds the body to `hmac` as it arrives; stops reading (the stream paused) once it passes `max` bytes. */
function readCapped(req: IncomingMessage, hmac: Hmac, max: number): Promise<Buffer | 'too large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: Buffer | 'too large' | 'aborted') => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        return done('too large');
      }
      hmac.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onError = () => done('aborted');
    const onClose = () => done('aborted');
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
