/**
 * Error codes the state store throws. Stable: the CLI maps them to exit codes and tests match on them.
 * Messages name files and property names, never a value or a key.
 */
import { hostname } from 'node:os';
import { RecipeError, UserError } from '../errors.js';
import type { LeaseHolder } from './leases.js';

export const StoreErrorCode = {
  /** The data dir or its state.db does not exist and the caller asked not to create it. */
  MISSING: 'STORE_MISSING',
  /** state.db is not an SQLite file, or an SQLite file of another program, or damaged. */
  CORRUPT: 'STORE_CORRUPT',
  /** state.db was written by a newer version of this program. */
  TOO_NEW: 'STORE_TOO_NEW',
  /** SQLite could not open the file for another reason (permissions, disk). */
  OPEN_FAILED: 'STORE_OPEN_FAILED',
  /** The database server cannot be reached (refused, timed out, unknown host). */
  UNREACHABLE: 'STORE_UNREACHABLE',
  /** The database server refused the user name or password in the URL. */
  AUTH_FAILED: 'STORE_AUTH_FAILED',
  /** The URL names a database that does not exist on the server. */
  DATABASE_MISSING: 'STORE_DATABASE_MISSING',
  /** The database has an older schema and the command may not migrate it (reading commands do not). */
  OUTDATED: 'STORE_OUTDATED',
  /** A migration failed; nothing of it was kept. */
  MIGRATION_FAILED: 'STORE_MIGRATION_FAILED',
  /** --database-url is not a postgres:// URL. */
  URL_INVALID: 'STORE_URL_INVALID',
  /** A secret property cannot be decrypted with the key in use. */
  SECRET_KEY_MISMATCH: 'SECRET_KEY_MISMATCH',
  /** A secret property exists but no key is available (env unset and no key file). */
  SECRET_KEY_MISSING: 'SECRET_KEY_MISSING',
  /** secret.key exists but does not hold a key. */
  SECRET_KEY_INVALID: 'SECRET_KEY_INVALID',
  /** Another live `recipes serve` holds the data dir. */
  SERVE_LOCKED: 'SERVE_LOCKED',
  /** Another job (in this or another process) is running the recipe: it holds the recipe's lease. */
  RECIPE_BUSY: 'RECIPE_BUSY',
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  /** No project of that name in this store. */
  PROJECT_UNKNOWN: 'PROJECT_UNKNOWN',
  /** `projects add` of a name already taken. */
  PROJECT_EXISTS: 'PROJECT_EXISTS',
  /** A project cannot be removed while one of its jobs runs (holds a live lease). */
  PROJECT_BUSY: 'PROJECT_BUSY',
  /** finishJob on a job that is no longer running: a caller bug. */
  JOB_NOT_RUNNING: 'JOB_NOT_RUNNING',
  /** A job queued at most once (a webhook delivery) was queued before, by this process or another. */
  ALREADY_QUEUED: 'ALREADY_QUEUED',
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export function storeCorrupt(file: string, reason: string, cause?: unknown): UserError {
  return new UserError(StoreErrorCode.CORRUPT, `${file} is not a recipes state file (${reason}).`, {
    cause,
    details: { file },
    hint:
      'Restore it from a backup: stop `recipes serve`, copy the backed-up state.db (with its secret.key) over this file and delete any '
      + 'state.db-wal and state.db-shm beside it. Or move the file away to start with an empty store (properties, mappings, cursors '
      + 'and job history are then gone), or pass --data-dir to use another data dir.',
  });
}

/**
 * Operational, not a usage error (exit 1): the same command works once the running job has ended.
 * Serve treats it as "try at the next tick".
 */
export function recipeBusy(h: LeaseHolder): RecipeError {
  const here = h.host === null || h.host === hostname();
  const mine = here && h.pid === process.pid ? 'this process' : here ? `pid ${h.pid}` : `pid ${h.pid} on ${h.host}`;
  return new RecipeError(
    StoreErrorCode.RECIPE_BUSY,
    `Recipe '${h.recipe}' is already running as job ${h.jobId} (${mine}, started ${h.acquiredAt}); one job per recipe runs at a time.`,
    { details: { recipe: h.recipe, jobId: h.jobId, pid: h.pid, host: h.host }, hint: `Pass --wait to run once it has ended, or follow it with \`recipes jobs show ${h.jobId}\`.` },
  );
}

export function alreadyQueued(project: string, once: string, jobId: number): RecipeError {
  return new RecipeError(StoreErrorCode.ALREADY_QUEUED, `Project ${project} queued '${once}' before, as job ${jobId}; it is not queued again.`, { details: { project, jobId } });
}

export function jobNotFound(id: number): RecipeError {
  return new RecipeError(StoreErrorCode.JOB_NOT_FOUND, `There is no job ${id}.`, { kind: 'user', details: { jobId: id } });
}

/** SQLite's codes for "this is not (or no longer) a database file". */
export function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}
