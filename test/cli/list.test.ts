/** `recipes list` says "started", not "running", and whether a `serve` runs for the data dir (or database). */
import { join } from 'node:path';
import { expect } from 'chai';
import { FIXTURES, freshCli, TempDirs, type Cli, type Served } from './helpers.js';
import { forEachDatabase } from '../support/databases.js';

interface ListJson {
  name: string;
  running: boolean;
  started: boolean;
  serve: { running: boolean; pid: number | null };
}

forEachDatabase('cli: list and serve', function (db) {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let cli: Cli;
  let s: Served | undefined;

  before(async () => {
    cli = await freshCli(dirs, join(FIXTURES, 'cli-webhook'), db);
    await cli.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: 'a-secret\n' });
    await cli.ok(['start', 'hook']);
  });
  after(async () => {
    await s?.stop('SIGKILL');
    dirs.cleanup();
  });

  it('without a serve: the recipe is "started", and list says no serve runs', async () => {
    const text = (await cli.ok(['list'])).stdout;
    expect(text).to.match(/^hook +started /m);
    expect(text).not.to.match(/\brunning\b.*hook|hook +running/);
    expect(text).to.contain(`serve: not running for this ${db.kind === 'postgres' ? 'database' : 'data dir'}; started recipes run only under \`recipes serve\`.`);
    const [hook] = await cli.json<ListJson[]>(['list']);
    expect(hook).to.deep.include({ name: 'hook', running: true, started: true, serve: { running: false, pid: null } });
  });

  it('with a serve: list says one runs, and its pid on SQLite', async () => {
    s = cli.serve();
    await s.waitFor(/^serving /);
    // In PostgreSQL the serve may run on another machine: its advisory lock says it runs, not its pid.
    const pid = db.kind === 'postgres' ? null : (s.child.pid as number);
    expect((await cli.ok(['list'])).stdout).to.contain(`serve: running${pid === null ? '' : ` (pid ${pid})`}; it runs the started recipes.`);
    const [hook] = await cli.json<ListJson[]>(['list']);
    expect(hook?.serve).to.deep.equal({ running: true, pid });
    expect(await s.stop('SIGINT')).to.equal(0);
  });
});
