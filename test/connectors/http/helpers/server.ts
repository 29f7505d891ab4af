/** A tiny loopback server whose behaviour each test sets; it records what it saw. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, hit: number) => void;

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface TestServer {
  url: string;
  seen: Seen[];
  inFlight: number;
  maxInFlight: number;
  /** Set per test; `hit` counts requests since the last `reset()`, from 1. */
  handler: Handler;
  reset(handler: Handler): void;
  close(): Promise<void>;
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startServer(): Promise<TestServer> {
  const state: TestServer = {
    url: '', seen: [], inFlight: 0, maxInFlight: 0,
    handler: (_req, res) => json(res, 200, {}),
    reset(handler) {
      state.seen = [];
      state.inFlight = 0;
      state.maxInFlight = 0;
      state.handler = handler;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      const done = (): void => void (state.inFlight -= 1);
      res.on('close', done);
      state.handler(req, res, body, state.seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return state;
}
