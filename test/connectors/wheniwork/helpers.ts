/** Shared set-up of the wheniwork connector tests: the emulator in-process, a connection, an action context. */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { ActionContext, Mappings } from '../../../src/engine/types.js';
import { wheniwork } from '../../../src/connectors/wheniwork/index.js';
import type { WiwClient } from '../../../src/connectors/wheniwork/client.js';
import type { WiwSettings } from '../../../src/connectors/wheniwork/settings.js';
import type { WiwEmulator } from '../../../src/emulators/wheniwork/index.js';

export const silent = pino({ level: 'silent' });

/** A logger that keeps every line it writes, so tests can search the log for secrets. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), lines };
}

export function settingsFor(emu: WiwEmulator, overrides: Partial<WiwSettings> = {}): WiwSettings {
  return {
    login_url: emu.loginUrl,
    api_url: emu.apiUrl,
    email: emu.credentials.email,
    password: emu.credentials.password,
    api_key: emu.credentials.apiKey,
    ...overrides,
  };
}

export function connectTo(emu: WiwEmulator, overrides: Partial<WiwSettings> = {}, logger: Logger = silent): WiwClient {
  return wheniwork.connect(settingsFor(emu, overrides), { logger });
}

const noMappings: Mappings = {
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => undefined,
  all: async () => ({}),
};

export function makeCtx(connection: WiwClient, logger: Logger = silent): ActionContext<WiwClient> {
  return {
    connection, logger, signal: new AbortController().signal, dryRun: false, mappings: noMappings,
    progress: () => undefined, jobId: 'test',
  };
}

/** Runs a connector action by name. */
export function run<O = any>(name: string, input: unknown, ctx: ActionContext<WiwClient>): Promise<O> {
  const action = wheniwork.actions[name];
  if (action === undefined) throw new Error(`no action ${name}`);
  return action.run(input, ctx) as Promise<O>;
}

/** The rejection of `promise`, or a failure if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
