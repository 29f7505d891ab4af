/**
 * Alerts where admins look: when a job fails, when the seat limit stops creates, or when `serve` stops a
 * recipe whose trigger keeps failing, one message goes to the webhook and/or the e-mail address set in
 * the project properties (`alert_webhook_url`, `alert_email_to`, `smtp_url`, `alert_email_from`), read at
 * each alert so a change needs no restart. Dry runs never alert.
 *
 * The same alert (recipe and kind) is sent at most once an hour. That memory lives in this object, per
 * `serve` process: a restart may send one more, which beats a table every process must agree on.
 * A delivery runs beside the job, never inside it: a failing channel is logged and retried, and the job's
 * outcome is already recorded by then.
 */
import { withoutSecrets } from '../engine/interpreter/redact.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { Logger } from '../engine/types.js';
import type { JobRecord } from '../engine/store/index.js';
import type { StepRecord } from '../engine/interpreter/job-env.js';
import { channelsFor, deliver, type AlertMessage, type AlertSettings } from './alert-channels.js';

export type AlertKind = 'job_failed' | 'seat_limit' | 'recipe_stopped';

export interface AlertOptions {
  /** How to run the CLI against this data dir, e.g. `recipes --data-dir /var/lib/recipes`. @default 'recipes' */
  command?: string;
  /** The console's address when it runs: messages link to the job page. */
  consoleUrl?: string;
  /** @default Date.now */
  now?: () => number;
  /** @default one hour */
  repeatAfterMs?: number;
  /** Pauses between delivery attempts. @default [1000, 4000, 15000] */
  retryDelaysMs?: readonly number[];
}

const HOUR = 3_600_000;
/** Strips user:password from any URL in a text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
const MAX_DETAIL = 300;

export interface Alert {
  kind: AlertKind;
  recipe: string;
  message: AlertMessage;
}

export class Alerter {
  private readonly sent = new Map<string, number>();
  private readonly seatLimited = new Set<number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly listeners: { event: string; fn: (...args: never[]) => void }[] = [];

  constructor(
    private readonly rt: Runtime,
    private readonly options: AlertOptions = {},
  ) {
    this.listen('step', (e: { jobId: number; record: StepRecord }) => {
      if ((e.record.error as { code?: unknown } | undefined)?.code === 'WIW_SEAT_LIMIT') this.seatLimited.add(e.jobId);
    });
    this.listen('job:end', (job: JobRecord) => {
      const seats = this.seatLimited.delete(job.id) || (job.error as { code?: unknown } | null)?.code === 'WIW_SEAT_LIMIT';
      if (job.dryRun) return;
      if (seats) this.raise('seat_limit', job.recipe, this.seatLimitText(job));
      else if (job.status === 'failed') this.raise('job_failed', job.recipe, this.failedText(job));
    });
    this.listen('recipe:halted', (e: { recipe: string; failures: number; error: { code: string; message: string } }) => {
      this.raise('recipe_stopped', e.recipe, {
        subject: `${e.recipe} stopped itself`,
        text: `${e.recipe} stopped itself after ${e.failures} trigger failures in a row; the last: ${e.error.code}: ${detail(e.error.message)} `
          + `See why with \`${this.command()} list\`; start it again with \`${this.command()} start ${e.recipe}\`.`,
      });
    });
  }

  private listen<A>(event: string, fn: (a: A) => void): void {
    this.rt.on(event as 'step', fn as never);
    this.listeners.push({ event, fn: fn as never });
  }

  private command(): string {
    return this.options.command ?? 'recipes';
  }

  private see(job: JobRecord): string {
    const link = this.options.consoleUrl ? ` or open ${this.options.consoleUrl}/#/job/${job.id}` : '';
    return `See it with \`${this.command()} jobs show ${job.id}\`${link}.`;
  }

  private failedText(job: JobRecord): AlertMessage {
    const e = (job.error ?? {}) as { code?: string; message?: string };
    return {
      subject: `${job.recipe}: job ${job.id} failed`,
      text: `${job.recipe}: job ${job.id} failed: ${e.code ?? 'ERROR'}: ${detail(e.message ?? 'no message')} ${this.see(job)}`,
    };
  }

  private seatLimitText(job: JobRecord): AlertMessage {
    return {
      subject: `${job.recipe}: When I Work seat limit reached`,
      text: `${job.recipe}: job ${job.id} could not create or bring back every user: When I Work refused (HTTP 500), the account has `
        + `probably reached its seat limit. Free seats or add seats to the plan, then run it again. ${this.see(job)}`,
    };
  }

  /** Decides whether to send (once an hour per recipe and kind) and sends beside the caller. */
  raise(kind: AlertKind, recipe: string, message: AlertMessage): void {
    const now = (this.options.now ?? Date.now)();
    const key = `${recipe}\u0000${kind}`;
    const last = this.sent.get(key);
    const logger = this.rt.logger.child({ recipe, alert_kind: kind });
    if (last !== undefined && now - last < (this.options.repeatAfterMs ?? HOUR)) {
      logger.info({ since_ms: now - last }, 'alert not repeated: the same one was sent within the hour');
      return;
    }
    // Taken before the properties are read, so a second occurrence meanwhile is held back too.
    this.sent.set(key, now);
    const delivery = this.send(key, now, message, logger).catch((error: unknown) => {
      logger.warn({ reason: (error as Error).message }, 'alert not sent');
    });
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  private async send(key: string, at: number, message: AlertMessage, logger: Logger): Promise<void> {
    // Nothing got through (or nothing was configured): the next occurrence tries again instead of waiting an hour.
    const forget = () => {
      if (this.sent.get(key) === at) this.sent.delete(key);
    };
    let settings: AlertSettings;
    let secrets: string[];
    try {
      const resolved = await this.rt.properties.resolve();
      const v = resolved.values;
      const text = (name: string) => (typeof v[name] === 'string' && (v[name] as string).trim() !== '' ? (v[name] as string).trim() : undefined);
      settings = { webhookUrl: text('alert_webhook_url'), emailTo: text('alert_email_to'), smtpUrl: text('smtp_url'), emailFrom: text('alert_email_from') };
      secrets = resolved.secrets;
    } catch (error) {
      forget();
      logger.warn({ reason: (error as Error).message }, 'alert not sent: the alert properties cannot be read');
      return;
    }
    const scrub = (t: string) => (withoutSecrets(t, secrets) as string).replace(URL_CREDENTIALS, '$1[redacted]@');
    const channels = channelsFor(settings, logger);
    if (channels.length === 0) return forget();
    const pkg = this.rt.package;
    const full: AlertMessage = {
      subject: scrub(`[recipes] ${pkg.title}: ${message.subject}`),
      text: scrub(`[${pkg.title} (${pkg.name})] ${message.text}`),
    };
    const ok = await deliver(channels, full, { logger, scrub, signal: this.shutdown.signal, ...(this.options.retryDelaysMs ? { retryDelaysMs: this.options.retryDelaysMs } : {}) });
    if (!ok) forget();
  }

  /** Resolves once every delivery started so far has ended (sent or given up). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops listening; deliveries in flight get their current attempt, without further pauses. */
  async close(): Promise<void> {
    for (const { event, fn } of this.listeners) this.rt.off(event as 'step', fn as never);
    this.shutdown.abort();
    await this.settled();
  }
}

/** The first sentence of an error message, at most MAX_DETAIL characters. */
function detail(message: string): string {
  const first = /^[\s\S]*?[.!?](?=\s|$)/.exec(message)?.[0] ?? message;
  return first.length > MAX_DETAIL ? `${first.slice(0, MAX_DETAIL - 1)}…` : first;
}
