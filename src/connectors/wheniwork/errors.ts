/**
 * When I Work's failures as plain, typed errors. The transport's codes (HTTP_STATUS, HTTP_NETWORK, ...) say
 * what happened on the wire; these say what it means for the admin. No message carries the token, the
 * password or the developer key: only the email, URLs, ids and WIW's own error sentence.
 */
import { RecipeError, UserError } from '../../engine/errors.js';

export const WIW_ERROR_CODES = [
  'WIW_LOGIN_FAILED', 'WIW_BAD_KEY', 'WIW_UNREACHABLE', 'WIW_WORKPLACE_AMBIGUOUS', 'WIW_WORKPLACE_NOT_FOUND',
  'WIW_BAD_RESPONSE', 'WIW_SEAT_LIMIT', 'WIW_DUPLICATE_EMAIL', 'WIW_REJECTED', 'WIW_NOT_FOUND', 'WIW_BAD_SETTINGS',
  'WIW_BAD_INPUT',
] as const;
export type WiwErrorCode = (typeof WIW_ERROR_CODES)[number];

/** The parts of a transport error this module reads. */
export interface HttpFailure {
  code: string;
  status: number | undefined;
  apiCode: unknown;
  apiMessage: string | undefined;
}

export function httpFailure(error: unknown): HttpFailure | undefined {
  if (!(error instanceof RecipeError) || !error.code.startsWith('HTTP_')) return undefined;
  const d = error.details;
  return {
    code: error.code,
    status: typeof d.status === 'number' ? d.status : undefined,
    apiCode: d.apiCode,
    apiMessage: typeof d.apiMessage === 'string' ? d.apiMessage : undefined,
  };
}

/** Codes of transport errors where the server was never reached (or never answered). */
const UNREACHED = new Set(['HTTP_NETWORK', 'HTTP_TIMEOUT', 'HTTP_AMBIGUOUS']);

export function isUnreachable(error: unknown): boolean {
  const f = httpFailure(error);
  return f !== undefined && UNREACHED.has(f.code);
}

/** A 401 from /2: the token is missing, bad or expired (WIW code 1000). */
export function isLoginRequired(error: unknown): boolean {
  const f = httpFailure(error);
  return f?.code === 'HTTP_STATUS' && f.status === 401;
}

export function unreachable(url: string, cause: unknown): RecipeError {
  return new RecipeError('WIW_UNREACHABLE', `Could not reach When I Work at ${url}`, {
    cause, retryable: true, details: { url },
    hint: 'Check wiw_login_url and wiw_api_url and the network, then try again.',
  });
}

/** Maps a failed `POST {login_url}/login` to what the admin must fix. */
export function loginError(error: unknown, email: string, url: string): RecipeError {
  if (isUnreachable(error)) return unreachable(url, error);
  const f = httpFailure(error);
  if (f?.code === 'HTTP_STATUS' && f.status !== undefined && f.status < 500) {
    const keyProblem = f.apiCode === 1110 || /developer|\bkey\b/i.test(f.apiMessage ?? '');
    if (keyProblem) {
      return new UserError('WIW_BAD_KEY', 'When I Work rejected the developer key (wiw_api_key)', {
        cause: error, details: { status: f.status, apiCode: f.apiCode },
        hint: 'Set wiw_api_key to the developer key When I Work issued for this account.',
      });
    }
    if (f.status === 400 || f.status === 401 || f.status === 403) {
      return new UserError('WIW_LOGIN_FAILED', `When I Work rejected the email or password for ${email}`, {
        cause: error, details: { status: f.status, apiCode: f.apiCode, email },
        hint: 'Check wiw_email and wiw_password (recipes properties set wiw_password).',
      });
    }
  }
  return error instanceof RecipeError ? error : new RecipeError('WIW_LOGIN_FAILED', `Logging in to When I Work as ${email} failed`, { cause: error });
}

export function badResponse(what: string, details: Record<string, unknown> = {}): RecipeError {
  return new RecipeError('WIW_BAD_RESPONSE', `When I Work answered ${what} in an unexpected shape`, {
    details, hint: 'Check that wiw_login_url and wiw_api_url point at When I Work.',
  });
}

function apiText(f: HttpFailure): string {
  const text = f.apiMessage ?? 'no reason given';
  return f.apiCode === undefined ? text : `${text} (code ${String(f.apiCode)})`;
}

/**
 * Turns a failed /2 call into a When I Work error: 404 -> WIW_NOT_FOUND, other 4xx -> WIW_REJECTED with
 * WIW's own text and code. Everything else (5xx, network, rate limit) keeps the transport's error.
 */
export function apiError(error: unknown, what: string): unknown {
  const f = httpFailure(error);
  if (f?.code !== 'HTTP_STATUS' || f.status === undefined || f.status < 400 || f.status >= 500) return error;
  const details = { status: f.status, apiCode: f.apiCode, apiMessage: f.apiMessage };
  if (f.status === 404) {
    return new UserError('WIW_NOT_FOUND', `When I Work could not find ${what}: ${apiText(f)}`, { cause: error, details });
  }
  return new UserError('WIW_REJECTED', `When I Work rejected ${what}: ${apiText(f)}`, { cause: error, details });
}

export function isDuplicateEmail(error: unknown): boolean {
  const f = httpFailure(error);
  if (f?.code !== 'HTTP_STATUS' || f.status === undefined || f.status >= 500) return false;
  return f.apiCode === 1062 || /email/i.test(f.apiMessage ?? '') && /already|exists|duplicate|taken|in use/i.test(f.apiMessage ?? '');
}

export function duplicateEmail(name: string, email: string | undefined, cause: unknown): RecipeError {
  const f = httpFailure(cause);
  return new UserError('WIW_DUPLICATE_EMAIL',
    `When I Work refused to create ${name}: another user of the workplace already has the email ${email ?? '(none)'}`, {
      cause, details: { name, email, apiCode: f?.apiCode, apiMessage: f?.apiMessage },
      hint: 'Link that user to the employee (set its employee code) or fix the email where it comes from, then run the sync again.',
    });
}

/** WIW's bare 500 to a create or a reactivation: both take a seat. */
export function seatLimit(name: string, cause: unknown, refused: 'create' | 'reactivate' = 'create'): RecipeError {
  return new RecipeError('WIW_SEAT_LIMIT',
    `When I Work refused to ${refused} ${name} (HTTP 500). The account has probably reached its user limit: it has fewer `
    + 'seats than employees, or duplicate users are taking seats. Remove duplicates or terminated users in When I Work, '
    + 'or add seats to the plan, then run the sync again.', {
      kind: 'operational', cause, details: { name, status: 500 },
      hint: 'Run `recipes duplicates` to list users that probably take a seat twice.',
    });
}
