/**
 * A loopback HTTP proxy in front of an emulator that notes the order of what passes through: each request
 * as it arrives and each response once it has been handed to the socket. Lets a test say "this request
 * reached the server after that answer had left it", which the emulators' counters cannot.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Passage {
  kind: 'request' | 'response';
  method: string;
  path: string;
  status?: number;
}

export class RecordingProxy {
  private constructor(private readonly server: http.Server, readonly url: string, readonly log: Passage[]) {}

  static async start(target: string): Promise<RecordingProxy> {
    const upstream = new URL(target);
    const log: Passage[] = [];
    const server = http.createServer((req, res) => {
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0]!;
      log.push({ kind: 'request', method, path });
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          res.on('finish', () => log.push({ kind: 'response', method, path, status: answer.statusCode ?? 502 }));
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RecordingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
