/**
 * Runs a suite once per database: `forEachDatabase('store: jobs', (db) => { ... })` defines
 * "store: jobs [sqlite]" and "store: jobs [postgres]". The PostgreSQL one is skipped, with the reason in
 * the reporter, where the binaries are missing (never under CI=true: see postgres.ts). `fn` is called
 * with the suite as `this` (a `function` can set `this.timeout(...)`), as describe's callback is.
 */
import { skipBecause } from '../skip.js';
import { createDatabase, postgresUnavailable } from './postgres.js';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASES: readonly DatabaseKind[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  readonly kind: DatabaseKind;
  /** A URL of a fresh empty database for PostgreSQL; undefined for SQLite (the data dir holds the state). */
  fresh(): Promise<string | undefined>;
}

export function forEachDatabase(title: string, fn: (this: Mocha.Suite, db: TestDatabase) => void, kinds: readonly DatabaseKind[] = DATABASES): void {
  for (const kind of kinds) {
    describe(`${title} [${kind}]`, function () {
      if (kind === 'postgres') {
        before(function () {
          const reason = postgresUnavailable();
          if (reason) skipBecause(this, reason);
        });
      }
      fn.call(this, { kind, fresh: async () => (kind === 'postgres' ? createDatabase() : undefined) });
    });
  }
}
