/**
 * A loopback HTTP proxy in front of one emulator that holds the requests whose path matches `hold` while
 * the gate is shut: a test can keep a spawned job in flight (holding its recipe's lease) for as long as it
 * needs, then let it finish. Everything else passes straight through.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GateProxy {
  /** The upstream URL with the proxy's origin (its path kept), to set as the API URL property. */
  url: string;
  /** How many requests are held now. */
  readonly held: number;
  shut(): void;
  /** Lets every held request through, and later ones too. */
  open(): void;
  close(): Promise<void>;
}

export async function startGateProxy(upstream: string, hold: RegExp): Promise<GateProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  let shut = false;
  let waiting: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const forward = () => {
      const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (shut && hold.test((req.url ?? '/').split('?')[0] ?? '/')) waiting.push(forward);
    else forward();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    get held() {
      return waiting.length;
    },
    shut() {
      shut = true;
    },
    open() {
      shut = false;
      const release = waiting;
      waiting = [];
      for (const forward of release) forward();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
