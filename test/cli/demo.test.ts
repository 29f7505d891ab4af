/** `recipes demo` (npm start): exit 0, quickly, the summary at a glance, nothing written outside a temp dir. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { run, TempDirs, WIW_PACKAGE, type Result } from './helpers.js';

describe('cli: demo', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let cwd: string;
  let result: Result;
  let ms: number;

  before(async () => {
    cwd = dirs.make('recipes-cli-cwd-');
    const t0 = performance.now();
    result = await run(['--package', WIW_PACKAGE, 'demo'], { cwd });
    ms = performance.now() - t0;
  });
  after(() => dirs.cleanup());

  it('exits 0 in under 15 s', () => {
    expect(result.code, result.stderr).to.equal(0);
    expect(ms).to.be.below(15_000);
  });

  it('prints the summary: created, linked, matched, conflicts, skipped and why, seats used and left', () => {
    for (const label of ['created', 'linked', 'matched', 'conflicts', 'skipped']) expect(result.stdout).to.match(new RegExp(`^\\s+${label}\\s+\\d+`, 'm'));
    expect(result.stdout).to.match(/skipped\s+\d+\n\s+\S.*: .+/);
    expect(result.stdout).to.match(/seats\s+\d+ used of \d+, \d+ left/);
    expect(result.stdout).to.contain('Connected to When I Work workplace');
  });

  it('writes nothing into the working directory (no .recipes) and removes its temporary data dir', () => {
    expect(readdirSync(cwd)).to.deep.equal([]);
    const dataDir = /data dir: (\S+) \(temporary/.exec(result.stdout)?.[1] as string;
    expect(dataDir).to.be.a('string');
    expect(existsSync(dataDir)).to.equal(false);
    expect(existsSync(join(cwd, '.recipes'))).to.equal(false);
  });
});
