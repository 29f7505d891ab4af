import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Cli, run, TempDirs, type Result } from './helpers.js';

/** A Node stack trace line: never shown to a person. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('cli: bad input', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  const r: Record<string, Result> = {};
  let missingDir: string;

  before(async () => {
    const fresh = new Cli(dirs.make());
    await fresh.ok(['properties', 'set', 'on_termination', 'keep']); // a store, with the required properties unset
    const corrupt = new Cli(dirs.make());
    writeFileSync(join(corrupt.dataDir, 'state.db'), 'this is not a database, just garbage\n'.repeat(100));
    missingDir = join(dirs.make(), 'no-such-dir');
    const [unknownCommand, unknownOption, unknownRecipe, missingProperty, corruptList, corruptShow, missingShow, badJobId] = await Promise.all([
      fresh.run(['frobnicate']),
      fresh.run(['list', '--frobnicate']),
      fresh.run(['test', 'no-such-recipe']),
      fresh.run(['test', 'location-sync']),
      corrupt.run(['list']),
      corrupt.run(['jobs', 'show', '1']),
      new Cli(missingDir).run(['jobs', 'show', '1']),
      fresh.run(['jobs', 'show', 'abc']),
    ]);
    Object.assign(r, { unknownCommand, unknownOption, unknownRecipe, missingProperty, corruptList, corruptShow, missingShow, badJobId });
  });
  after(() => dirs.cleanup());

  it('an unknown command exits 2 and says which', () => {
    expect(r.unknownCommand?.code).to.equal(2);
    expect(r.unknownCommand?.stderr).to.match(/unknown command 'frobnicate'/);
  });

  it('an unknown option exits 2 and says which', () => {
    expect(r.unknownOption?.code).to.equal(2);
    expect(r.unknownOption?.stderr).to.match(/unknown option '--frobnicate'/);
  });

  it('an unknown recipe exits 2 and names the known ones', () => {
    expect(r.unknownRecipe?.code).to.equal(2);
    expect(r.unknownRecipe?.stderr).to.contain("no recipe 'no-such-recipe'");
    expect(r.unknownRecipe?.stderr).to.contain('location-sync, department-sync, employee-sync, all-employees-sync, duplicates');
  });

  it('a missing property exits 2, names it and the command that sets it', () => {
    expect(r.missingProperty?.code).to.equal(2);
    expect(r.missingProperty?.stderr).to.contain('PROPERTY_MISSING');
    expect(r.missingProperty?.stderr).to.contain("'wiw_password'");
    expect(r.missingProperty?.stderr).to.contain('recipes properties set wiw_password');
  });

  it('a corrupt state file is named with what to do, without a stack trace', () => {
    for (const res of [r.corruptList, r.corruptShow]) {
      expect(res?.code).to.be.oneOf([1, 2]);
      expect(res?.stderr).to.match(/STORE_CORRUPT: .*state\.db is not a recipes state file/);
      expect(res?.stderr).to.contain('Restore it from a backup');
      expect(res?.stderr).not.to.match(STACK);
    }
  });

  it('jobs show on a data dir that does not exist says so and creates nothing', () => {
    expect(r.missingShow?.code).to.equal(2);
    expect(r.missingShow?.stderr).to.contain('No state store at');
    expect(r.missingShow?.stderr).to.contain('--data-dir');
    expect(existsSync(missingDir)).to.equal(false);
  });

  it('a job id that is not a number exits 2 with a reason', () => {
    expect(r.badJobId?.code).to.equal(2);
    expect(r.badJobId?.stderr).to.match(/job id/i);
  });

  it('--help exits 0 and lists the commands', async () => {
    const help = await run(['--help']);
    expect(help.code).to.equal(0);
    for (const command of ['serve', 'test', 'properties', 'connections', 'jobs', 'demo']) expect(help.stdout).to.contain(command);
  });
});
