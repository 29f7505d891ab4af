/**
 * The console's HTTP server: plain node:http on 127.0.0.1, static files from ./static (no build step),
 * the JSON API under /api/, live job events at /api/events. Every response carries a strict CSP; every
 * request is checked for the login token and, for the API and every write, for a same-origin caller.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../engine/runtime/runtime.js';
import { handleApi } from './api.js';
import { errorReply } from './api-errors.js';
import { credential, newToken, originProblem, sessionCookie } from './auth.js';
import { ConsoleProjects, type ProjectContext, type ProjectSource } from './projects.js';

export interface ConsoleOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** The login token; a fresh random one when left out. */
  token?: string;
  /**
   * The store's other projects (see storeProjects): the page offers a project picker and serves each at
   * /api/projects/NAME/. Without it the console serves `rt`'s project only.
   */
  projects?: ProjectSource;
}

export interface ConsoleHandle {
  /** The console's address, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The URL to open once: it carries the token and sets the session cookie. */
  loginUrl: string;
  token: string;
  close(): Promise<void>;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };
const MAX_BODY = 64 * 1024;

/** The static folder next to this module (tsx), or in the source tree when running from dist/ (tsc copies no assets). */
function staticDir(): string {
  const here = fileURLToPath(new URL('./static/', import.meta.url));
  if (existsSync(join(here, 'index.html'))) return here;
  return fileURLToPath(new URL('../../../src/console/static/', import.meta.url));
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

const LOGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>Sign in - recipes console</title>
<p>This console needs its login token. Open the address <code>recipes serve --console</code> printed
(it ends in <code>?token=...</code>), or send <code>Authorization: Bearer TOKEN</code>.</p>`;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('the body is not JSON'), { status: 400 });
  }
}

export async function startConsole(rt: Runtime, options: ConsoleOptions = {}): Promise<ConsoleHandle> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const dir = staticDir();
  const projects = new ConsoleProjects(rt, options.projects);
  const hosts = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const isApi = url.pathname.startsWith('/api/');
    const how = credential(req, token);
    const write = req.method !== 'GET' && req.method !== 'HEAD';
    const problem = originProblem(req, hosts, how, isApi || write);
    if (problem) return json(res, 403, { error: { code: 'FORBIDDEN_ORIGIN', message: `Refused: ${problem}.` } });

    if (url.pathname === '/' && url.searchParams.has('token')) {
      const given = url.searchParams.get('token') ?? '';
      const fake = { headers: { authorization: `Bearer ${given}` } } as IncomingMessage;
      if (!credential(fake, token)) return send(res, 401, LOGIN_PAGE, TYPES['.html']!);
      // The token leaves the address bar (and history) at once.
      res.writeHead(303, { location: '/', 'set-cookie': sessionCookie(token), 'cache-control': 'no-store' });
      return void res.end();
    }
    if (!how) return isApi ? json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'The console needs its login token (cookie or Authorization: Bearer).' } }) : send(res, 401, LOGIN_PAGE, TYPES['.html']!);

    if (isApi) {
      let parts: string[];
      try {
        parts = url.pathname.slice(5).split('/').filter(Boolean).map((p) => decodeURIComponent(p));
      } catch {
        return json(res, 400, { error: { code: 'PATH_INVALID', message: 'The address is not valid.' } });
      }
      if (parts.length === 1 && parts[0] === 'projects' && req.method === 'GET') {
        return json(res, 200, { current: rt.project, projects: await projects.names().catch(() => [rt.project]) });
      }
      // /api/projects/NAME/... is project NAME; /api/... the console's own.
      let ctx: ProjectContext = projects.home;
      if (parts[0] === 'projects' && parts.length > 2) {
        try {
          ctx = await projects.get(parts[1]!);
        } catch (error) {
          const reply = errorReply(error);
          return json(res, reply.status, reply.body);
        }
        parts = parts.slice(2);
      }
      if (parts.length === 1 && parts[0] === 'events' && req.method === 'GET') return ctx.live.attach(res);
      let body: unknown;
      try {
        body = write ? await readBody(req) : undefined;
      } catch (error) {
        const e = error as Error & { status?: number };
        return json(res, e.status ?? 400, { error: { code: 'BODY_INVALID', message: e.message } });
      }
      const reply = await handleApi(ctx, { method: req.method ?? 'GET', parts, query: url.searchParams, body });
      if (reply.file) return send(res, reply.status, reply.file.text, reply.file.type, { 'content-disposition': `attachment; filename="${reply.file.name}"` });
      return json(res, reply.status, reply.body);
    }
    if (write) return json(res, 405, { error: { code: 'METHOD', message: 'Only the API accepts writes.' } });
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (!/^[a-z0-9-]+\.(html|js|css|svg)$/.test(name)) return send(res, 404, 'not found', 'text/plain');
    try {
      const file = await readFile(join(dir, name));
      return send(res, 200, file, TYPES[extname(name)] ?? 'application/octet-stream');
    } catch {
      return send(res, 404, 'not found', 'text/plain');
    }
  };

  const server: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      rt.logger.error({ err: { message: (error as Error).message } }, 'console request failed');
      if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'The console failed to answer; see the log.' } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  for (const name of [host, '127.0.0.1', 'localhost']) hosts.add(`${name}:${port}`.toLowerCase());
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  hosts.add(base.slice(7));
  return {
    url: base,
    loginUrl: `${base}/?token=${token}`,
    token,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await projects.close();
    },
  };
}
