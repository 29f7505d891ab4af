/**
 * Projects: each holds its own properties, recipe state, jobs, mappings, counters and leases, and
 * remembers the package it uses. Removal deletes all of one project's state in one transaction.
 */
import { sql } from './kysely.js';
import { UserError } from '../errors.js';
import { nowIso } from './json.js';
import type { JobRecord, Jobs } from './jobs.js';
import { exclusive, isLive, type LeaseHolder } from './leases.js';
import type { Db, DialectName } from './schema.js';
import { StoreErrorCode } from './store-errors.js';

export interface ProjectRecord {
  name: string;
  /** Absolute folder; null: the host's default package (the CLI's shipped one). */
  packageDir: string | null;
  packageName: string;
  packageVersion: string | null;
  createdAt: string;
}

export interface ProjectSummary extends ProjectRecord {
  /** Recipes started. */
  running: number;
  lastJob?: JobRecord;
}

/** What a project holds, e.g. before it is removed. */
export interface ProjectContents {
  properties: number;
  secrets: number;
  recipes: number;
  jobs: number;
  mappings: number;
}

export type RemoveResult = { removed: ProjectContents } | { busy: LeaseHolder };

/** Tables keyed by project, children of jobs first. */
const SCOPED = ['leases', 'properties', 'recipes', 'mappings', 'write_keys', 'counters'] as const;

export class Projects {
  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly location: string,
    private readonly jobs: Jobs,
  ) {}

  async get(name: string): Promise<ProjectRecord | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(): Promise<ProjectSummary[]> {
    const rows = await this.db.selectFrom('projects').selectAll().orderBy('name').execute();
    const summaries: ProjectSummary[] = [];
    for (const row of rows) {
      const running = await this.db
        .selectFrom('recipes')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('project', '=', row.name)
        .where('running', '=', 1)
        .executeTakeFirst();
      const [lastJob] = await this.jobs.list({ project: row.name, limit: 1 });
      summaries.push({ ...toRecord(row), running: Number(running?.n ?? 0), ...(lastJob ? { lastJob } : {}) });
    }
    return summaries;
  }

  /** Throws PROJECT_EXISTS when the name is taken. */
  async create(p: Omit<ProjectRecord, 'createdAt'>): Promise<ProjectRecord> {
    const record = { ...p, createdAt: nowIso() };
    const r = await this.db
      .insertInto('projects')
      .values({ name: p.name, package_dir: p.packageDir, package_name: p.packageName, package_version: p.packageVersion, created_at: record.createdAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    if (!r) {
      throw new UserError(StoreErrorCode.PROJECT_EXISTS, `There is already a project '${p.name}'.`, {
        details: { project: p.name },
        hint: 'Pick another name, or see the projects with `recipes projects`.',
      });
    }
    return record;
  }

  /** Records the package a project uses now (its folder when it had none, its version). */
  async update(name: string, change: { packageDir?: string | null; packageVersion?: string | null }): Promise<void> {
    const set: { package_dir?: string | null; package_version?: string | null } = {};
    if (change.packageDir !== undefined) set.package_dir = change.packageDir;
    if (change.packageVersion !== undefined) set.package_version = change.packageVersion;
    if (Object.keys(set).length > 0) await this.db.updateTable('projects').set(set).where('name', '=', name).execute();
  }

  async contents(name: string, db: Db = this.db): Promise<ProjectContents> {
    const count = async (table: 'properties' | 'recipes' | 'jobs' | 'mappings', secret?: boolean) => {
      let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).where('project', '=', name);
      if (secret) q = q.where(sql.ref('secret'), '=', 1);
      return Number((await q.executeTakeFirst())?.n ?? 0);
    };
    return {
      properties: await count('properties'),
      secrets: await count('properties', true),
      recipes: await count('recipes'),
      jobs: await count('jobs'),
      mappings: await count('mappings'),
    };
  }

  /**
   * Deletes the project and all its state (secrets included) in one transaction, unless one of its jobs
   * holds a live lease. Throws PROJECT_UNKNOWN for a project that does not exist.
   */
  async remove(name: string, now = Date.now()): Promise<RemoveResult> {
    return exclusive(this.db, this.dialect, this.location, `project\n${name}`, async (trx): Promise<RemoveResult> => {
      // PostgreSQL: a job starting meanwhile waits for this transaction (its lease insert conflicts).
      if (this.dialect === 'postgres') await sql`lock table leases in share row exclusive mode`.execute(trx);
      if (!(await trx.selectFrom('projects').select('name').where('name', '=', name).executeTakeFirst())) throw projectUnknown(name);
      const leases = await trx.selectFrom('leases').selectAll().where('project', '=', name).orderBy('job_id').execute();
      for (const row of leases) {
        const holder: LeaseHolder = { project: row.project, recipe: row.recipe, jobId: row.job_id, pid: row.pid, host: row.host, acquiredAt: row.acquired_at, expiresAt: Number(row.expires_at) };
        if (isLive(holder, now)) return { busy: holder };
      }
      const removed = await this.contents(name, trx);
      const jobIds = trx.selectFrom('jobs').select('id').where('project', '=', name);
      await trx.deleteFrom('steps').where('job_id', 'in', jobIds).execute();
      await trx.deleteFrom('job_triggers').where('job_id', 'in', jobIds).execute();
      await trx.deleteFrom('jobs').where('project', '=', name).execute();
      for (const table of SCOPED) await trx.deleteFrom(table).where('project', '=', name).execute();
      await trx.deleteFrom('projects').where('name', '=', name).execute();
      return { removed };
    });
  }
}

export function projectUnknown(name: string): UserError {
  return new UserError(StoreErrorCode.PROJECT_UNKNOWN, `There is no project '${name}'.`, {
    details: { project: name },
    hint: `See the projects with \`recipes projects\`, or create it with \`recipes projects add ${name} --package DIR\`.`,
  });
}

function toRecord(row: { name: string; package_dir: string | null; package_name: string; package_version: string | null; created_at: string }): ProjectRecord {
  return { name: row.name, packageDir: row.package_dir, packageName: row.package_name, packageVersion: row.package_version, createdAt: row.created_at };
}
