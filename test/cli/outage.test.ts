/**
 * When I Work goes away in the middle of all-employees-sync: the connection's circuit opens after a few
 * failed attempts, the rest of the loop is not attempted, the job ends failed at once with one sentence,
 * and the output stays short (failures grouped by error code, not a line per person).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { generateSeed } from '../../src/emulators/seed/index.js';
import { BIN, cliEnv, cliFor, ROOT, TempDirs, until, type Cli, type Result } from './helpers.js';

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('cli: an API outage mid-sync', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;

  before(async () => {
    // Nobody in WIW yet: every active employee is a create. Some latency so the loop is still going when WIW dies.
    pair = await startEmulators({ seed: generateSeed({ seed: 21, employees: 400, wiwUsers: 0 }), wiwFaults: { latencyMs: 15 } });
    cli = await cliFor(pair, dirs);
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'department-sync']);
  });
  after(async () => {
    await pair?.close();
    dirs.cleanup();
  });

  it('ends failed within seconds with one sentence, few requests and short output', async () => {
    const logFile = join(dirs.make(), 'log.jsonl');
    const users = () => pair.wiw.snapshot().accounts[0]?.users.length ?? 0;
    const before = users();
    const child = spawn(process.execPath, [BIN, ...cli.args(['--log-level', 'warn', '--log-file', logFile, 'test', 'all-employees-sync'])], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const done = new Promise<Result>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));

    await until(() => users() >= before + 40, 'the sync to create 40 users');
    await pair.wiw.close();
    const killedAt = Date.now();
    const r = await done;
    const elapsed = Date.now() - killedAt;

    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(elapsed, 'time from the outage to the end of the job').to.be.below(8_000);
    expect(r.stdout).to.match(/error SERVICE_UNAVAILABLE: When I Work stopped answering after \d+ of \d+; nothing else was written; run again when it is back\./);
    expect(r.stdout).to.match(/\d+ failed with CIRCUIT_OPEN, e\.g\./);
    // The summary's lists show at most 20 names each; the steps a line or a few each.
    expect(r.stdout.split('\n').length, r.stdout).to.be.below(150);
    const steps = r.stdout.split('\nsummary:')[0] ?? '';
    expect(steps.split('\n').length, steps).to.be.below(25);
    expect(r.stderr).not.to.match(STACK);
    const retries = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"http retry"')).length;
    expect(retries, 'retries after the outage').to.be.below(40);
  });
});
