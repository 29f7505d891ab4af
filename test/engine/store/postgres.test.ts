/** What only a database server brings: refusals to connect, a schema shared by processes, the secret key's check. */
import { expect } from 'chai';
import { Store } from '../../../src/engine/store/index.js';
import { MIGRATION_NAMES } from '../../../src/engine/store/migrations.js';
import { forEachDatabase } from '../../support/databases.js';
import { createDatabase, missingDatabaseUrl, queryRows, testClusterUser } from '../../support/postgres.js';
import { TempDirs, thrown } from './helpers.js';

const tables = (url: string) => queryRows<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);

forEachDatabase(
  'store: PostgreSQL',
  (db) => {
    const temp = new TempDirs(db);
    after(() => temp.cleanup());
    const { password } = testClusterUser();

    it('says an unreachable server is unreachable, without the password', async () => {
      const url = `postgres://someone:hunter2-in-url@127.0.0.1:1/recipes`;
      const err = await thrown(() => Store.open({ dataDir: temp.dir(), databaseUrl: url }));
      expect(err.code).to.equal('STORE_UNREACHABLE');
      expect(err.message).to.equal('The database server of postgres://someone:****@127.0.0.1:1/recipes cannot be reached (ECONNREFUSED).');
      expect(JSON.stringify({ ...err, message: err.message, hint: (err as { hint?: string }).hint })).not.to.contain('hunter2');
    });

    it('says a wrong password is wrong (28P01), without it', async () => {
      const url = (await db.fresh())!.replace(`:${password}@`, ':not-the-password@');
      const err = await thrown(() => Store.open({ dataDir: temp.dir(), databaseUrl: url }));
      expect(err.code).to.equal('STORE_AUTH_FAILED');
      expect(err.message).to.match(/^The database server refused the user name or password in postgres:\/\/recipes_test:\*\*\*\*@/);
      expect(err.message).not.to.contain('not-the-password');
    });

    it('says a database that does not exist does not (3D000), and how to create it', async () => {
      const err = await thrown(async () => Store.open({ dataDir: temp.dir(), databaseUrl: await missingDatabaseUrl() }));
      expect(err.code).to.equal('STORE_DATABASE_MISSING');
      expect(err.message).to.match(/^The database no_such_database does not exist on the server of postgres:\/\/recipes_test:\*\*\*\*@/);
      expect((err as { hint?: string }).hint).to.contain('createdb no_such_database');
    });

    it('refuses a URL that is not postgres://', async () => {
      const err = await thrown(() => Store.open({ dataDir: temp.dir(), databaseUrl: 'mysql://u:secretpw@h/db' }));
      expect(err.code).to.equal('STORE_URL_INVALID');
      expect(err.message).not.to.contain('secretpw');
    });

    it('does not create the schema for a reader (create: false), and says how to', async () => {
      const url = (await db.fresh())!;
      const err = await thrown(() => Store.open({ dataDir: temp.dir(), databaseUrl: url, create: false }));
      expect(err.code).to.equal('STORE_MISSING');
      expect(err.message).to.contain('has no recipes state yet (no schema); reading commands do not create it.');
      expect(await tables(url)).to.deep.equal([]);
    });

    it('refuses a schema newer than this program, and leaves it alone', async () => {
      const store = await temp.open();
      const url = temp.urlOf(store);
      await store.close();
      await queryRows(url, `INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`);
      const err = await thrown(() => Store.open({ dataDir: temp.dir(), databaseUrl: url }));
      expect(err.code).to.equal('STORE_TOO_NEW');
      expect(err.message).to.contain('9999-from-the-future');
      expect((await queryRows<{ name: string }>(url, 'SELECT name FROM kysely_migration ORDER BY name')).map((r) => r.name)).to.deep.equal([...MIGRATION_NAMES, '9999-from-the-future']);
    });

    it('lets two processes migrate an empty database at once: one waits on the lock, both open', async () => {
      const url = await createDatabase();
      const [a, b] = await Promise.all([temp.open({ databaseUrl: url }), temp.open({ databaseUrl: url })]);
      await a.setProperty('p', 'n', 'v', false);
      expect((await b.getProperty('p', 'n'))?.value).to.equal('v');
      expect(await queryRows(url, 'SELECT name FROM kysely_migration')).to.have.length(MIGRATION_NAMES.length);
    });

    it('keeps jobs, steps and their ids as SQLite does', async () => {
      const store = await temp.open();
      const id = await store.createJob({ project: 'p', recipe: 'r', test: false, dryRun: false, trigger: { big: 'x'.repeat(100_000) } });
      const rows = Array.from({ length: 7000 }, (_, i) => ({ seq: i + 1, stepId: 's', path: `each[${i}].s`, status: 'succeeded' as const, startedAt: 'x', durationMs: 1 }));
      await store.addSteps(id, rows); // more rows than one INSERT can carry (65,535 parameters)
      expect(await store.getSteps(id)).to.have.length(7000);
      expect(((await store.getJob(id))!.trigger as { big: string }).big).to.have.length(100_000);
    });

    describe('secret key', () => {
      const saved = process.env.RECIPES_SECRET_KEY;
      beforeEach(() => delete process.env.RECIPES_SECRET_KEY);
      after(() => {
        if (saved === undefined) delete process.env.RECIPES_SECRET_KEY;
        else process.env.RECIPES_SECRET_KEY = saved;
      });

      it('comes only from RECIPES_SECRET_KEY: without it a secret is refused, naming the variable, and nothing is written', async () => {
        const store = await temp.open({ secretKey: undefined });
        const err = await thrown(() => store.setProperty('p', 'token', 'abc', true));
        expect(err.code).to.equal('SECRET_KEY_MISSING');
        expect(err.message).to.contain('RECIPES_SECRET_KEY');
        expect(await store.listProperties('p')).to.deep.equal([]);
        expect(await queryRows(temp.urlOf(store), 'SELECT * FROM store_meta')).to.deep.equal([]);
      });

      it('is checked before a write: a wrong key is refused and nothing is written', async () => {
        const first = await temp.open({ secretKey: 'key one' });
        await first.setProperty('p', 'token', 'abc', true);
        const second = await temp.open({ databaseUrl: temp.urlOf(first), secretKey: 'key two' });
        const err = await thrown(() => second.setProperty('p', 'other', 'xyz', true));
        expect(err.code).to.equal('SECRET_KEY_MISMATCH');
        expect(err.message).to.contain('RECIPES_SECRET_KEY is not the key');
        expect(err.message).not.to.contain('key one');
        expect((await first.listProperties('p')).map((p) => p.name)).to.deep.equal(['token']);
        expect((await first.getProperty('p', 'token'))?.value).to.equal('abc');
      });

      it('the right key from the environment reads what another process saved', async () => {
        process.env.RECIPES_SECRET_KEY = 'shared key';
        const first = await temp.open({ secretKey: undefined });
        await first.setProperty('p', 'token', 'abc', true);
        const second = await temp.open({ databaseUrl: temp.urlOf(first), secretKey: undefined });
        expect((await second.getProperty('p', 'token'))?.value).to.equal('abc');
      });
    });
  },
  ['postgres'],
);
