/**
 * A console over a fresh runtime and both emulators, and a raw HTTP client that can send any header
 * (fetch refuses to set Host, Origin and Sec-Fetch-Site, which the security tests need).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectors } from '../../src/connectors/index.js';
import { startConsole, storeProjects, type ConsoleHandle } from '../../src/console/index.js';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';

export const PACKAGE_DIR = fileURLToPath(new URL('../../recipes/wiw-provisioning/', import.meta.url));

export interface Rig {
  dataDir: string;
  rt: Runtime;
  pair: EmulatorPair;
  web: ConsoleHandle;
  close(): Promise<void>;
}

export async function openRig(options: { setProperties?: boolean } = {}): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'recipes-console-'));
  const pair = await startEmulators();
  const rt = await Runtime.open({ packageDir: PACKAGE_DIR, dataDir, connectors });
  if (options.setProperties ?? true) for (const [name, value] of Object.entries(pair.properties)) (await rt.properties.set(name, value));
  // As `serve --console` does: the other projects of the data dir behind the project picker.
  const web = await startConsole(rt, { projects: storeProjects({ dataDir, connectors, defaultPackageDir: PACKAGE_DIR }) });
  return {
    dataDir,
    rt,
    pair,
    web,
    close: async () => {
      await web.close();
      await rt.close();
      await pair.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export function call(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A client holding the token as the browser would after signing in: cookie plus same-origin headers. */
export function browserLike(web: ConsoleHandle) {
  const origin = web.url;
  return (method: string, path: string, body?: unknown) =>
    call(web.url, method, path, { body, headers: { cookie: `recipes_console=${web.token}`, origin, 'sec-fetch-site': 'same-origin' } });
}

export function bearer(web: ConsoleHandle) {
  return (method: string, path: string, body?: unknown) => call(web.url, method, path, { body, headers: { authorization: `Bearer ${web.token}` } });
}
