/**
 * Who may talk to the console: the holder of the login token `serve --console` prints, from the
 * console's own origin. The token arrives once as `/?token=...` (then lives in an HttpOnly,
 * SameSite=Strict cookie) or on every request as `Authorization: Bearer ...` (scripts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'recipes_console';

/** 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type Credential = 'bearer' | 'cookie' | undefined;

/** How the request proved it holds the token, or undefined when it did not. */
export function credential(req: IncomingMessage, token: string): Credential {
  const auth = String(req.headers.authorization ?? '');
  if (auth.startsWith('Bearer ') && same(auth.slice(7).trim(), token)) return 'bearer';
  const c = cookie(req, COOKIE);
  if (c !== undefined && same(c, token)) return 'cookie';
  return undefined;
}

export function sessionCookie(token: string): string {
  return `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/**
 * Why a request must be refused as cross-origin or aimed at another host, or undefined when it may pass.
 * The Host check defeats DNS rebinding (a hostile page whose name resolves to 127.0.0.1); the Origin and
 * Sec-Fetch-Site checks defeat a hostile page posting to the console. A cookie-carrying write must say
 * where it comes from; a Bearer client (curl, a script) cannot be driven by another site, so it need not.
 */
export function originProblem(req: IncomingMessage, hosts: ReadonlySet<string>, how: Credential, strict: boolean): string | undefined {
  const host = String(req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return `the Host header '${host}' is not this console's address`;
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (!strict) return undefined;
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-origin request (Sec-Fetch-Site: ${String(site)})`;
  if (origin !== undefined && origin !== 'null' && !hosts.has(origin.replace(/^http:\/\//, '').toLowerCase())) return `cross-origin request (Origin: ${origin})`;
  if (origin === 'null') return 'cross-origin request (Origin: null)';
  const write = req.method !== 'GET' && req.method !== 'HEAD';
  if (write && how === 'cookie' && origin === undefined && site === undefined) return 'a write from the browser must carry Origin or Sec-Fetch-Site';
  return undefined;
}
