/** JSON columns are TEXT; NULL means "absent" and reads back as undefined. */
import { serializeError } from '../errors.js';

export function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value) ?? null;
}

/** Errors are stored in their serialized shape; JSON.stringify would turn an Error into `{}`. */
export function errorToJson(value: unknown): string | null {
  return toJson(value instanceof Error ? serializeError(value) : value);
}

export function fromJson(text: string | null): unknown {
  return text === null ? undefined : JSON.parse(text);
}

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Whether a process with this pid exists. EPERM means it exists but belongs to another user.
 * A pid can be reused after its process died, so "alive" may be a false positive; never a false negative.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
