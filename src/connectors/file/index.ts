/**
 * The file connector: records from a JSON file on this machine (an array of objects), read whole on each
 * call. For packages whose source is an export (an HR system's nightly file) rather than an API. It knows
 * files only: what the records mean is the recipes' business.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../../engine/errors.js';
import type { ActionDef, ConnectorDef } from '../../engine/types.js';

export interface FileSettings {
  path: string;
}

export interface FileConnection {
  /** Absolute: a relative path is resolved against the working directory when the connection is built. */
  path: string;
}

export const FILE_ERROR_CODES = ['FILE_NOT_FOUND', 'FILE_UNREADABLE', 'FILE_NOT_JSON', 'FILE_NOT_RECORDS'] as const;

const HINT = 'Point the connection at a JSON file holding an array of objects, one per record (see recipes/examples/).';

async function readRecords(path: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(missing ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      missing ? `There is no file at ${path}.` : `The file ${path} cannot be read: ${(error as Error).message}`, { cause: error, details: { path }, hint: HINT });
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserError('FILE_NOT_JSON', `The file ${path} is not JSON: ${(error as Error).message}`, { cause: error, details: { path }, hint: HINT });
  }
  const at = Array.isArray(data) ? data.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r)) : -1;
  if (!Array.isArray(data) || at !== -1) {
    const why = Array.isArray(data) ? `item ${at + 1} is not an object` : 'it is not an array';
    throw new UserError('FILE_NOT_RECORDS', `The file ${path} does not hold a list of records: ${why}.`, { details: { path }, hint: HINT });
  }
  return data as Record<string, unknown>[];
}

const readRecordsAction: ActionDef<Record<string, never>, { records: Record<string, unknown>[]; count: number }, FileConnection> = {
  title: 'Read records',
  description: 'Every record of the file, in file order.',
  input: { type: 'object', additionalProperties: false, properties: {} },
  output: {
    type: 'object', required: ['records', 'count'],
    properties: { records: { type: 'array', items: { type: 'object' } }, count: { type: 'integer', minimum: 0 } },
  },
  run: async (_input, ctx) => {
    const records = await readRecords(ctx.connection.path);
    return { records, count: records.length };
  },
};

export const file: ConnectorDef<FileSettings, FileConnection> = {
  name: 'file',
  title: 'File',
  description: 'Records from a JSON file on this machine (an array of objects).',
  settings: {
    type: 'object', additionalProperties: false, required: ['path'],
    properties: { path: { type: 'string', minLength: 1, description: 'The JSON file: absolute, or relative to the working directory.' } },
  },
  connect: (settings) => ({ path: resolve(settings.path) }),
  async test(connection) {
    const records = await readRecords(connection.path);
    return { message: `Read ${records.length} record${records.length === 1 ? '' : 's'} from ${connection.path}` };
  },
  actions: { read_records: readRecordsAction },
};
