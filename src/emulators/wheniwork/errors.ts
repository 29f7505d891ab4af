/**
 * WIW's /2 error body is `{"error": string, "code": number}` (OAS `V2Error`). Codes marked "invented" have no
 * public source; they are the emulator's own and listed in README.md so nobody mistakes them for WIW's.
 */
import { ReplyError, type Reply } from '../shared/http.js';

export const WIW_CODES = {
  /** Sourced: missing, bad or expired token. */
  LOGIN_REQUIRED: 1000,
  /** Sourced: missing or unknown developer key on the login service. */
  INVALID_KEY: 1110,
  /** Sourced (OAS): the acting user's role is too low. */
  NO_PERMISSION: 3005,
  /** Invented: wrong email or password. */
  BAD_CREDENTIALS: 1100,
  /** Invented: login body without email or password. */
  MISSING_CREDENTIALS: 1101,
  /** Invented: W-UserId is not a user of the logged-in person. */
  WRONG_USER_ID: 1002,
  /** Invented: body is not a JSON object. */
  INVALID_BODY: 1020,
  /** Invented: a field has the wrong type or shape, or a required field is missing. */
  INVALID_FIELD: 1050,
  /** Invented: a location or position id does not exist in the account. */
  UNKNOWN_REFERENCE: 1054,
  /** Invented: another non-deleted user of the account has the same email. */
  DUPLICATE_EMAIL: 1062,
  /** Invented: the record does not exist in the acting account. */
  NOT_FOUND: 1300,
  /** Invented: rate limit reached (403 mode and 429 mode bodies). */
  RATE_LIMITED: 1200,
  /** Invented: no such route. */
  ROUTE_NOT_FOUND: 404,
  /** Invented: known route, wrong method. */
  METHOD_NOT_ALLOWED: 405,
  /** Invented: the bare 500 GoCo's FAQ reports when the plan's seats are used up. */
  SEAT_LIMIT: 500,
} as const;

export function wiwReply(status: number, code: number, error: string, headers?: Record<string, string>): Reply {
  return headers ? { status, body: { error, code }, headers } : { status, body: { error, code } };
}

/** Builds the error to throw from a handler. */
export function wiwError(status: number, code: number, error: string, headers?: Record<string, string>): ReplyError {
  return new ReplyError(wiwReply(status, code, error, headers));
}

export const loginRequired = () => wiwError(401, WIW_CODES.LOGIN_REQUIRED, 'User login required for this resource.');
export const noPermission = () => wiwError(403, WIW_CODES.NO_PERMISSION, 'You do not have permission to do this.');
export const invalidField = (message: string) => wiwError(400, WIW_CODES.INVALID_FIELD, message);
export const notFound = (what: string) => wiwError(404, WIW_CODES.NOT_FOUND, `${what} not found.`);
/** Deliberately opaque: real WIW gives no hint that the seat limit is the cause. */
export const seatLimit = () => wiwError(500, WIW_CODES.SEAT_LIMIT, 'Internal Server Error');
