/**
 * `recipes serve` announces "serving" only once it holds the data dir's lock and its ports: a second serve,
 * or one whose console or webhook port is taken, says why and prints no "serving" line.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { Cli, FIXTURES, TempDirs, type Served } from './helpers.js';

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

describe('cli: serve checks before it announces', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  let cli: Cli;
  let taken: { port: number; server: Server };
  const servers: Served[] = [];

  before(async () => {
    cli = new Cli(dirs.make(), join(FIXTURES, 'cli-webhook'));
    await cli.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: 'a-secret\n' });
    taken = await occupiedPort();
  });
  after(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    taken.server.close();
    dirs.cleanup();
  });

  it('a second serve on the same data dir prints no "serving" line and exits 2 with SERVE_LOCKED', async () => {
    const first = cli.serve();
    servers.push(first);
    await first.waitFor(/^serving /);
    const second = await cli.run(['serve']);
    expect(second.code).to.equal(2);
    expect(second.stderr).to.contain('SERVE_LOCKED');
    expect(second.stdout).not.to.contain('serving');
    expect(await first.stop('SIGINT')).to.equal(0);
  });

  it('a taken console port is PORT_IN_USE naming the port, with no "serving" line, and frees the lock', async () => {
    const r = await cli.run(['serve', '--console', '--console-port', String(taken.port)]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(`PORT_IN_USE: The console port ${taken.port} on 127.0.0.1 is already in use.`);
    expect(r.stdout).not.to.contain('serving');
    const next = cli.serve();
    servers.push(next);
    await next.waitFor(/^serving /);
    expect(await next.stop('SIGINT')).to.equal(0);
  });

  it('a taken webhook port is PORT_IN_USE naming the port, with no "serving" line', async () => {
    const r = await cli.run(['serve', '--webhook-port', String(taken.port)]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(`PORT_IN_USE: The webhook port ${taken.port} on 127.0.0.1 is already in use.`);
    expect(r.stdout).not.to.contain('serving');
  });
});
