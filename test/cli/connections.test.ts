/** `recipes connections test wiw`: "Connected" with the workplace name, or the plain reason why not. */
import { createServer } from 'node:net';
import { expect } from 'chai';
import { EMULATOR_ADMIN, startEmulators, wiwEmulatorSeed, type EmulatorPair } from '../../src/emulators/index.js';
import { demoSeed } from '../../src/emulators/seed/index.js';
import { startWiwEmulator, type WiwEmulator } from '../../src/emulators/wheniwork/index.js';
import { cliFor, TempDirs, type Cli, type Result } from './helpers.js';

/** A loopback port nothing listens on (opened, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('cli: connections test', function () {
  this.timeout(90_000);
  const dirs = new TempDirs();
  let pair: EmulatorPair;
  let twoAccounts: WiwEmulator;
  const r: Record<string, Result> = {};

  before(async () => {
    pair = await startEmulators();
    // The admin belongs to a second workplace too.
    const seed = wiwEmulatorSeed(demoSeed());
    seed.accounts.push({ id: 70002, company: 'Bree Inns', seats: 5, users: [{ id: 1, role: 1, email: EMULATOR_ADMIN.email, first_name: 'Ada', last_name: 'Admin' }] });
    twoAccounts = await startWiwEmulator({ seed });
    const base = await cliFor(pair, dirs);
    const port = await closedPort();
    const scenario = async (name: string, setup: (cli: Cli) => Promise<unknown>) => {
      const cli = await base.copy(dirs);
      await setup(cli);
      r[name] = await cli.run(['connections', 'test', 'wiw']);
    };
    const setSecret = (cli: Cli, name: string, value: string) => cli.ok(['properties', 'set', name, '--stdin'], { input: value + '\n' });
    await Promise.all([
      scenario('ok', async () => undefined),
      scenario('password', (cli) => setSecret(cli, 'wiw_password', 'not-the-password')),
      scenario('key', (cli) => setSecret(cli, 'wiw_api_key', 'not-a-developer-key')),
      scenario('unreachable', (cli) => cli.ok(['properties', 'set', 'wiw_login_url', `http://127.0.0.1:${port}`])),
      scenario('several', async (cli) => {
        await cli.ok(['properties', 'set', 'wiw_login_url', twoAccounts.loginUrl]);
        await cli.ok(['properties', 'set', 'wiw_api_url', twoAccounts.apiUrl]);
      }),
    ]);
    r.goco = await base.run(['connections', 'test', 'goco']);
  });
  after(async () => {
    await pair?.close();
    await twoAccounts?.close();
    dirs.cleanup();
  });

  it('says Connected with the workplace name, exit 0', () => {
    expect(r.ok?.code).to.equal(0);
    expect(r.ok?.stdout.trim()).to.equal('Connected to When I Work workplace Shire Hospitality (account 70001) as admin@wiw.example');
  });

  it('a wrong password: exit 1 and the plain reason, without the password', () => {
    expect(r.password?.code).to.equal(1);
    expect(r.password?.stderr).to.contain('wiw: not connected.');
    expect(r.password?.stderr).to.contain('When I Work rejected the email or password for admin@wiw.example');
    expect(r.password?.stderr + (r.password?.stdout ?? '')).not.to.contain('not-the-password');
  });

  it('a wrong developer key: exit 1 and says the key was rejected', () => {
    expect(r.key?.code).to.equal(1);
    expect(r.key?.stderr).to.contain('When I Work rejected the developer key (wiw_api_key)');
  });

  it('an unreachable URL: exit 1 and names the URL to check', () => {
    expect(r.unreachable?.code).to.equal(1);
    expect(r.unreachable?.stderr).to.match(/Could not reach When I Work at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.unreachable?.stderr).to.contain('wiw_login_url');
  });

  it('several workplaces and no wiw_account_id: lists them and says what to set', () => {
    expect(r.several?.code).to.equal(1);
    expect(r.several?.stderr).to.contain('belongs to 2 workplaces');
    expect(r.several?.stderr).to.contain('Bree Inns');
    expect(r.several?.stderr).to.contain('recipes properties set wiw_account_id');
  });

  it('tests the GoCo connection too', () => {
    expect(r.goco?.code).to.equal(0);
    expect(r.goco?.stdout).to.match(/^Connected to GoCo/);
  });
});
