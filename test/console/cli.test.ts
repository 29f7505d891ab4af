/** `recipes serve --console` through the compiled bin (npm test builds first): address, token, static files from dist. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { call } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('recipes serve --console', function () {
  this.timeout(15_000);
  let dataDir: string;
  let child: ChildProcess;
  let output = '';
  let loginUrl = '';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'recipes-console-cli-'));
    child = spawn(process.execPath, ['bin/recipes.js', '--data-dir', dataDir, 'serve', '--console'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        output += c.toString();
        const m = /open once to sign in: (\S+)/.exec(output);
        if (m && /login token: \S+/.test(output)) {
          loginUrl = m[1]!;
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`serve exited early:\n${output}`)));
    });
  });
  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a loopback address carrying a 32-byte token', () => {
    const url = new URL(loginUrl);
    expect(url.hostname).to.equal('127.0.0.1');
    expect(Buffer.from(url.searchParams.get('token')!, 'base64url')).to.have.length(32);
  });

  it('serves the console\'s script from the compiled build', async () => {
    const url = new URL(loginUrl);
    const res = await call(url.origin, 'GET', '/app.js', { headers: { authorization: `Bearer ${url.searchParams.get('token')}` } });
    expect(res.status).to.equal(200);
    expect(String(res.headers['content-type'])).to.contain('javascript');
  });

  it('answers the API with the token', async () => {
    const url = new URL(loginUrl);
    const res = await call(url.origin, 'GET', '/api/package', { headers: { authorization: `Bearer ${url.searchParams.get('token')}` } });
    expect(res.json.name).to.equal('wiw-provisioning');
  });

  it('serves the data dir\'s other projects behind the project picker', async () => {
    const added = spawnSync(process.execPath, ['bin/recipes.js', '--data-dir', dataDir, 'projects', 'add', 'acme'], { cwd: ROOT, encoding: 'utf8' });
    expect(added.status, added.stderr).to.equal(0);
    const url = new URL(loginUrl);
    const auth = { headers: { authorization: `Bearer ${url.searchParams.get('token')}` } };
    expect((await call(url.origin, 'GET', '/api/projects', auth)).json).to.deep.equal({ current: 'default', projects: ['default', 'acme'] });
    const props = await call(url.origin, 'GET', '/api/projects/acme/properties', auth);
    expect(props.status).to.equal(200);
    expect(props.json.find((p: { name: string }) => p.name === 'on_termination').type).to.equal('enum');
  });

  it('stops cleanly on SIGTERM, console included', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).to.equal(0);
  });
});
