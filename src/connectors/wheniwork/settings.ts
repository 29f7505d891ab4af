/**
 * The settings of a When I Work connection. The schema is their only description: the engine validates
 * (and fills defaults) with it; `resolveSettings` repeats the defaults so `connect` also works when called
 * directly, and turns `account_id` into a number.
 */
import type { JsonSchema } from '../../engine/types.js';
import { UserError } from '../../engine/errors.js';

export interface WiwSettings {
  /** @default 'https://api.login.wheniwork.com' */
  login_url?: string;
  /** @default 'https://api.wheniwork.com/2' */
  api_url?: string;
  email: string;
  password: string;
  /** WIW's developer key, sent as `W-Key` on login. */
  api_key: string;
  /** Picks the workplace when the login has several; a number or a numeric string. */
  account_id?: number | string | null;
  /** @default 8 */
  concurrency?: number;
  requests_per_minute?: number | null;
  /** @default 30000 */
  timeout_ms?: number;
  /** Retries of a failed request that is safe to repeat. @default 4 */
  retries?: number;
}

export interface ResolvedSettings {
  loginUrl: string;
  apiUrl: string;
  email: string;
  password: string;
  apiKey: string;
  accountId: number | undefined;
  concurrency: number;
  requestsPerMinute: number | undefined;
  timeoutMs: number;
  retries: number;
}

export const DEFAULTS = {
  login_url: 'https://api.login.wheniwork.com',
  api_url: 'https://api.wheniwork.com/2',
  concurrency: 8,
  timeout_ms: 30_000,
  retries: 4,
} as const;

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password', 'api_key'],
  properties: {
    login_url: { type: 'string', pattern: '^https?://', default: DEFAULTS.login_url, description: 'Login service base URL (POST {login_url}/login).' },
    api_url: { type: 'string', pattern: '^https?://', default: DEFAULTS.api_url, description: 'API base URL, ending in /2.' },
    email: { type: 'string', minLength: 1, description: 'Email of the When I Work login (an admin or manager).' },
    password: { type: 'string', minLength: 1, 'x-secret': true, description: 'Password of that login.' },
    api_key: { type: 'string', minLength: 1, 'x-secret': true, description: "When I Work developer key, sent as W-Key on login." },
    account_id: {
      anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\s*\\d*\\s*$' }, { type: 'null' }],
      description: 'Account id of the workplace to use when the login belongs to several.',
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: DEFAULTS.concurrency, description: 'Requests in flight at once.' },
    requests_per_minute: {
      anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }],
      description: 'Most requests started in any rolling minute, retries included; unlimited when absent.',
    },
    timeout_ms: { type: 'integer', minimum: 1, default: DEFAULTS.timeout_ms, description: 'Time allowed for one request.' },
    retries: { type: 'integer', minimum: 0, maximum: 10, default: DEFAULTS.retries, description: 'Retries of a failed request that is safe to repeat.' },
  },
};

function trimUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function resolveSettings(settings: WiwSettings): ResolvedSettings {
  const raw = settings.account_id;
  let accountId: number | undefined;
  if (raw !== undefined && raw !== null && String(raw).trim() !== '') {
    accountId = Number(String(raw).trim());
    if (!Number.isSafeInteger(accountId) || accountId < 1) {
      throw new UserError('WIW_BAD_SETTINGS', 'The When I Work account id must be a whole number, e.g. 12345.', {
        hint: 'Set wiw_account_id to the account id of the workplace, or leave it empty.',
      });
    }
  }
  return {
    loginUrl: trimUrl(settings.login_url ?? DEFAULTS.login_url),
    apiUrl: trimUrl(settings.api_url ?? DEFAULTS.api_url),
    email: (settings.email ?? '').trim(),
    password: settings.password ?? '',
    apiKey: (settings.api_key ?? '').trim(),
    accountId,
    concurrency: settings.concurrency ?? DEFAULTS.concurrency,
    requestsPerMinute: settings.requests_per_minute ?? undefined,
    timeoutMs: settings.timeout_ms ?? DEFAULTS.timeout_ms,
    retries: settings.retries ?? DEFAULTS.retries,
  };
}
