/** The WIW connection answers to its name and its title, and says how it authenticates. */
import { expect } from 'chai';
import { startEmulators, type EmulatorPair } from '../../src/emulators/index.js';
import { cliFor, TempDirs, type Cli } from './helpers.js';

describe('cli: connection names', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let cli: Cli;

  before(async () => {
    pair = await startEmulators();
    cli = await cliFor(pair, dirs);
  });
  after(async () => {
    await pair?.close();
    dirs.cleanup();
  });

  it('connections test takes the title as well as the name, the title in any case', async () => {
    const [byName, byTitle, byLowerTitle] = await Promise.all([
      cli.run(['connections', 'test', 'wiw']),
      cli.run(['connections', 'test', 'WIW_Provisioning_HTTP_CONNECTION']),
      cli.run(['connections', 'test', 'wiw_provisioning_http_connection']),
    ]);
    for (const r of [byName, byTitle, byLowerTitle]) {
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^Connected to When I Work/);
    }
  });

  it('an unknown connection names the known ones with their titles (exit 2)', async () => {
    const r = await cli.run(['connections', 'test', 'nope']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("no connection 'nope'");
    expect(r.stderr).to.contain('wiw (WIW_Provisioning_HTTP_CONNECTION)');
  });

  it('the list says the WIW connection signs in with the project properties', async () => {
    const r = await cli.ok(['connections']);
    expect(r.stdout).to.match(/^wiw\s+wheniwork\s+none \(session from project properties\)\s+WIW_Provisioning_HTTP_CONNECTION$/m);
    expect(r.stdout).to.match(/^goco\s+goco\s+bearer\s/m);
  });
});
