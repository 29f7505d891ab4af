/**
 * The login of one connection: `POST {login_url}/login` (W-Key + email/password) -> token, then
 * `GET {api_url}/login` -> the person's users, one per workplace, of which one is chosen. Lazy (the first
 * call logs in), shared (concurrent first calls await ONE login) and renewable (a 401 from /2 renews once;
 * every request that saw the same stale token shares that renewal).
 *
 * The token lives in a private field of `Auth` and leaves it only as request headers, so logging or
 * serialising an `Auth` or the session shows the workplace and never the token.
 */
import type { Logger } from '../../engine/types.js';
import { UserError } from '../../engine/errors.js';
import type { Transport } from '../http/index.js';
import { apiError, badResponse, isLoginRequired, isUnreachable, loginError, unreachable } from './errors.js';
import type { ResolvedSettings } from './settings.js';

export interface Workplace {
  /** The login's user in the workplace; sent as `W-UserId`. */
  user_id: number;
  account_id: number;
  company: string | null;
}

export class Auth {
  readonly #token: string;

  constructor(token: string, readonly workplace: Workplace) {
    this.#token = token;
  }

  headers(): Record<string, string> {
    return { authorization: `Bearer ${this.#token}`, 'w-userid': String(this.workplace.user_id) };
  }

  toJSON(): Workplace {
    return this.workplace;
  }
}

interface LoginUser {
  id: number;
  account_id: number;
  is_deleted?: boolean;
}

export class WiwSession {
  #current: Promise<Auth> | undefined;
  #latest: Auth | undefined;
  /** Logins made so far (first one and renewals); tests and logs read it. */
  logins = 0;

  readonly #transport: Transport;
  /** Private (#) so the password and key never show in inspection or serialisation. */
  readonly #settings: ResolvedSettings;
  readonly #logger: Logger;

  constructor(transport: Transport, settings: ResolvedSettings, logger: Logger) {
    this.#transport = transport;
    this.#settings = settings;
    this.#logger = logger;
  }

  /** The current login, logging in first if nobody has yet. */
  auth(): Promise<Auth> {
    return this.#current ?? this.#start();
  }

  /** A fresh login after `stale` was refused; requests that saw the same stale login share one renewal. */
  renew(stale: Auth): Promise<Auth> {
    if (this.#current !== undefined && this.#latest !== stale) return this.#current;
    return this.#start();
  }

  #start(): Promise<Auth> {
    this.#latest = undefined;
    const running = this.#login().then((auth) => {
      if (this.#current === running) this.#latest = auth;
      return auth;
    }, (error: unknown) => {
      // A failed login is not remembered: the next call tries again (the admin may have fixed a property).
      if (this.#current === running) this.#current = undefined;
      throw error;
    });
    this.#current = running;
    return running;
  }

  async #login(): Promise<Auth> {
    const { loginUrl, apiUrl, email, password, apiKey } = this.#settings;
    this.logins += 1;
    let body: unknown;
    try {
      ({ body } = await this.#transport.request({
        method: 'POST', path: `${loginUrl}/login`, headers: { 'w-key': apiKey }, json: { email, password },
        // Logging in twice is harmless, so a lost reply is retried rather than reported as ambiguous.
        idempotent: true,
      }));
    } catch (error) {
      throw loginError(error, email, loginUrl);
    }
    const token = tokenOf(body);
    if (token === undefined) throw badResponse('the login', { url: `${loginUrl}/login` });

    let login: unknown;
    try {
      ({ body: login } = await this.#transport.request({
        path: `${apiUrl}/login`, headers: { authorization: `Bearer ${token}` },
      }));
    } catch (error) {
      if (isUnreachable(error)) throw unreachable(apiUrl, error);
      if (isLoginRequired(error)) throw loginError(error, email, apiUrl);
      throw apiError(error, 'the list of workplaces of this login');
    }
    const workplace = this.#choose(login);
    this.#logger.info({ email, account_id: workplace.account_id, user_id: workplace.user_id }, 'wheniwork logged in');
    return new Auth(token, workplace);
  }

  #choose(login: unknown): Workplace {
    const { email, accountId } = this.#settings;
    const users = usersOf(login).filter((u) => u.is_deleted !== true);
    const companies = companiesOf(login);
    const describe = (u: LoginUser): Workplace => ({ user_id: u.id, account_id: u.account_id, company: companies.get(u.account_id) ?? null });
    const listed = users.map((u) => `${companies.get(u.account_id) ?? 'unnamed workplace'} (account ${u.account_id})`).join(', ');
    const workplaces = users.map((u) => describe(u));
    if (accountId !== undefined) {
      const chosen = users.find((u) => u.account_id === accountId);
      if (chosen !== undefined) return describe(chosen);
      throw new UserError('WIW_WORKPLACE_NOT_FOUND',
        `The When I Work login ${email} has no workplace with account id ${accountId}`
        + (users.length > 0 ? `; its workplaces are: ${listed}` : ''), {
          details: { email, account_id: accountId, workplaces },
          hint: 'Set wiw_account_id to one of the account ids listed, or leave it empty.',
        });
    }
    if (users.length === 1) return describe(users[0]!);
    if (users.length === 0) {
      throw new UserError('WIW_WORKPLACE_NOT_FOUND', `The When I Work login ${email} belongs to no workplace`, {
        details: { email }, hint: 'Use the login of an admin or manager of the workplace to sync.',
      });
    }
    throw new UserError('WIW_WORKPLACE_AMBIGUOUS',
      `The When I Work login ${email} belongs to ${users.length} workplaces: ${listed}. Set wiw_account_id to the account id of the one to sync.`, {
        details: { email, workplaces },
        hint: 'recipes properties set wiw_account_id <account id>',
      });
  }
}

/** WIW's login service answers with the token at the top, in `person` or in `login`; all are read. */
function tokenOf(body: unknown): string | undefined {
  const b = asRecord(body);
  for (const candidate of [b?.token, asRecord(b?.person)?.token, asRecord(b?.login)?.token]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  return undefined;
}

function usersOf(login: unknown): LoginUser[] {
  const users = asRecord(login)?.users;
  if (!Array.isArray(users)) throw badResponse('the list of workplaces (GET /2/login)');
  return users.flatMap((u) => {
    const r = asRecord(u);
    const id = Number(r?.id);
    const account = Number(r?.account_id);
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(account)) return [];
    return [{ id, account_id: account, is_deleted: r?.is_deleted === true }];
  });
}

function companiesOf(login: unknown): Map<number, string> {
  const out = new Map<number, string>();
  const accounts = asRecord(login)?.accounts;
  if (!Array.isArray(accounts)) return out;
  for (const a of accounts) {
    const r = asRecord(a);
    if (typeof r?.company === 'string' && r.company.trim() !== '') out.set(Number(r.id), r.company.trim());
  }
  return out;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}
