/**
 * Creates a folder and its missing parents one level at a time. `mkdirSync(..., { recursive: true })`
 * loops forever under /proc (mkdir answers ENOENT there, which the recursive walk retries); this fails at
 * once with the path and the reason.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

export const DIR_CREATE_FAILED = 'DIR_CREATE_FAILED';

/** `what` names the folder for the message ("data dir", "log file's folder"). Throws DIR_CREATE_FAILED. */
export function makeDir(dir: string, what: string, mode = 0o700): void {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let current = target; ; current = dirname(current)) {
    try {
      if (statSync(current).isDirectory()) break;
      throw cannotCreate(what, target, `${current} is a file, not a folder`);
    } catch (error) {
      if (error instanceof UserError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotCreate(what, target, reason(error));
      missing.push(current);
      if (dirname(current) === current) break;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(what, target, reason(error));
    }
  }
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(error);
}

function cannotCreate(what: string, path: string, why: string): UserError {
  return new UserError(DIR_CREATE_FAILED, `Cannot create the ${what} ${path} (${why}).`, {
    details: { path },
    hint: 'Pass a path in a folder you can write to.',
  });
}
