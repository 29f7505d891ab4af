/**
 * The transport's coded errors. Messages say what was being done ("GET /2/users failed: ...") and carry no
 * header, query string, token or request body; response excerpts are cut short and scrubbed of
 * token-looking values.
 */
import { RecipeError } from '../../engine/errors.js';
import type { HttpMethod } from './options.js';

export const HTTP_ERROR_CODES = [
  'HTTP_STATUS', 'HTTP_TIMEOUT', 'HTTP_NETWORK', 'HTTP_AMBIGUOUS', 'HTTP_RATE_LIMITED', 'HTTP_BAD_RESPONSE',
  'HTTP_ABORTED', 'HTTP_CLOSED', 'HTTP_BAD_OPTIONS',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** What was being done; `path` is the request path without its query string. */
export interface Where {
  name: string;
  method: HttpMethod;
  path: string;
}

const EXCERPT_LENGTH = 200;

/** The start of a response body, whitespace collapsed, with secrets-looking values replaced. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}...` : flat;
  return cut
    .replace(/eyJ[\w-]+\.[\w-]+(?:\.[\w-]*)?/g, '[redacted]')
    .replace(/("?(?:token|password|secret|api[_-]?key|authorization)"?\s*[:=]\s*"?)[^",}\s]+/gi, '$1[redacted]');
}

/** The API's own error sentence, if the body has the usual `{"error": "..."}` or `{"error": {"message"}}`. */
function apiMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  const text = typeof error === 'string' ? error
    : typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof text === 'string' && text.trim() !== '' ? excerpt(text) : undefined;
}

function apiCode(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const { code, error } = body as { code?: unknown; error?: unknown };
  if (typeof code === 'string' || typeof code === 'number') return code;
  const inner = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof inner === 'string' || typeof inner === 'number' ? inner : undefined;
}

function base(where: Where): Record<string, unknown> {
  return { connector: where.name, method: where.method, path: where.path };
}

function label(where: Where): string {
  return `${where.method} ${where.path}`;
}

export interface StatusFailure {
  status: number;
  text: string;
  body: unknown;
  attempts: number;
  retryable: boolean;
  rateLimited: boolean;
  retryAfterMs?: number | undefined;
}

export function statusError(where: Where, failure: StatusFailure): RecipeError {
  const api = apiMessage(failure.body);
  const tried = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  const details = {
    ...base(where), status: failure.status, attempts: failure.attempts, excerpt: excerpt(failure.text),
    ...(api === undefined ? {} : { apiMessage: api }),
    ...(apiCode(failure.body) === undefined ? {} : { apiCode: apiCode(failure.body) }),
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
  };
  if (failure.rateLimited) {
    return new RecipeError('HTTP_RATE_LIMITED',
      `${label(where)} failed: ${where.name} is rate limiting requests (HTTP ${failure.status})${tried}`,
      { details, retryable: true, hint: `Wait a minute and run again, or lower ${where.name}'s requests per minute.` });
  }
  return new RecipeError('HTTP_STATUS',
    `${label(where)} failed: HTTP ${failure.status}${api === undefined ? '' : ` - ${api}`}${tried}`,
    { details, retryable: failure.retryable, kind: failure.status >= 400 && failure.status < 500 ? 'user' : 'operational' });
}

export function badResponseError(where: Where, status: number, text: string, contentType: unknown, cause: unknown): RecipeError {
  return new RecipeError('HTTP_BAD_RESPONSE',
    `${label(where)} failed: HTTP ${status} with a body that is not JSON`,
    { cause, details: { ...base(where), status, contentType, excerpt: excerpt(text) },
      hint: `Check that the ${where.name} URL points at the API, not a web page or proxy.` });
}

/** Errors raised before a request could have been sent: repeating them is harmless for any method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function wasNotSent(code: string | undefined): boolean {
  return code !== undefined && NOT_SENT.has(code);
}

export interface NetworkFailure {
  code: string | undefined;
  timedOut: boolean;
  attempts: number;
  /** The request may have reached the server and is not safe to repeat. */
  ambiguous: boolean;
  timeoutMs: number;
}

export function networkError(where: Where, failure: NetworkFailure, cause: unknown): RecipeError {
  const what = failure.timedOut ? `no answer within ${failure.timeoutMs} ms` : `network error ${failure.code ?? 'unknown'}`;
  const details = { ...base(where), errorCode: failure.code, attempts: failure.attempts };
  if (failure.ambiguous) {
    return new RecipeError('HTTP_AMBIGUOUS',
      `${label(where)} failed: ${what}; the request may or may not have been applied`,
      { cause, retryable: true, details: { ...details, ambiguous: true },
        hint: 'Look the record up before repeating the request, so nothing is created twice.' });
  }
  const tried = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  return new RecipeError(failure.timedOut ? 'HTTP_TIMEOUT' : 'HTTP_NETWORK', `${label(where)} failed: ${what}${tried}`,
    { cause, retryable: true, details,
      hint: `Check the ${where.name} URL and the network, then run again.` });
}

/** A gateway error (502, 504) on a request that is not safe to repeat: the origin may have applied it. */
export function ambiguousStatusError(where: Where, status: number, text: string): RecipeError {
  return new RecipeError('HTTP_AMBIGUOUS',
    `${label(where)} failed: HTTP ${status} from a gateway; the request may or may not have been applied`,
    { retryable: true, details: { ...base(where), status, excerpt: excerpt(text), ambiguous: true },
      hint: 'Look the record up before repeating the request, so nothing is created twice.' });
}

export function abortedError(where: Where, reason: unknown): RecipeError {
  return new RecipeError('HTTP_ABORTED', `${label(where)} was cancelled`,
    { cause: reason, details: base(where) });
}

export function closedError(where: Where): RecipeError {
  return new RecipeError('HTTP_CLOSED', `${label(where)} was not sent: the ${where.name} connection is closed`,
    { kind: 'bug', details: base(where) });
}

export function optionsError(name: string, problem: string): RecipeError {
  return new RecipeError('HTTP_BAD_OPTIONS', `${name || 'transport'} HTTP options are invalid: ${problem}`,
    { kind: 'bug', details: { connector: name } });
}
