/**
 * The one logger. The host (CLI, a service embedding the runtime) creates it once; the engine makes
 * children per job and step. Logs go to stderr or a file, never to stdout, so `--json` output stays clean.
 */
import { pino, type Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log record. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'headers.authorization',
  'headers["w-key"]',
  'headers["w-token"]',
  '*.headers.authorization',
  '*.headers["w-key"]',
  '*.headers["w-token"]',
  'settings.password',
  'settings.api_key',
  'settings.token',
];

export interface LoggerOptions {
  /** @default 'warn' */
  level?: string;
  /** A file to append to; stderr when absent. */
  file?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.file ? pino.destination({ dest: options.file, mkdir: true, sync: true }) : pino.destination({ fd: 2, sync: true });
  return pino({ level: options.level ?? 'warn', base: undefined, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/** A logger that writes nothing, for embedders and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
