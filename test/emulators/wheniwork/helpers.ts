/** Test helpers: plain fetch against a running WIW emulator. */
import type { WiwEmulator } from '../../../src/emulators/wheniwork/index.js';

export interface Res {
  status: number;
  body: any;
  headers: Headers;
}

export async function login(emu: WiwEmulator, creds = emu.credentials): Promise<string> {
  const res = await call(`${emu.loginUrl}/login`, {
    method: 'POST',
    headers: { 'W-Key': creds.apiKey },
    json: { email: creds.email, password: creds.password },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export interface CallInit {
  method?: string;
  headers?: Record<string, string>;
  json?: unknown;
}

export async function call(url: string, init: CallInit = {}): Promise<Res> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Calls `{apiUrl}{path}` as the logged-in person, optionally in the workplace of `userId`. */
export function api(emu: WiwEmulator, token: string, path: string, init: CallInit & { userId?: number } = {}): Promise<Res> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...init.headers };
  if (init.userId !== undefined) headers['W-UserId'] = String(init.userId);
  return call(`${emu.apiUrl}${path}`, { ...init, headers });
}
