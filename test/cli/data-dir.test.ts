/**
 * What the CLI does with its data dir and log file: paths that cannot be created fail at once (not a
 * 100% CPU loop under /proc); reading commands never create a store; a store that exists but is not a
 * valid one is refused, never replaced; a new store is private to its owner.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Cli, FIXTURES, TempDirs } from './helpers.js';

const PKG = join(FIXTURES, 'cli-webhook');
const STACK = /\n\s+at .+:\d+:\d+/;

describe('cli: the data dir and the log file', function () {
  this.timeout(60_000);
  const dirs = new TempDirs();
  after(() => dirs.cleanup());

  /** A data dir with a valid store holding one property. */
  const store = async (): Promise<Cli> => {
    const cli = new Cli(join(dirs.make(), 'data'), PKG);
    await cli.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: 'a-secret\n' });
    return cli;
  };

  describe('a path that cannot be created', () => {
    it('--data-dir under /proc is DIR_CREATE_FAILED at once, naming the path and why (exit 2)', async () => {
      const started = Date.now();
      const r = await new Cli('/proc/recipes-nope/xyz', PKG).run(['properties', 'set', 'hook_secret', 'x']);
      expect(Date.now() - started).to.be.below(15_000);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/DIR_CREATE_FAILED: Cannot create the data dir \/proc\/recipes-nope\/xyz \(.*ENOENT/);
    });

    it('--log-file under /proc is a clear error at once (exit 2)', async () => {
      const cli = await store();
      const started = Date.now();
      const r = await cli.run(['--log-file', '/proc/nope/x.log', 'list']);
      expect(Date.now() - started).to.be.below(15_000);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/Cannot create the log file's folder \/proc\/nope \(/);
      expect(r.stderr).not.to.match(STACK);
    });
  });

  describe('reading commands on a missing data dir', () => {
    for (const args of [['list'], ['start', 'hook'], ['properties', 'list'], ['jobs']]) {
      it(`\`${args.join(' ')}\` says there is no store there, exits 2, and creates nothing`, async () => {
        const dir = join(dirs.make(), 'typo');
        const r = await new Cli(dir, PKG).run(args);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.contain(`STORE_MISSING: No state store at ${dir}`);
        expect(r.stderr).to.contain('`recipes properties set NAME VALUE`');
        expect(existsSync(dir)).to.equal(false);
      });
    }
  });

  describe('a state.db that is not a valid store is refused, never replaced (STORE_CORRUPT)', () => {
    const refuses = async (cli: Cli, what: RegExp) => {
      const r = await cli.run(['properties', 'list']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`STORE_CORRUPT: ${join(cli.dataDir, 'state.db').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a recipes state file \\(${what.source}`));
      expect(r.stderr).to.contain('Restore it from a backup');
      expect(r.stderr).not.to.match(STACK);
      return r;
    };

    it('a zero-byte file', async () => {
      const cli = new Cli(dirs.make(), PKG);
      writeFileSync(join(cli.dataDir, 'state.db'), '');
      await refuses(cli, /the file is empty \(0 bytes\)/);
      const again = await cli.run(['properties', 'set', 'hook_secret', 'x']);
      expect(again.stderr).to.contain('STORE_CORRUPT');
      expect(statSync(join(cli.dataDir, 'state.db')).size).to.equal(0);
    });

    it('a file of garbage', async () => {
      const cli = new Cli(dirs.make(), PKG);
      writeFileSync(join(cli.dataDir, 'state.db'), 'not a database at all, just some text. '.repeat(200));
      await refuses(cli, /file is not a database/);
    });

    it('a valid store whose pages were damaged', async () => {
      const cli = await store();
      const file = join(cli.dataDir, 'state.db');
      // Page 1 (header and schema) stays; every later page becomes garbage.
      const fd = openSync(file, 'r+');
      const size = statSync(file).size;
      writeSync(fd, Buffer.alloc(size - 4096, 0xa5), 0, size - 4096, 4096);
      closeSync(fd);
      await refuses(cli, /.*(damaged|malformed)/);
    });
  });

  describe('permissions', () => {
    it('creates state.db and its WAL files 0600 in a world-writable data dir, and warns once about the dir', async () => {
      const dir = join(dirs.make(), 'shared');
      mkdirSync(dir);
      chmodSync(dir, 0o777);
      const cli = new Cli(dir, PKG);
      const r = await cli.ok(['properties', 'set', 'hook_secret', '--stdin'], { input: 'a-secret\n' });
      expect(r.stderr.match(/warning: the data dir .* is open to other users \(mode 0777\)/g)).to.have.length(1);
      expect(r.stderr).to.contain(`chmod 700 ${dir}`);
      expect(statSync(join(dir, 'state.db')).mode & 0o777).to.equal(0o600);
      // the WAL files exist while a process has the store open: look at them from a serve
      const s = cli.serve();
      try {
        await s.waitFor(/^serving /);
        for (const f of ['state.db-wal', 'state.db-shm']) expect(statSync(join(dir, f)).mode & 0o777, f).to.equal(0o600);
      } finally {
        await s.stop('SIGINT');
      }
    });

    it('says nothing about a private data dir', async () => {
      const cli = await store();
      expect((await cli.ok(['list'])).stderr).to.equal('');
    });
  });
});
