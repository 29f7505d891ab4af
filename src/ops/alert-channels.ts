/**
 * Where an alert goes: a webhook (Slack-compatible `{"text": ...}`, POSTed as JSON) and/or e-mail through
 * SMTP (nodemailer). Each delivery is tried a few times with growing pauses; what is logged of a failure
 * names the channel and the reason only, never the webhook URL or the SMTP URL (both are secrets).
 */
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { sleep } from '../engine/sleep.js';
import type { Logger } from '../engine/types.js';

export interface AlertMessage {
  /** First line, used as the e-mail subject. */
  subject: string;
  text: string;
}

export interface AlertSettings {
  webhookUrl?: string;
  emailTo?: string;
  smtpUrl?: string;
  emailFrom?: string;
}

export interface DeliveryOptions {
  logger: Logger;
  /** Pauses between attempts; their count + 1 is the number of attempts. @default [1000, 4000, 15000] */
  retryDelaysMs?: readonly number[];
  /** Cuts pauses short at shutdown (the attempt in flight still ends). */
  signal?: AbortSignal;
  /** Removes secrets from what is logged. */
  scrub(text: string): string;
}

const TIMEOUT_MS = 10_000;

type Channel = { name: 'webhook' | 'email'; send(message: AlertMessage): Promise<void> };

function webhook(url: string): Channel {
  return {
    name: 'webhook',
    async send(message) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new Error('alert_webhook_url is not a URL');
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('alert_webhook_url is not an http:// or https:// address');
      const res = await fetch(parsed, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: message.text }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`the webhook answered HTTP ${res.status}`);
    },
  };
}

function email(smtpUrl: string, to: string, from: string | undefined): Channel {
  return {
    name: 'email',
    async send(message) {
      const options: SMTPTransport.Options = { url: smtpUrl, connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS };
      const transport = nodemailer.createTransport(options);
      try {
        await transport.sendMail({ from: from || `recipes@${hostname()}`, to, subject: message.subject, text: message.text });
      } finally {
        transport.close();
      }
    },
  };
}

/** The channels the settings configure; a half-configured e-mail (no SMTP URL or no recipient) is said once per alert. */
export function channelsFor(settings: AlertSettings, logger: Logger): Channel[] {
  const channels: Channel[] = [];
  if (settings.webhookUrl) channels.push(webhook(settings.webhookUrl));
  if (settings.emailTo && settings.smtpUrl) channels.push(email(settings.smtpUrl, settings.emailTo, settings.emailFrom));
  else if (settings.emailTo || settings.smtpUrl) logger.warn({ alert: 'email' }, `alert e-mail not sent: set both alert_email_to and smtp_url`);
  return channels;
}

/** True when at least one channel took the message. Never throws. */
export async function deliver(channels: Channel[], message: AlertMessage, options: DeliveryOptions): Promise<boolean> {
  const delays = options.retryDelaysMs ?? [1000, 4000, 15_000];
  const results = await Promise.all(channels.map(async (channel) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await channel.send(message);
        options.logger.info({ alert: channel.name, attempt }, 'alert sent');
        return true;
      } catch (error) {
        const e = error as Error & { code?: string; cause?: { code?: string } };
        const reason = options.scrub(`${e.code ?? e.cause?.code ?? 'error'}: ${e.message}`);
        const last = attempt > delays.length || options.signal?.aborted === true;
        options.logger.warn({ alert: channel.name, attempt, reason }, last ? 'alert not delivered; giving up' : 'alert not delivered; trying again');
        if (last) return false;
        await sleep(delays[attempt - 1]!, options.signal ?? new AbortController().signal);
      }
    }
  }));
  return results.some(Boolean);
}
