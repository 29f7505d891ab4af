/**
 * A loopback HTTP proxy in front of one emulator that records, per request, when it arrived and the status
 * answered: what the client sent and what the server said, seen from the wire. The emulators count requests
 * by route but not answers by status, and the rate-budget suite must count the 429s.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  /** performance.now() when the request arrived. */
  at: number;
  method: string;
  path: string;
  /** 0 when the upstream failed to answer. */
  status: number;
}

export interface CountingProxy {
  /** Origin of the proxy, e.g. http://127.0.0.1:40123. */
  url: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const entry: Seen = { at: performance.now(), method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0] ?? '/', status: 0 };
    seen.push(entry);
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** The most requests that arrived in any rolling minute. */
export function busiestMinute(seen: Seen[]): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < seen.length; end++) {
    while ((seen[end] as Seen).at - (seen[start] as Seen).at >= 60_000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
