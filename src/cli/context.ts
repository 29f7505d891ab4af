/**
 * What every command shares: global options, opening the runtime, printing, and exit codes
 * (0 success, 1 a job or an operation failed, 2 bad usage, invalid package or invalid input).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { RecipeError, serializeError, UserError } from '../engine/errors.js';
import { formatProblem, type Problem } from '../engine/loader/problem.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import { makeDir } from '../engine/store/make-dir.js';
import { isNotADatabase, storeCorrupt } from '../engine/store/store-errors.js';
import type { Logger } from '../engine/types.js';

export interface GlobalOptions {
  dataDir: string;
  /** postgres:// URL; state in that database instead of the data dir's state.db. */
  databaseUrl?: string;
  /** The project whose state commands read and write (`default` unless --project / RECIPES_PROJECT). */
  project: string;
  /** Given with --package or RECIPES_PACKAGE; otherwise the project's own package is used. */
  package?: string;
  logLevel: string;
  logFile?: string;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * The package shipped with this install (recipes/wiw-provisioning next to src/ or dist/), so `recipes`
 * works from any folder; falls back to the cwd-relative path when the layout is unusual.
 */
export function shippedPackage(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'recipes', 'wiw-provisioning');
    if (existsSync(join(candidate, 'package.yaml'))) return candidate;
    dir = dirname(dir);
  }
  return 'recipes/wiw-provisioning';
}

export const SHIPPED_PACKAGE_NOTE = 'else the shipped WIW Provisioning package';

/** Which project and package a command uses: see Runtime.open and engine/runtime/project.ts. */
export function projectOptions(g: GlobalOptions): { project: string; packageDir?: string; defaultPackageDir: string } {
  return { project: g.project, ...(g.package ? { packageDir: resolve(g.package) } : {}), defaultPackageDir: resolve(shippedPackage()) };
}

export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

let logger: Logger | undefined;
/** pino is loaded here, when a command first needs a logger, not at start: `--help` never does. */
export async function getLogger(g: GlobalOptions): Promise<Logger> {
  if (logger) return logger;
  const { createLogger } = await import('../engine/logger.js');
  if (g.logFile) {
    const file = resolve(g.logFile);
    makeDir(dirname(file), "log file's folder");
    try {
      logger = createLogger({ level: g.logLevel, file });
    } catch (cause) {
      const e = cause as NodeJS.ErrnoException;
      throw new UserError('LOG_FILE_FAILED', `Cannot open the log file ${file} (${e.code ?? 'error'}: ${e.message}).`, {
        cause,
        hint: 'Pass --log-file with a file you can write to, or leave it out to log to stderr.',
      });
    }
    return logger;
  }
  logger = createLogger({ level: g.logLevel });
  return logger;
}

/**
 * Opens the runtime. Only `properties set` (and `demo`) create a missing store: any other command on a
 * mistyped --data-dir is STORE_MISSING instead of starting an empty store (start/stop included: they
 * change state an admin expects to be there already). With --database-url the same rule holds for the
 * schema: other commands neither create nor upgrade it.
 */
export async function openRuntime(g: GlobalOptions, create = false): Promise<Runtime> {
  const dataDir = resolve(g.dataDir);
  const databaseUrl = g.databaseUrl || undefined;
  // Loaded on demand: the engine, the store and the connectors are most of the CLI's start-up time.
  const [{ Runtime }, { connectors }, { defaultPackageCache }] = await Promise.all([
    import('../engine/runtime/runtime.js'),
    import('../connectors/index.js'),
    import('../engine/loader/checked-package.js'),
  ]);
  const rt = await Runtime.open({ ...projectOptions(g), dataDir, databaseUrl, connectors, logger: await getLogger(g), createDataDir: create, packageCache: defaultPackageCache() });
  if (!databaseUrl) warnIfShared(dataDir);
  return rt;
}

/** `create`: make the data dir and store when missing (see openRuntime). */
export async function withRuntime<T>(g: GlobalOptions, fn: (rt: Runtime) => Promise<T> | T, create = false): Promise<T> {
  const rt = await openRuntime(g, create);
  try {
    return await fn(rt);
  } catch (error) {
    // Damaged pages surface only when a query reads them, long after open.
    if (rt.storeInfo.dialect === 'sqlite' && isNotADatabase(error)) throw storeCorrupt(rt.storeInfo.location, `damaged: ${(error as Error).message}`, error);
    throw error;
  } finally {
    await rt.close();
  }
}

let warned = false;
/** Job history holds personal data: say once when other users can reach the data dir. */
function warnIfShared(dataDir: string): void {
  if (warned) return;
  warned = true;
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  process.stderr.write(`warning: the data dir ${dataDir} is open to other users (mode ${mode.toString(8).padStart(4, '0')}); it holds job history with personal data. Run: chmod 700 ${dataDir}\n`);
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

/**
 * SIGINT/SIGTERM for a long-running command: the first says `first` and aborts `signal` (finish the step in
 * flight), a second cancels the steps in flight (`hard`). `stop()` is the first without a signal.
 */
export function stopOnSignals(first: string): { signal: AbortSignal; hard: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const hard = new AbortController();
  const stop = (name: string) => {
    if (controller.signal.aborted) {
      out(`${name} again: cancelling the steps in flight.`);
      hard.abort();
      return;
    }
    out(`${name}: ${first}`);
    controller.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return { signal: controller.signal, hard: hard.signal, stop: () => controller.abort() };
}
