/**
 * The HTTP shell both emulators run in: loopback only, JSON in and out, latency and faults applied in one
 * place, and a count of requests by route so tests and benchmarks can assert how many calls were made.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultOptions } from './faults.js';

export interface EmulatorRequest {
  method: string;
  /** Path without the query string, e.g. `/2/users/12`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The body as received, for emulators that must reject malformed input their own way. */
  rawBody: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers to answer with an error reply. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`emulator reply ${reply.status}`);
  }
}

export type Handler = (req: EmulatorRequest) => Reply | Promise<Reply>;

export interface ServeOptions {
  /** @default 0 (a free port) */
  port?: number;
  faults?: FaultOptions;
  /** Body of a 503/429 fault reply, in the emulated API's own error shape. */
  faultBody: (kind: 'status503' | 'status429') => unknown;
  /** Largest accepted body. @default 1 MiB */
  maxBodyBytes?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  faults: FaultInjector;
  /** Requests served, keyed `METHOD /path` with numeric ids replaced by `:id`. */
  stats: Map<string, number>;
  totalRequests(): number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `GET /2/users/12` -> `GET /2/users/:id`; the first segment (an API version like `/2`) is kept. */
export function routeKey(method: string, path: string): string {
  const [first = '', ...rest] = path.split('/').slice(1);
  const tail = rest.map((seg) => (/^\d+$|^[0-9a-f]{8}-[0-9a-f-]{27,}$|^(emp|loc|dep)_[\w-]+$/i.test(seg) ? '/:id' : `/${seg}`)).join('');
  return `${method} /${first}${tail}`;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ReplyError({ status: 413, body: { error: 'Request body too large' } });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function serveJson(handler: Handler, options: ServeOptions): Promise<RunningServer> {
  const faults = new FaultInjector(options.faults);
  const stats = new Map<string, number>();
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const key = routeKey(method, url.pathname);
    stats.set(key, (stats.get(key) ?? 0) + 1);
    const send = (reply: Reply) => {
      if (res.destroyed) return;
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(payload);
    };
    try {
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      const fault = faults.decide({ method, path: url.pathname });
      if (fault === 'reset_before') return void req.socket.destroy();
      if (fault === 'status503') return send({ status: 503, body: options.faultBody('status503') });
      if (fault === 'status429') {
        return send({
          status: 429,
          body: options.faultBody('status429'),
          headers: { 'retry-after': String(faults.retryAfterSec), 'w-limit-remaining': '0' },
        });
      }
      if (fault === 'stall') await sleep(faults.stallMs);
      const rawBody = await readBody(req, maxBody);
      let body: unknown;
      if (rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
      }
      const reply = await handler({ method, path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody });
      if (fault === 'reset_after') return void req.socket.destroy();
      send(reply);
    } catch (error) {
      if (error instanceof ReplyError) return send(error.reply);
      send({ status: 500, body: { error: 'Emulator failure', detail: String(error) } });
    }
  });
  // Keep-alive sockets would hold close() open; tests and the demo want a prompt shutdown.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    stats,
    totalRequests: () => [...stats.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
