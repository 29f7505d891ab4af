/**
 * What the CLI prints for a person: `jobs show` as a step table (the whole record with --json), a closed
 * pipe ends the process quietly, and a bad --log-level is bad usage.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { generateSeed } from '../../src/emulators/seed/index.js';
import { BIN, Cli, cliEnv, cliFor, ROOT, TempDirs, type Result } from './helpers.js';

/** A Node stack trace line: never shown to a person. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

/** Runs the CLI with its stdout pipe closed by the reader before the first byte is read (`| head -0`). */
function withClosedStdout(cli: Cli, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...cli.args(args)], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr }));
  });
}

describe('cli: output for a person', function () {
  this.timeout(120_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;
  let jobId: number;

  before(async () => {
    pair = await startEmulators({ seed: generateSeed({ seed: 5, employees: 60 }) });
    cli = await cliFor(pair, dirs);
    await cli.ok(['test', 'location-sync']);
    await cli.ok(['test', 'department-sync']);
    const job = await cli.json<{ job: { id: number } }>(['test', 'all-employees-sync']);
    jobId = job.job.id;
  });
  after(async () => {
    await pair?.close();
    dirs.cleanup();
  });

  it('jobs show prints one line per step with digests, not the raw record', async () => {
    const r = await cli.ok(['jobs', 'show', String(jobId)]);
    const stepPart = r.stdout.split('\nsummary:')[0] ?? '';
    // One line per top-level step (all-employees-sync has 16) under two header lines; loop items are folded.
    expect(stepPart.split('\n').length, r.stdout).to.be.below(20);
    expect(r.stdout).not.to.match(/^\s*[{}[\]]/m);
    expect(r.stdout).to.match(/ok\s+employees\s+\d+ms\s+in: include_terminated=true\s+out: items: 60/);
    expect(r.stdout).to.match(/ok\s+create\s+\d+ms\s+out: total=(\d+), succeeded=\1\b/);
  });

  it('jobs show --json prints the whole record', async () => {
    const full = await cli.json<{ job: { id: number }; steps: { path: string; input?: unknown }[] }>(['jobs', 'show', String(jobId)]);
    expect(full.job.id).to.equal(jobId);
    expect(full.steps.some((s) => s.path.includes('['))).to.equal(true);
  });

  it('a reader that closes the pipe early ends the command quietly', async () => {
    for (const args of [['jobs', 'show', String(jobId)], ['jobs', 'show', String(jobId), '--json']]) {
      const r = await withClosedStdout(cli, args);
      expect(r.stderr, args.join(' ')).not.to.match(STACK);
      expect(r.stderr).not.to.contain('EPIPE');
      expect(r.code, r.stderr).to.equal(0);
    }
  });

  it('--log-level with an unknown level is bad usage naming the allowed levels', async () => {
    const r = await cli.run(['--log-level', 'loud', 'list']);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.contain("'loud'");
    expect(r.stderr).to.match(/fatal, error, warn, info, debug, trace/);
    expect(r.stderr).not.to.match(STACK);
  });
});
