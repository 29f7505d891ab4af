/**
 * Kysely, loaded through its CommonJS build. Its ESM build is 280 modules: loading it costs about 120 ms of
 * CPU and 18 MB of RSS at every start of the CLI, the CommonJS build (the same code) about 65 ms and 12.5 MB.
 * `npm run build` also bundles that build into one file (scripts/bundle-kysely.js), used when present:
 * resolving and reading the modules one by one was most of the rest.
 * Types still come from the package itself (`import type ... from 'kysely'`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as KyselyModule from 'kysely';

const require = createRequire(import.meta.url);
// dist/src/engine/store/kysely.js -> dist/vendor/kysely.cjs; from src/ (tests under tsx) it is never there.
const bundle = fileURLToPath(new URL('../../../vendor/kysely.cjs', import.meta.url));
const kysely = require(existsSync(bundle) ? bundle : 'kysely') as typeof KyselyModule;

export const { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } = kysely;
