/**
 * The one logger. The host (CLI, a service embedding the runtime) creates it once; the engine makes
 * children per job and step. Logs go to stderr or a file, never to stdout, so `--json` output stays clean.
 */
import { pino, type Logger } from 'pino';
import { withoutSecrets } from './interpreter/redact.js';

export interface LoggerOptions {
  /** @default 'warn' */
  level?: string;
  /** A file to append to; stderr when absent. */
  file?: string;
}

/**
 * Each log line loses the values of secret-looking keys at any depth (its own fields, a child logger's
 * bindings, a serialized error), by the same key list as job records (redact.ts). It runs on the finished
 * line because pino formats a child's bindings without any hook; a line with nothing to blank is written as is.
 */
function clean(line: string): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  const safe = withoutSecrets(record, []);
  return safe === record ? line : `${JSON.stringify(safe)}\n`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.file ? pino.destination({ dest: options.file, mkdir: true, sync: true }) : pino.destination({ fd: 2, sync: true });
  return pino({ level: options.level ?? 'warn', base: undefined, hooks: { streamWrite: clean } }, destination);
}

/** A logger that writes nothing, for embedders and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
