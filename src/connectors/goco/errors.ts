/**
 * The GoCo connector's coded errors, and the translation of transport errors whose meaning is GoCo's (a 401
 * means the API token, a refused connection means the URL). Other transport errors (HTTP_RATE_LIMITED,
 * HTTP_STATUS 5xx, ...) pass through unchanged: their codes already say what happened. No message carries the
 * token, a query string or URL credentials.
 */
import { RecipeError, UserError, isRecipeError } from '../../engine/errors.js';

export const GOCO_ERROR_CODES = [
  'GOCO_UNAUTHORIZED', 'GOCO_FORBIDDEN', 'GOCO_UNREACHABLE', 'GOCO_NOT_FOUND', 'GOCO_BAD_RESPONSE',
  'GOCO_BAD_RECORD', 'GOCO_BAD_SETTINGS', 'GOCO_BAD_INPUT', 'GOCO_BAD_CURSOR',
] as const;
export type GocoErrorCode = (typeof GOCO_ERROR_CODES)[number];

/** The API URL fit for messages: no user info, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** What the failing call was, for messages: e.g. "list employees". */
export interface CallSite {
  apiUrl: string;
  what: string;
}

/** Maps a transport error to a GoCo one where GoCo gives it a meaning; anything else is returned as is. */
export function translate(error: unknown, site: CallSite): unknown {
  if (!isRecipeError(error)) return error;
  const url = displayUrl(site.apiUrl);
  const status = error.details.status;
  if (error.code === 'HTTP_STATUS' && status === 401) {
    return new UserError('GOCO_UNAUTHORIZED', 'GoCo rejected the API token; set goco_api_token', {
      cause: error, details: { url, status },
      hint: 'Create an API key in GoCo Marketplace > API Credentials (Full Access Admin) and store it in goco_api_token.',
    });
  }
  if (error.code === 'HTTP_STATUS' && status === 403) {
    return new UserError('GOCO_FORBIDDEN', `GoCo refused to ${site.what}: the API token lacks permission`, {
      cause: error, details: { url, status },
      hint: 'Use an API key created by a Full Access Admin.',
    });
  }
  if (error.code === 'HTTP_NETWORK' || error.code === 'HTTP_TIMEOUT') {
    const why = error.code === 'HTTP_TIMEOUT' ? 'did not answer in time' : `could not be reached (${String(error.details.errorCode ?? 'network error')})`;
    return new RecipeError('GOCO_UNREACHABLE', `GoCo at ${url} ${why}`, {
      cause: error, retryable: true, details: { url, errorCode: error.details.errorCode },
      hint: 'Check goco_api_url and the network, then run again.',
    });
  }
  return error;
}

export function notFound(what: string, id: string, cause?: unknown): RecipeError {
  return new UserError('GOCO_NOT_FOUND', `GoCo has no ${what} with id '${id}'`, { cause, details: { id } });
}

export function badResponse(what: string, problem: string, details: Record<string, unknown> = {}): RecipeError {
  return new RecipeError('GOCO_BAD_RESPONSE', `GoCo's answer to ${what} was not understood: ${problem}`, {
    details, retryable: false, hint: 'Check that goco_api_url points at the GoCo API; if it does, its format may have changed.',
  });
}

export function badRecord(what: string, id: string, reason: string): RecipeError {
  return new RecipeError('GOCO_BAD_RECORD', `GoCo sent ${what} '${id}' in a shape that cannot be used: ${reason}`, {
    details: { id, reason },
  });
}

export function badSettings(problem: string): UserError {
  return new UserError('GOCO_BAD_SETTINGS', `GoCo connection settings are invalid: ${problem}`);
}

export function badInput(field: string, problem: string): UserError {
  return new UserError('GOCO_BAD_INPUT', `${field} ${problem}`, { details: { field } });
}
