/**
 * Migration 0005: write keys (./write-keys.ts), one row per key a job takes before a write that must not
 * happen twice across the jobs of a project. Frozen once released: never edit.
 */
import type { Kysely } from 'kysely';

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a migration sees the schema of its time

export async function writeKeysTable(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('write_keys')
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    // 'held <job id> <ISO time>' while a job writes, 'done <result>' after
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('write_keys_pk', ['project', 'key'])
    .execute();
}
