/**
 * A stand-in for both APIs on one loopback port: GoCo under /goco, WIW's login service under /wiw and WIW's
 * API under /wiw/2. Every route answers a small, well-formed world by default; a case replaces one route's
 * answer with a malformed one. Every request is recorded with its parsed body, so a test can check what
 * would have been written.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  /** @default 'application/json' */
  contentType?: string;
  /** Sent as is: a string is the raw body, anything else is JSON-encoded. */
  body: unknown;
}

export interface Received {
  method: string;
  path: string;
  body: unknown;
}

/** `METHOD /path` (path without query) -> reply; a function sees the request's parsed body. */
export type Routes = Record<string, Reply | ((body: unknown, url: URL) => Reply)>;

export const TOKEN = 'fake-session-token-7f3a';
export const ACCOUNT_ID = 7;

/** A GoCo employee record in the wire shape. */
export function gocoEmployee(n: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, employeeNumber: String(1000 + n), firstName: `First${n}`,
    lastName: `Last${n}`, preferredName: null, workEmail: `person${n}@example.com`, personalEmail: null, mobilePhone: null,
    workPhone: null, status: 'active', employmentType: 'full_time', payType: 'hourly', hourlyRate: 18.5, hireDate: '2025-01-01',
    terminationDate: null, jobTitle: 'Server', workLocationId: null, departmentId: null, managerId: null,
    updatedAt: new Date(Date.UTC(2026, 0, 1, 9, n)).toISOString(), ...over,
  };
}

export function gocoPage(records: unknown[]): (body: unknown, url: URL) => Reply {
  return (_body, url) => {
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    return { body: { data: records.slice(offset, offset + limit), pagination: { limit, offset, total: records.length } } };
  };
}

function defaults(employees: unknown[]): Routes {
  let nextId = 500;
  return {
    'GET /goco/employees': gocoPage(employees),
    'GET /goco/locations': gocoPage([]),
    'GET /goco/departments': gocoPage([]),
    'POST /wiw/login': { body: { token: TOKEN } },
    'GET /wiw/2/login': { body: { users: [{ id: 1, account_id: ACCOUNT_ID }], accounts: [{ id: ACCOUNT_ID, company: 'Fake Co' }] } },
    'GET /wiw/2/users': { body: { users: [{ id: 1, account_id: ACCOUNT_ID, role: 1, email: 'admin@fake.example', first_name: 'Ada', last_name: 'Admin' }] } },
    'GET /wiw/2/account': { body: { account: { id: ACCOUNT_ID, company: 'Fake Co', seats: 100, users_count: 1 } } },
    'POST /wiw/2/users': (body) => ({ body: { user: { ...(body as object), id: nextId++, account_id: ACCOUNT_ID } } }),
    'PUT /wiw/2/users/:id': (body, url) => ({ body: { user: { ...(body as object), id: Number(url.pathname.split('/').pop()), account_id: ACCOUNT_ID } } }),
    'GET /wiw/2/locations': { body: { locations: [] } },
    'GET /wiw/2/positions': { body: { positions: [] } },
  };
}

export class FakeApi {
  readonly received: Received[] = [];
  #server: Server;
  #routes: Routes;
  #prefix = '';

  private constructor(server: Server, routes: Routes) {
    this.#server = server;
    this.#routes = routes;
  }

  static async start(employees: unknown[] = [], overrides: Routes = {}): Promise<FakeApi> {
    const server = createServer();
    const api = new FakeApi(server, { ...defaults(employees), ...overrides });
    server.on('request', (req, res) => void api.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /**
   * Serves a new world under a new prefix (`/<prefix>/goco`, `/<prefix>/wiw`) and forgets what was received,
   * so one server and one runtime serve many cases: new URLs make the runtime build fresh connections.
   */
  reset(prefix: string, employees: unknown[], overrides: Routes = {}): void {
    this.#prefix = `/${prefix}`;
    this.#routes = { ...defaults(employees), ...overrides };
    this.received.length = 0;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The project properties that point the package at this server. */
  get properties(): Record<string, string> {
    return {
      goco_api_url: `${this.url}${this.#prefix}/goco`, goco_api_token: 'fake-goco-token', wiw_login_url: `${this.url}${this.#prefix}/wiw`,
      wiw_api_url: `${this.url}${this.#prefix}/wiw/2`, wiw_email: 'admin@fake.example', wiw_password: 'fake-password', wiw_api_key: 'fake-key',
    };
  }

  /** POSTs and PUTs to the WIW API (not the login): the writes. */
  get writes(): Received[] {
    return this.received.filter((r) => (r.method === 'POST' || r.method === 'PUT') && r.path.startsWith('/wiw/2/'));
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch { /* kept as text */ }
    const url = new URL(req.url ?? '/', this.url);
    if (this.#prefix !== '' && url.pathname.startsWith(`${this.#prefix}/`)) url.pathname = url.pathname.slice(this.#prefix.length);
    const method = req.method ?? 'GET';
    // /wiw/2/users/501 -> the route 'PUT /wiw/2/users/:id'
    const path = url.pathname.replace(/\/\d+$/, '/:id');
    this.received.push({ method, path: url.pathname, body });
    const route = this.#routes[`${method} ${path}`];
    const reply: Reply = route === undefined ? { status: 404, body: { error: 'no such route in the fake' } }
      : typeof route === 'function' ? route(body, url)
        : route;
    const raw = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' });
    res.end(raw);
  }
}
