/**
 * Migration 0003 (projects) on PostgreSQL: a database at the schema before it (0001, 0002) with rows of two
 * packages opens with every row moved into a project, as the SQLite fixture test checks for state.db.
 */
import { expect } from 'chai';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from '../../../src/engine/store/migrations.js';
import { forEachDatabase } from '../../support/databases.js';
import { TempDirs } from './helpers.js';

forEachDatabase(
  'store: a PostgreSQL database from before projects',
  (db) => {
    const temp = new TempDirs(db);
    after(() => temp.cleanup());

    it('moves every row into a project: the package of the newest job into default, the other into its own', async () => {
      const url = (await db.fresh())!;
      const old = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        const { error } = await new Migrator({ db: old, provider: migrationProvider({ dialect: 'postgres' }) }).migrateTo('0002-lease-host');
        expect(error).to.equal(undefined);
        const at = '2024-07-01T00:00:00.000Z';
        await old.insertInto('properties').values([
          { pkg: 'wiw-provisioning', name: 'wiw_email', value: 'a@b.test', secret: 0, updated_at: at },
          { pkg: 'other', name: 'wiw_email', value: 'o@b.test', secret: 0, updated_at: at },
        ]).execute();
        await old.insertInto('recipes').values({ pkg: 'other', name: 'r', running: 1, cursor: '{"since":1}', updated_at: at }).execute();
        await old.insertInto('jobs').values({ pkg: 'other', recipe: 'r', status: 'succeeded', test: 0, dry_run: 0, started_at: at }).execute();
        await old.insertInto('jobs').values({ pkg: 'wiw-provisioning', recipe: 'location-sync', status: 'failed', test: 1, dry_run: 0, started_at: at }).execute();
        await old.insertInto('mappings').values({ pkg: 'other', name: 'location', key: 'g', value: 'w', updated_at: at }).execute();
        await old.insertInto('counters').values([{ pkg: 'other', name: 'recipes', value: 3 }, { pkg: 'wiw-provisioning', name: 'properties', value: 2 }]).execute();
        await old.insertInto('leases').values({ pkg: 'other', recipe: 'r', job_id: 1, pid: 1, host: 'elsewhere', acquired_at: at, expires_at: 1 }).execute();
      } finally {
        await old.destroy();
      }

      const s = await temp.open({ databaseUrl: url, recoverJobs: false });
      expect((await s.getProperty('default', 'wiw_email'))?.value).to.equal('a@b.test');
      expect((await s.getProperty('other', 'wiw_email'))?.value).to.equal('o@b.test');
      expect(await s.getRecipe('other', 'r')).to.deep.include({ running: true, cursor: { since: 1 } });
      expect((await s.listJobs({ project: 'default' })).map((j) => [j.id, j.pkg, j.recipe])).to.deep.equal([[2, 'wiw-provisioning', 'location-sync']]);
      expect((await s.listJobs({ project: 'other' })).map((j) => [j.id, j.pkg, j.recipe])).to.deep.equal([[1, 'other', 'r']]);
      expect(await s.mappings('other').get('location', 'g')).to.equal('w');
      expect([await s.recipesVersion('other'), await s.propertiesVersion('default')]).to.deep.equal([3, 2]);
      expect(await s.leaseHolder('other', 'r', 0)).to.include({ project: 'other', jobId: 1, host: 'elsewhere' });
      expect((await s.listProjects()).map((p) => [p.name, p.packageName, p.packageDir])).to.deep.equal([
        ['default', 'wiw-provisioning', null],
        ['other', 'other', null],
      ]);
    });
  },
  ['postgres'],
);
