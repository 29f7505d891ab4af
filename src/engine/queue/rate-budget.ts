/**
 * Request budgets shared by every worker: all jobs that use one account (one project's connection) spend one
 * `requests_per_minute` budget, whichever workers run them. The count lives in the state database
 * (rate-limiter-flexible's RateLimiterPostgres, table `rate_budget`), so workers on any machine share it.
 *
 * rate-limiter-flexible counts in fixed windows: a window opens at its first request and closes `duration`
 * later. Any rolling minute meets at most 60/L + 1 windows of L seconds, so allowing
 * c = floor(R / (60/L + 1)) requests per window never puts more than R in a rolling minute, which is how
 * the API counts. L is picked among a few lengths to use as much of R as that allows (600/min: windows of
 * 2.5 s with 24 requests each, 576/min, 96% of the budget). Each process still keeps its own strict
 * window (the transport's `requestsPerMinute`) besides this one.
 * The windows are timed by each worker's clock: machines sharing a budget keep their clocks in sync (NTP).
 */
import { createRequire } from 'node:module';
import pg from 'pg';
import type * as RateLimiterModule from 'rate-limiter-flexible';
import { sleep } from '../sleep.js';
import { CONNECT_TIMEOUT_MS, databaseWaitMs, guardPool, isTransientDbError } from '../store/open-pg.js';
import type { RateBudget } from '../types.js';

const { RateLimiterPostgres } = createRequire(import.meta.url)('rate-limiter-flexible') as typeof RateLimiterModule;

/** For waits nobody cancels. */
const NEVER = new AbortController().signal;
const WINDOW_SECONDS = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];
/** Made by the state store's migration 0006 (the limiter's own `create table` races when workers start together). */
export const BUDGET_TABLE = 'rate_budget';

/** The fixed window that uses most of `perMinute` without ever exceeding it in a rolling minute. */
export function budgetWindow(perMinute: number): { seconds: number; requests: number } {
  let best = { seconds: 60, requests: Math.max(1, Math.floor(perMinute / 2)) };
  for (const seconds of WINDOW_SECONDS) {
    const requests = Math.floor(perMinute / (60 / seconds + 1));
    if (requests >= 1 && (requests * 60) / seconds > (best.requests * 60) / best.seconds) best = { seconds, requests };
  }
  return best;
}

export class SharedBudgets {
  private readonly limiters = new Map<number, RateLimiterModule.RateLimiterPostgres>();

  private constructor(private readonly pool: pg.Pool) {}

  /** Opens the budgets on a database the store has migrated (its table is there). */
  static async open(databaseUrl: string): Promise<SharedBudgets> {
    const pool = guardPool(new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'recipes-budget', connectionTimeoutMillis: CONNECT_TIMEOUT_MS }));
    const budgets = new SharedBudgets(pool);
    try {
      await pool.query(`select 1 from ${BUDGET_TABLE} limit 0`); // answers, and is migrated
    } catch (error) {
      await pool.end();
      throw error;
    }
    return budgets;
  }

  /** The budget of `key` (project/connection): `perMinute` requests in any rolling minute, for all workers together. */
  budget(key: string, perMinute: number): RateBudget {
    return {
      take: async (signal) => {
        const limiter = this.limiter(perMinute);
        const deadline = Date.now() + databaseWaitMs();
        for (;;) {
          if (signal?.aborted) throw signal.reason;
          try {
            await limiter.consume(key, 1);
            return;
          } catch (rejected) {
            if (rejected instanceof Error) {
              // The database is away (a restart): wait for it as the store does, then fail.
              if (!isTransientDbError(rejected) || Date.now() > deadline) throw rejected;
              await sleep(1000, signal ?? NEVER);
              continue;
            }
            const wait = (rejected as RateLimiterModule.RateLimiterRes).msBeforeNext;
            await sleep(Math.max(1, wait) + Math.random() * 5, signal ?? NEVER);
          }
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private limiter(perMinute: number): RateLimiterModule.RateLimiterPostgres {
    let limiter = this.limiters.get(perMinute);
    if (!limiter) {
      const { seconds, requests } = budgetWindow(perMinute);
      limiter = new RateLimiterPostgres({ storeClient: this.pool, storeType: 'pool', tableName: BUDGET_TABLE, tableCreated: true, keyPrefix: `rpm${perMinute}`, points: requests, duration: seconds, clearExpiredByTimeout: true });
      this.limiters.set(perMinute, limiter);
    }
    return limiter;
  }
}
