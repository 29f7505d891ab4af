/**
 * Migration 0003: state is scoped by project instead of by package. Frozen once released: never edit.
 *
 * - The scoping column `pkg` of every table becomes `project`; a `projects` table records each project
 *   (its package's folder, name and version).
 * - Existing rows move to project `default`. A data dir that held several packages' state (possible when
 *   `--package` was switched) keeps them apart: the package of the newest job (else the first by name) gets
 *   `default`, every other package a project named after it.
 * - Jobs record the package they ran: its name (known for old jobs), version and content hash (unknown).
 * - Secret values were sealed for their package name (AAD): each gains that name as a fifth part, so it
 *   still opens under its new project (secrets.ts) without the key being needed here.
 */
import type { Kysely } from 'kysely';

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the schema of this migration's time

const SCOPED = ['properties', 'recipes', 'jobs', 'mappings', 'counters', 'leases'] as const;
export const DEFAULT_PROJECT = 'default';

export async function intoProjects(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('package_dir', 'text') // null: the host's default package (the CLI's shipped one)
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addColumn('package_version', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  for (const table of SCOPED) await db.schema.alterTable(table).renameColumn('pkg', 'project').execute();
  await db.schema.alterTable('jobs').addColumn('package_name', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('package_version', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('package_hash', 'text').execute();
  await db.updateTable('jobs').set((eb) => ({ package_name: eb.ref('project') })).execute();

  const secrets = await db.selectFrom('properties').select(['project', 'name', 'value']).where('secret', '=', 1).execute();
  for (const row of secrets as { project: string; name: string; value: string }[]) {
    const value = `${row.value}:${Buffer.from(row.project, 'utf8').toString('base64url')}`;
    await db.updateTable('properties').set({ value }).where('project', '=', row.project).where('name', '=', row.name).execute();
  }

  const packages = new Set<string>();
  for (const table of SCOPED) {
    const rows = await db.selectFrom(table).select('project').distinct().execute();
    for (const r of rows as { project: string }[]) packages.add(r.project);
  }
  if (packages.size === 0) return;
  const newest = (await db.selectFrom('jobs').select('project').orderBy('id', 'desc').limit(1).executeTakeFirst()) as { project: string } | undefined;
  const main = newest?.project ?? [...packages].sort()[0]!;
  const now = new Date().toISOString();
  for (const pkg of [...packages].sort()) {
    const project = pkg === main ? DEFAULT_PROJECT : pkg === DEFAULT_PROJECT ? `${pkg}-package` : pkg;
    if (project !== pkg) for (const table of SCOPED) await db.updateTable(table).set({ project }).where('project', '=', pkg).execute();
    await db.insertInto('projects').values({ name: project, package_dir: null, package_name: pkg, package_version: null, created_at: now }).execute();
  }
}
