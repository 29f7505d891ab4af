/**
 * One GoCo connection: the shared Transport (one keep-alive agent, one queue) plus the calls the actions need, each
 * returning wire.ts shapes with transport errors translated into GoCo ones. Building it touches no network.
 */
import { Transport } from '../http/index.js';
import type { ConnectContext, HttpObserver, Logger } from '../../engine/types.js';
import { isRecipeError } from '../../engine/errors.js';
import { badResponse, badSettings, notFound, translate } from './errors.js';
import type { ResolvedSettings } from './settings.js';
import { paths, pageParams, readOne, readPage, type Collection, type Page, type PageRequest } from './wire.js';

export class GocoClient {
  readonly settings: ResolvedSettings;
  readonly transport: Transport;

  constructor(settings: ResolvedSettings, logger: Logger, observer?: HttpObserver, budget?: ConnectContext['rateBudget']) {
    this.settings = settings;
    try {
      this.transport = new Transport({
        name: 'goco',
        prefixUrl: settings.apiUrl,
        headers: { authorization: `Bearer ${settings.apiToken}`, accept: 'application/json' },
        timeoutMs: settings.timeoutMs,
        concurrency: settings.concurrency,
        requestsPerMinute: settings.requestsPerMinute,
        logger,
        ...(observer === undefined ? {} : { observer }),
        ...(budget === undefined || settings.requestsPerMinute === undefined ? {} : { budget: budget(settings.requestsPerMinute) }),
      });
    } catch (error) {
      throw isRecipeError(error, 'HTTP_BAD_OPTIONS') ? badSettings(error.message) : error;
    }
  }

  /** One page of a list. */
  async page(collection: Collection, request: PageRequest, signal?: AbortSignal): Promise<Page> {
    const what = `list ${collection}`;
    const body = await this.get(paths.list(collection), what, signal, pageParams(request));
    const page = readPage(body, request.limit);
    if (typeof page === 'string') throw badResponse(what, page, { offset: request.offset });
    return page;
  }

  /** One employee's raw record; GOCO_NOT_FOUND when GoCo has none with this id. */
  async employee(id: string, signal?: AbortSignal): Promise<unknown> {
    try {
      const body = await this.get(paths.employee(id), 'get an employee', signal);
      const record = readOne(body);
      if (record === undefined) throw badResponse('get an employee', 'expected an object with "data"', { id });
      return record;
    } catch (error) {
      if (isRecipeError(error, 'HTTP_STATUS') && error.details.status === 404) throw notFound('employee', id, error);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async get(path: string, what: string, signal: AbortSignal | undefined,
    searchParams?: Record<string, string | number | undefined>): Promise<unknown> {
    try {
      const response = await this.transport.request({ method: 'GET', path, ...(searchParams ? { searchParams } : {}), ...(signal ? { signal } : {}) });
      return response.body;
    } catch (error) {
      throw translate(error, { apiUrl: this.settings.apiUrl, what });
    }
  }
}
