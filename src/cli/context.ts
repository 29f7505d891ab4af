/**
 * What every command shares: global options, opening the runtime, printing, and exit codes
 * (0 success, 1 a job or an operation failed, 2 bad usage, invalid package or invalid input).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { connectors as defaultConnectors } from '../connectors/index.js';
import { RecipeError, serializeError } from '../engine/errors.js';
import { formatProblem, type Problem } from '../engine/loader/problem.js';
import { createLogger } from '../engine/logger.js';
import { Runtime } from '../engine/runtime/runtime.js';
import { STATE_FILE } from '../engine/store/index.js';
import type { Logger } from '../engine/types.js';

export interface GlobalOptions {
  dataDir: string;
  /** postgres:// URL; state in that database instead of the data dir's state.db. */
  databaseUrl?: string;
  package: string;
  logLevel: string;
  logFile?: string;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

let logger: Logger | undefined;
export function getLogger(g: GlobalOptions): Logger {
  logger ??= createLogger({ level: g.logLevel, file: g.logFile });
  return logger;
}

/**
 * Opens the runtime. Reading commands pass `mustExist` so a mistyped --data-dir is reported instead of
 * silently creating an empty one; with --database-url they neither create nor upgrade the schema.
 */
export async function openRuntime(g: GlobalOptions, mustExist = false): Promise<Runtime> {
  const dataDir = resolve(g.dataDir);
  const databaseUrl = g.databaseUrl || undefined;
  if (!databaseUrl && mustExist && !existsSync(resolve(dataDir, STATE_FILE))) {
    throw new RecipeError('STORE_MISSING', `No recipes data at ${g.dataDir}: nothing has been set or run with this data dir yet.`, {
      kind: 'user',
      hint: 'Pass the right --data-dir (or RECIPES_DATA_DIR), or start with `recipes properties set NAME VALUE`.',
    });
  }
  return Runtime.open({ packageDir: resolve(g.package), dataDir, databaseUrl, createDataDir: !mustExist || !databaseUrl, connectors: defaultConnectors, logger: getLogger(g) });
}

export async function withRuntime<T>(g: GlobalOptions, fn: (rt: Runtime) => Promise<T> | T, mustExist = false): Promise<T> {
  const rt = await openRuntime(g, mustExist);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function out(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Prints an error for a person (or as JSON) and returns the exit code it deserves. */
export function report(error: unknown, json: boolean): number {
  if (error instanceof ExitCode) return error.code;
  const e = serializeError(error);
  const problems = (error instanceof RecipeError ? error.details.problems : undefined) as Problem[] | undefined;
  const code = error instanceof RecipeError && error.kind === 'user' ? EXIT.usage : e.kind === 'bug' ? EXIT.failed : EXIT.failed;
  if (json) {
    process.stdout.write(JSON.stringify({ error: e }, null, 2) + '\n');
    return code;
  }
  if (problems) {
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found.\n`);
  } else {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
    if (e.hint) process.stderr.write(`  ${e.hint.split('\n').join('\n  ')}\n`);
    if (e.kind === 'bug') process.stderr.write('  This looks like a bug in recipes; please report it with the code above.\n');
  }
  return code;
}

/**
 * Whether `--json` was given. A parent command with its own `--json` (jobs, properties, connections)
 * takes the flag even when it is written after the subcommand, so look there too.
 */
export function wantsJson(opts: { json?: boolean }, cmd: Command): boolean {
  return Boolean(opts.json ?? (cmd.optsWithGlobals() as { json?: boolean }).json);
}
