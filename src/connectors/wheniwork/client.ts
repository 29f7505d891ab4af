/**
 * The connection handle `connect` returns: ONE transport (one keep-alive agent, one queue, so `concurrency` and
 * `requests_per_minute` hold for logins and API calls together) and the session. No network until the
 * first call. Calls to `/2` carry the session's headers; a 401 renews the login once and repeats the call
 * (the server did nothing, so repeating is safe even for a POST).
 */
import type { ConnectContext, HttpObserver, Logger } from '../../engine/types.js';
import { Transport, type HttpMethod, type ResponseHeaders } from '../http/index.js';
import { isLoginRequired } from './errors.js';
import { WiwSession, type Workplace } from './session.js';
import { resolveSettings, type ResolvedSettings, type WiwSettings } from './settings.js';

export type PublicSettings = Omit<ResolvedSettings, 'password' | 'apiKey'>;

export interface ApiRequest {
  method?: HttpMethod;
  /** Below the API URL, e.g. '/users/42'. */
  path: string;
  searchParams?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** @default true except for POST */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Drops the request while it is not yet sent (the action's `itemSignal`: its loop has ended). */
  queueSignal?: AbortSignal | undefined;
}

/** WIW's current docs say limits come back as "403 level" errors: a 403 that talks about rate limits is one. */
export function isWiwRateLimited(status: number, body: unknown, headers: ResponseHeaders): boolean {
  if (status !== 403) return false;
  if (headers['w-limit-remaining'] === '0') return true;
  const b = typeof body === 'object' && body !== null ? body as { code?: unknown; error?: unknown } : {};
  return b.code === 1200 || (typeof b.error === 'string' && /rate limit|too many requests/i.test(b.error));
}

export class WiwClient {
  /** The settings without the password and key (those stay inside the session). */
  readonly settings: PublicSettings;
  readonly transport: Transport;
  readonly session: WiwSession;

  constructor(settings: WiwSettings, readonly logger: Logger, observer?: HttpObserver, budget?: ConnectContext['rateBudget']) {
    const s = resolveSettings(settings);
    const { password: _password, apiKey: _apiKey, ...visible } = s;
    this.settings = visible;
    this.transport = new Transport({
      name: 'wheniwork',
      timeoutMs: s.timeoutMs,
      retries: s.retries,
      concurrency: s.concurrency,
      ...(s.requestsPerMinute === undefined ? {} : { requestsPerMinute: s.requestsPerMinute }),
      isRateLimited: isWiwRateLimited,
      logger,
      ...(observer === undefined ? {} : { observer }),
      ...(budget === undefined || s.requestsPerMinute === undefined ? {} : { budget: budget(s.requestsPerMinute) }),
    });
    this.session = new WiwSession(this.transport, s, logger);
  }

  /** Logs in (if not yet) and returns the chosen workplace. */
  async workplace(): Promise<Workplace> {
    return (await this.session.auth()).workplace;
  }

  /** One /2 call; resolves with the parsed body. Errors are the transport's (see ./errors.ts to map them). */
  async call<T = unknown>(request: ApiRequest): Promise<T> {
    let auth = await this.session.auth();
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.transport.request<T>({
          method: request.method ?? 'GET',
          path: `${this.settings.apiUrl}/${request.path.replace(/^\/+/, '')}`,
          headers: auth.headers(),
          ...(request.searchParams === undefined ? {} : { searchParams: request.searchParams }),
          ...(request.json === undefined ? {} : { json: request.json }),
          ...(request.idempotent === undefined ? {} : { idempotent: request.idempotent }),
          ...(request.signal === undefined ? {} : { signal: request.signal }),
          ...(request.queueSignal === undefined ? {} : { queueSignal: request.queueSignal }),
        });
        return response.body;
      } catch (error) {
        if (attempt > 1 || !isLoginRequired(error)) throw error;
        this.logger.info({ account_id: auth.workplace.account_id }, 'wheniwork token refused; logging in again');
        auth = await this.session.renew(auth);
      }
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** A handle may end up in a log line or a job record: show where it points, never its credentials. */
  toJSON(): Record<string, unknown> {
    return { connector: 'wheniwork', api_url: this.settings.apiUrl, email: this.settings.email };
  }
}
