/**
 * Soak suites take minutes, so `npm test` (whose spec is every test file) skips them: they run when the
 * mocha command line names test/soak (`npm run test:soak`) or SOAK=1 is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_DIR, SECRET_KEY } from '../faults/package-run.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'recipes.js');

export function soakRequested(): boolean {
  return process.env.SOAK === '1' || process.argv.some((a) => a.includes('test/soak'));
}

/** `describe` when soak suites were asked for, else `describe.skip` with the reason in the suite's title. */
export function soakDescribe(title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite | void {
  return soakRequested() ? describe(title, fn) : describe.skip(`${title} (skipped: soak suites run with \`npm run test:soak\` or SOAK=1)`, fn);
}

/** Employees per soak run. @default 2000 (env SOAK_EMPLOYEES) */
export const SOAK_EMPLOYEES = Number(process.env.SOAK_EMPLOYEES ?? 2000);

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<Run>;
}

/** Starts `node bin/recipes.js --data-dir D --package P ARGS` (the compiled CLI; run `npm run build` first). */
export function spawnCli(dataDir: string, args: string[]): Spawned {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', RECIPES_SECRET_KEY: SECRET_KEY };
  for (const k of ['RECIPES_DATA_DIR', 'RECIPES_PACKAGE']) delete env[k];
  const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, '--package', PACKAGE_DIR, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<Run>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(dataDir: string, args: string[]): Promise<Run> {
  return spawnCli(dataDir, args).done;
}

/**
 * Resolves once `condition` holds, checking every `everyMs`; rejects when `exited` settles first (the
 * process ended before the point to kill it at was reached).
 */
export function when(condition: () => boolean, exited: Promise<unknown>, everyMs = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    let over = false;
    const timer = setInterval(() => {
      if (over) return;
      if (condition()) {
        over = true;
        clearInterval(timer);
        resolve();
      }
    }, everyMs);
    void exited.then(() => {
      if (over) return;
      over = true;
      clearInterval(timer);
      reject(new Error('the process exited before the kill point'));
    });
  });
}
