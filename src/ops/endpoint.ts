/**
 * The ops endpoint of a long-running process (`recipes serve`, later `recipes worker`): a port of its own,
 * apart from the webhook port (which may face the internet) and the console (which needs a login), so a
 * load balancer or Prometheus reaches health and metrics without either.
 *
 *   GET /healthz  200 while the process runs
 *   GET /readyz   200 when `ready()` finds nothing wrong; 503 with the reason otherwise
 *   GET /metrics  Prometheus text format (404 when the process runs without metrics)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { OPS_DEFAULT_HOST, OPS_DEFAULT_PORT } from './listen.js';

export interface OpsEndpointOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 9464 (0 picks a free one) */
  port?: number;
  /** Why the process cannot do its work now, or undefined when it can. */
  ready(): Promise<string | undefined> | string | undefined;
  /** Served at /metrics when given. */
  registry?: Registry;
}

export interface OpsEndpoint {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

// In a module of their own: the CLI reads them to define its options without loading node:http.
export { OPS_DEFAULT_HOST, OPS_DEFAULT_PORT, parseListen } from './listen.js';

export async function startOpsEndpoint(options: OpsEndpointOptions): Promise<OpsEndpoint> {
  const text = (res: import('node:http').ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://ops.invalid').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'only GET\n');
    void (async () => {
      switch (path) {
        case '/healthz':
          return text(res, 200, 'ok\n');
        case '/readyz': {
          let problem: string | undefined;
          try {
            problem = await options.ready();
          } catch (error) {
            problem = `the readiness check failed: ${(error as Error).message}`;
          }
          return problem === undefined ? text(res, 200, 'ready\n') : text(res, 503, `not ready: ${problem}\n`);
        }
        case '/metrics':
          if (!options.registry) return text(res, 404, 'metrics are off: start with --metrics\n');
          return text(res, 200, await options.registry.metrics(), options.registry.contentType);
        default:
          return text(res, 404, 'not found: /healthz, /readyz, /metrics\n');
      }
    })().catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, `error: ${(error as Error).message}\n`);
      else res.end();
    });
  });
  const host = options.host ?? OPS_DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? OPS_DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
