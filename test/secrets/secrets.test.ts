/**
 * No secret leaks: after the demo, and after a sync through the CLI against a WIW emulator that fails 20% of
 * calls, the WIW password, the developer key, the GoCo token and any WIW session token (a JWT: its header,
 * and the signature of a token the emulator issues for the same login) appear nowhere - not in a log line,
 * a job record (`jobs --json`, `jobs show ID --json` for every job), the CLI's stdout or stderr, nor the raw
 * SQLite files - and secret properties are not in the SQLite files in any encoding (plain, base64, hex).
 * Runs the compiled bin: `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectors } from '../../src/connectors/index.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { startEmulators, EMULATOR_ADMIN, type EmulatorPair } from '../../src/emulators/index.js';
import { DEFAULT_GOCO_TOKEN } from '../../src/emulators/goco/index.js';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async spawn: the emulators run in this process, so the event loop must stay free while the CLI talks to them. */
function cli(args: string[], input?: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/recipes.js', ...args], { env: { ...process.env, RECIPES_SECRET_KEY: '', NO_COLOR: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(input ?? '');
  });
}

const PACKAGE = 'recipes/wiw-provisioning';

/** The header every HS256 JWT the emulator issues starts with ({"alg":"HS256","typ":"JWT"}). */
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** The forms a secret could be stored or printed in. */
function forms(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [secret, b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase(),
    Buffer.from(secret, 'utf16le').toString('latin1')];
}

/** Every hit of any form of any secret in `text` (as `secret-name/form-index @ where`). */
function hits(secrets: Record<string, string>, where: string, text: string): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    forms(secret).forEach((form, i) => {
      if (text.includes(form)) found.push(`${name}/form${i} in ${where}`);
    });
  }
  return found;
}

/** Raw bytes of state.db and its -wal/-shm, read as latin1 so every byte is one char. */
function sqliteFiles(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dataDir).filter((n) => n.startsWith('state.db'))) out[f] = readFileSync(join(dataDir, f)).toString('latin1');
  return out;
}

/**
 * Every job's record and steps: the listing and the newest job through the CLI (`jobs --json`, `jobs show ID
 * --json`), every job through the Runtime the CLI is built on (the same records; a process per job would
 * make this suite too slow for `npm test`).
 */
async function jobRecords(dataDir: string, texts: Record<string, string>): Promise<number> {
  const list = await cli(['--data-dir', dataDir, 'jobs', '--json']);
  texts['jobs --json'] = list.stdout + list.stderr;
  const jobs = JSON.parse(list.stdout) as { id: number }[];
  const newest = Math.max(...jobs.map((j) => j.id));
  const shown = await cli(['--data-dir', dataDir, 'jobs', 'show', String(newest), '--json']);
  expect(shown.code, shown.stderr).to.equal(0);
  texts[`jobs show ${newest} (CLI)`] = shown.stdout + shown.stderr;
  const rt = await Runtime.open({ packageDir: PACKAGE, dataDir, connectors, createDataDir: false });
  try {
    for (const job of (await rt.jobs(undefined, 1_000))) texts[`jobs show ${job.id}`] = JSON.stringify({ job: (await rt.job(job.id)), steps: (await rt.steps(job.id)) });
    expect((await rt.jobs(undefined, 1_000)).length).to.equal(jobs.length);
  } finally {
    await rt.close();
  }
  return jobs.length;
}

/** Sets the non-secret properties in-process (the secrets go through the CLI with --stdin). */
async function setPlain(dataDir: string, values: Record<string, string>): Promise<void> {
  const rt = await Runtime.open({ packageDir: PACKAGE, dataDir, connectors });
  try {
    for (const [name, value] of Object.entries(values)) (await rt.properties.set(name, value));
  } finally {
    await rt.close();
  }
}

async function ownToken(pair: EmulatorPair): Promise<string> {
  const res = await fetch(`${pair.wiw.loginUrl}/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'w-key': EMULATOR_ADMIN.apiKey },
    body: JSON.stringify({ email: EMULATOR_ADMIN.email, password: EMULATOR_ADMIN.password }),
  });
  const body = (await res.json()) as { token: string };
  return body.token;
}

describe('secrets: no secret in logs, job records, CLI output or the state files', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'recipes-secrets-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const base = { wiw_password: EMULATOR_ADMIN.password, wiw_api_key: EMULATOR_ADMIN.apiKey, goco_api_token: DEFAULT_GOCO_TOKEN, jwt_header: JWT_HEADER };

  it('after the demo (debug log to a file): zero hits', async () => {
    const dataDir = tempDir();
    const logFile = join(dataDir, 'log');
    const texts: Record<string, string> = {};
    const demo = await cli(['--data-dir', dataDir, '--log-level', 'debug', '--log-file', logFile, 'demo']);
    texts.demo = demo.stdout + demo.stderr;
    expect(demo.code, demo.stderr).to.equal(0);
    expect(existsSync(logFile), 'log file').to.equal(true);
    texts.log = readFileSync(logFile, 'utf8');
    expect(texts.log.split('\n').filter(Boolean).length, 'log lines').to.be.above(10);
    const jobs = await jobRecords(dataDir, texts);
    expect(jobs, 'jobs the demo made').to.be.at.least(3);
    Object.assign(texts, sqliteFiles(dataDir));
    const found = Object.entries(texts).flatMap(([where, text]) => hits(base, where, text));
    expect(found).to.deep.equal([]);
  });

  describe('after a sync against a WIW emulator failing 20% of calls (503, reset after the write)', () => {
    let pair: EmulatorPair;
    let dataDir: string;
    const texts: Record<string, string> = {};
    let secrets: Record<string, string>;

    before(async () => {
      pair = await startEmulators({ wiwFaults: { rate: 0.2, seed: 7, kinds: ['status503', 'reset_after'] } });
      dataDir = tempDir();
      const logFile = join(dataDir, 'log');
      const g = ['--data-dir', dataDir, '--log-level', 'debug', '--log-file', logFile];
      const secret = new Set(['wiw_password', 'wiw_api_key', 'goco_api_token']);
      for (const [name, value] of Object.entries(pair.properties).filter(([n]) => secret.has(n))) {
        const ran = await cli([...g, 'properties', 'set', name, '--stdin'], value);
        texts[`properties set ${name}`] = ran.stdout + ran.stderr;
        expect(ran.code, ran.stderr).to.equal(0);
      }
      await setPlain(dataDir, Object.fromEntries(Object.entries(pair.properties).filter(([n]) => !secret.has(n))));
      for (const args of [['properties', 'list', '--json'], ['connections', 'test', 'wiw'], ['test', 'location-sync'], ['test', 'department-sync'],
        ['test', 'all-employees-sync']]) {
        const ran = await cli([...g, ...args]);
        texts[args.join(' ')] = ran.stdout + ran.stderr;
      }
      texts.log = readFileSync(logFile, 'utf8');
      await jobRecords(dataDir, texts);
      Object.assign(texts, sqliteFiles(dataDir));
      // Tokens are per login: a token of this login (same person, same secret) shares the header and, made in the
      // same second, everything; its signature is checked too.
      pair.wiw.faults.configure({ rate: 0 });
      const token = await ownToken(pair);
      secrets = { ...base, session_token: token, token_signature: token.split('.')[2] ?? token };
    });
    after(() => pair?.close());

    it('the faults fired and the sync still ran (the scan has something to scan)', async () => {
      expect(texts.log, 'a retried request in the log').to.include('http retry');
      expect(texts.log.split('\n').filter(Boolean).length, 'log lines').to.be.above(20);
      expect(texts['test all-employees-sync']).to.match(/job \d+/);
    });

    it('no log line holds a secret', async () => {
      expect(hits(secrets, 'log', texts.log ?? '')).to.deep.equal([]);
    });

    it('no CLI output holds a secret', async () => {
      const outputs = Object.entries(texts).filter(([k]) => !k.startsWith('state.db') && k !== 'log' && !k.startsWith('jobs'));
      expect(outputs.flatMap(([where, text]) => hits(secrets, where, text))).to.deep.equal([]);
    });

    it('no job record holds a secret', async () => {
      const records = Object.entries(texts).filter(([k]) => k.startsWith('jobs'));
      expect(records.length).to.be.at.least(4);
      expect(records.flatMap(([where, text]) => hits(secrets, where, text))).to.deep.equal([]);
    });

    it('the SQLite files hold no secret in any encoding (secrets are encrypted at rest)', async () => {
      const files = Object.entries(texts).filter(([k]) => k.startsWith('state.db'));
      expect(files.map(([k]) => k)).to.include('state.db');
      expect(files.flatMap(([where, text]) => hits(secrets, where, text))).to.deep.equal([]);
      // A non-secret property is stored readably, so the scan would see a secret stored the same way.
      expect(files.some(([, text]) => text.includes(EMULATOR_ADMIN.email))).to.equal(true);
    });
  });
});
