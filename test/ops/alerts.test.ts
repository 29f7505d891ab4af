/**
 * Alerts through real channels on loopback: an HTTP receiver (Slack-style `{"text": ...}`) that fails twice
 * before taking the message, and an SMTP server (smtp-server) with a login. The Runtime runs the shipped
 * package against the emulators (seats for only 5 creates); the clock is injected for the hourly dedupe.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { connectors } from '../../src/connectors/index.js';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { faqSeatsSeed } from '../../src/emulators/seed/index.js';
import { createLogger } from '../../src/engine/logger.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { Server as Serve } from '../../src/engine/runtime/serve.js';
import { Alerter } from '../../src/ops/alerts.js';
import { fastPackage, TempDirs } from '../cli/helpers.js';

const HOOK_KEY = 'T000-hook-key-B000';
const SMTP_PASSWORD = 'smtp-pass-7781';
const WRONG_PASSWORD = 'wrong-password-5512';

describe('ops: alerts', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let rt: Runtime;
  let alerter: Alerter;
  let logFile: string;
  let dataDir: string;
  let clock = Date.parse('2026-11-23T09:00:00Z');
  let hook: Server;
  let hookUrl: string;
  /** Answers to give, in order; 200 once they run out. */
  const hookScript: number[] = [];
  const hookBodies: { status: number; body: { text?: string } }[] = [];
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: { from: string; to: string[]; raw: string; user?: string }[] = [];

  before(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
        const status = hookScript.shift() ?? 200;
        hookBodies.push({ status, body: JSON.parse(body) as { text?: string } });
        res.writeHead(status).end(status === 200 ? 'ok' : 'busy');
      });
    });
    hook.listen(0, '127.0.0.1');
    await once(hook, 'listening');
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/services/${HOOK_KEY}`;

    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (auth.username === 'alerts' && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
        else cb(new Error('bad login'));
      },
      onData(stream, session, cb) {
        let raw = '';
        stream.setEncoding('utf8').on('data', (d: string) => (raw += d)).on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, user: session.user as string | undefined });
          cb();
        });
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    smtpPort = (smtp.server.address() as AddressInfo).port;

    pair = await startEmulators({ seed: faqSeatsSeed() });
    dataDir = mkdtempSync(join(tmpdir(), 'recipes-alerts-'));
    logFile = join(dataDir, 'alerts.log');
    rt = await Runtime.open({ packageDir: fastPackage(dirs), dataDir, connectors, secretKey: 'alerts-test-key', logger: createLogger({ level: 'info', file: logFile }) });
    for (const [name, value] of Object.entries(pair.properties)) await rt.properties.set(name, value);
    for (const recipe of ['location-sync', 'department-sync']) expect((await rt.test(recipe))?.status).to.equal('succeeded');
    await rt.properties.set('alert_webhook_url', hookUrl);
    await rt.properties.set('alert_email_to', 'hr-admin@example.com');
    await rt.properties.set('alert_email_from', 'recipes@example.com');
    await rt.properties.set('smtp_url', `smtp://alerts:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`);
    alerter = new Alerter(rt, { command: `recipes --data-dir ${dataDir}`, consoleUrl: 'http://127.0.0.1:4000', now: () => clock, retryDelaysMs: [20, 40, 80] });
  });
  after(async () => {
    await alerter?.close();
    await rt?.close();
    await pair?.close();
    hook?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    rmSync(dataDir, { recursive: true, force: true });
    dirs.cleanup();
  });

  const logs = () => readFileSync(logFile, 'utf8');

  it('a failed job: one message to the webhook (after it failed twice) and one e-mail, naming package, recipe, what happened and the command', async () => {
    await rt.properties.set('wiw_password', WRONG_PASSWORD);
    hookScript.push(500, 503);
    const job = await rt.test('location-sync');
    expect(job?.status).to.equal('failed');
    await alerter.settled();
    expect(hookBodies.map((b) => b.status)).to.deep.equal([500, 503, 200]);
    const text = hookBodies[2]!.body.text!;
    expect(text).to.match(new RegExp(`^\\[WIW Provisioning \\(wiw-provisioning\\)\\] location-sync: job ${job!.id} failed: WIW_\\w+: `));
    expect(text).to.contain(`See it with \`recipes --data-dir ${dataDir} jobs show ${job!.id}\` or open http://127.0.0.1:4000/#/job/${job!.id}.`);
    expect(mails).to.have.length(1);
    expect(mails[0]).to.deep.include({ from: 'recipes@example.com', to: ['hr-admin@example.com'], user: 'alerts' });
    expect(mails[0]!.raw).to.match(/^Subject: \[recipes\] WIW Provisioning: location-sync: job \d+ failed$/m);
    expect(mails[0]!.raw.replace(/=\r\n/g, '')).to.contain(`jobs show ${job!.id}`);
    const log = logs();
    expect(log).to.contain('"alert":"webhook","attempt":2').and.contain('the webhook answered HTTP 503').and.contain('alert sent');
    for (const secret of [HOOK_KEY, SMTP_PASSWORD, WRONG_PASSWORD, pair.properties.goco_api_token!]) {
      expect(log).to.not.contain(secret);
      expect(text).to.not.contain(secret);
      expect(mails[0]!.raw).to.not.contain(secret);
    }
  });

  it('the same failure again within the hour sends nothing; after the hour, one more message', async () => {
    const before = hookBodies.length;
    clock += 10 * 60_000;
    await rt.test('location-sync');
    await alerter.settled();
    expect(hookBodies.length).to.equal(before);
    expect(mails).to.have.length(1);
    expect(logs()).to.contain('alert not repeated: the same one was sent within the hour');
    clock += 51 * 60_000;
    const job = await rt.test('location-sync');
    await alerter.settled();
    expect(hookBodies.length).to.equal(before + 1);
    expect(hookBodies.at(-1)!.body.text).to.contain(`job ${job!.id} failed`);
    expect(mails).to.have.length(2);
  });

  it('the seat limit: a message that says so, with the command to see the job', async () => {
    await rt.properties.set('wiw_password', pair.properties.wiw_password!);
    const job = await rt.test('all-employees-sync');
    expect(job?.status).to.equal('failed');
    await alerter.settled();
    const text = hookBodies.at(-1)!.body.text!;
    expect(text).to.contain(`all-employees-sync: job ${job!.id} could not create or bring back every user`);
    expect(text).to.contain('probably reached its seat limit').and.contain(`jobs show ${job!.id}`);
    expect(hookBodies.filter((b) => b.status === 200 && b.body.text?.includes(`job ${job!.id}`))).to.have.length(1); // not also "job failed"
  });

  it('a recipe that stops itself after repeated trigger failures', async () => {
    await rt.properties.set('goco_api_token', 'not-the-token');
    await rt.start('employee-sync');
    const stop = new AbortController();
    const halted = once(rt, 'recipe:halted');
    const serving = new Serve(rt, { signal: stop.signal, maxTriggerFailures: 2, watchMs: 50 }).run();
    await halted;
    stop.abort();
    await serving;
    await alerter.settled();
    const text = hookBodies.at(-1)!.body.text!;
    expect(text).to.match(/employee-sync stopped itself after 2 trigger failures in a row; the last: GOCO_\w+: /);
    expect(text).to.contain(`start it again with \`recipes --data-dir ${dataDir} start employee-sync\``);
    expect(text).to.not.contain('not-the-token');
  });

  it('a channel that never answers is retried, logged without its URL, and the job keeps its own outcome', async () => {
    const dead = createServer();
    dead.listen(0, '127.0.0.1');
    await once(dead, 'listening');
    const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/services/${HOOK_KEY}-dead`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    await rt.properties.set('alert_webhook_url', url);
    await rt.properties.unset('smtp_url');
    await rt.properties.set('goco_api_token', pair.properties.goco_api_token!);
    await rt.properties.set('wiw_password', WRONG_PASSWORD);
    clock += 2 * 3_600_000;
    const job = await rt.test('department-sync');
    expect(job?.status).to.equal('failed');
    await alerter.settled();
    const log = logs();
    expect(log.match(/"alert":"webhook","attempt":4,.*alert not delivered; giving up/)).to.not.equal(null);
    expect(log).to.contain('ECONNREFUSED');
    expect(log).to.contain('alert e-mail not sent: set both alert_email_to and smtp_url');
    expect(log).to.not.contain(HOOK_KEY);
    expect((await rt.job(job!.id)).status).to.equal('failed');
  });
});
