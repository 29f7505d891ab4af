/**
 * A GoCo connection's settings. The schema is their only description: defaults are read from it, not repeated.
 */
import type { JsonSchema } from '../../engine/types.js';
import { badSettings } from './errors.js';

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['api_url', 'api_token'],
  properties: {
    api_url: {
      type: 'string',
      minLength: 1,
      description: 'Base URL of the GoCo API; paths such as /employees are resolved below it.',
      examples: ['https://api.goco.io/v1'],
    },
    api_token: {
      type: 'string',
      minLength: 1,
      'x-secret': true,
      description: 'GoCo API key (GoCo Marketplace > API Credentials), sent as Authorization: Bearer.',
    },
    concurrency: { type: 'integer', minimum: 1, default: 4, description: 'Requests in flight at once.' },
    requests_per_minute: { type: 'integer', minimum: 1, description: 'Request budget per rolling minute; unlimited when absent.' },
    timeout_ms: { type: 'integer', minimum: 1, default: 30000, description: 'Time allowed for one request.' },
    page_size: { type: 'integer', minimum: 1, default: 100, description: 'Records asked for per page (the API may serve fewer).' },
  },
} as const satisfies JsonSchema;

export interface GocoSettings {
  api_url: string;
  api_token: string;
  concurrency?: number;
  requests_per_minute?: number;
  timeout_ms?: number;
  page_size?: number;
}

export interface ResolvedSettings {
  apiUrl: string;
  apiToken: string;
  concurrency: number;
  requestsPerMinute: number | undefined;
  timeoutMs: number;
  pageSize: number;
}

const defaults = {
  concurrency: settingsSchema.properties.concurrency.default,
  timeout_ms: settingsSchema.properties.timeout_ms.default,
  page_size: settingsSchema.properties.page_size.default,
};

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw badSettings(`${name} must be an integer of at least 1`);
  return value;
}

/** Checks what the engine's schema check may not have (connect can be called directly) and fills defaults. */
export function resolveSettings(settings: GocoSettings): ResolvedSettings {
  if (typeof settings?.api_url !== 'string' || !URL.canParse(settings.api_url) || !/^https?:$/.test(new URL(settings.api_url).protocol)) {
    throw badSettings('api_url must be an http(s) URL');
  }
  if (typeof settings.api_token !== 'string' || settings.api_token.trim() === '') throw badSettings('api_token is required');
  return {
    apiUrl: settings.api_url,
    apiToken: settings.api_token.trim(),
    concurrency: positiveInteger('concurrency', settings.concurrency ?? defaults.concurrency),
    requestsPerMinute: settings.requests_per_minute === undefined ? undefined : positiveInteger('requests_per_minute', settings.requests_per_minute),
    timeoutMs: positiveInteger('timeout_ms', settings.timeout_ms ?? defaults.timeout_ms),
    pageSize: positiveInteger('page_size', settings.page_size ?? defaults.page_size),
  };
}
