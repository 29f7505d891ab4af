/**
 * Kysely, loaded through its CommonJS build. Its ESM build is 280 modules: loading it costs about 120 ms of
 * CPU and 18 MB of RSS at every start of the CLI, the CommonJS build (the same code) about 65 ms and 12.5 MB.
 * Types still come from the package itself (`import type ... from 'kysely'`).
 */
import { createRequire } from 'node:module';
import type * as KyselyModule from 'kysely';

const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule;

export const { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } = kysely;
