/** API error replies: the engine's error kind picks the status; only code, message and hint leave. */
import { serializeError, type SerializedError } from '../engine/errors.js';
import { RunRefused } from '../engine/runtime/lease.js';
import type { ApiReply } from './api.js';

/** Another process runs the recipe: a conflict with the present state, not a failure of a service. */
const BUSY_CODES = new Set<string>([RunRefused.BUSY, RunRefused.EVENT_DONE]);

export function errorReply(error: unknown): ApiReply {
  const e = serializeError(error);
  const status =
    BUSY_CODES.has(e.code) ? 409
    : e.kind === 'user' ? (e.code.endsWith('_UNKNOWN') ? 404 : 400)
    : e.kind === 'bug' ? 500
    : 502;
  return { status, body: { error: publicError(e) } };
}

/** Code, message and hint only: details may hold values the admin did not ask to see in a browser. */
function publicError(e: SerializedError): { code: string; message: string; hint?: string } {
  return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}
