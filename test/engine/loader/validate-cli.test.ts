/**
 * `recipes validate` through the compiled bin (the suite runs after `npm run build`). The CLI uses the
 * shipped connector registry, so these fixtures use only the built-in, connectionless `mappings` connector.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const validDir = 'test/fixtures/packages/cli-valid';
const invalidDir = 'test/fixtures/packages/cli-invalid';

describe('recipes validate (compiled CLI)', () => {
  let dataDir: string;

  before(async function () {
    if (!existsSync('dist/src/cli/main.js')) throw new Error('dist/ is missing: run `npm run build` before these tests');
    dataDir = await mkdtemp(join(tmpdir(), 'validate-cli-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  function recipes(...args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/recipes.js', ...args], {
        env: { ...process.env, RECIPES_DATA_DIR: dataDir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('exits 0 and says the valid package is valid', async () => {
    const run = await recipes('validate', validDir);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal('CLI test package: valid (1 recipe, 0 connection(s), 1 properties).\n');
  });

  it('exits 2 and prints every problem line and a count on stderr for the invalid package', async () => {
    const run = await recipes('validate', invalidDir);
    expect(run.code).to.equal(2);
    expect(run.stderr.split('\n')).to.deep.equal([
      `${invalidDir}/remember.yaml:7:13 /steps/0/action: connector 'mappings' has no action 'putt' (actions: put, remove)`,
      `${invalidDir}/remember.yaml:11:12 /steps/1/input: missing required key 'value'`,
      `${invalidDir}/remember.yaml:11:35 /steps/1/input/key: property 'sight' is not declared in package.yaml`,
      `${invalidDir}/remember.yaml:11:56 /steps/1/input/valeu: unknown key 'valeu' (did you mean 'value'?)`,
      '4 problems found.',
      '',
    ]);
    expect(run.stdout).to.equal('');
  });

  it('exits 2 for a recipe step that reads a secret property, naming file:line:col', async () => {
    const dir = 'test/fixtures/packages/cli-secret-read';
    const run = await recipes('validate', dir);
    expect(run.code).to.equal(2);
    expect(run.stderr.split('\n')).to.deep.equal([
      `${dir}/show.yaml:8:56 /steps/0/input/value: reads the secret property 'hook_secret'; secret properties may only be used in connection settings`,
      '1 problem found.',
      '',
    ]);
  });

  it('with --json, prints the problems as data and still exits 2', async () => {
    const run = await recipes('validate', invalidDir, '--json');
    expect(run.code).to.equal(2);
    const report = JSON.parse(run.stdout) as { valid: boolean; problems: { file: string; line: number; col: number; code: string }[] };
    expect(report.valid).to.equal(false);
    expect(report.problems.map((p) => `${p.line}:${p.col} ${p.code}`)).to.deep.equal(['7:13 UNKNOWN_ACTION', '11:12 INPUT', '11:35 UNDECLARED_PROPERTY', '11:56 INPUT']);
  });
});
