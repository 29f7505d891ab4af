/**
 * The state store: project properties, recipe state, jobs and steps, id mappings. One implementation on
 * Kysely, over one of two databases:
 * - SQLite (the default): one file per data dir (`<dataDir>/state.db`, WAL, so `recipes serve` and the CLI
 *   can use it at once);
 * - PostgreSQL, when `databaseUrl` is given (`--database-url`, env RECIPES_DATABASE_URL).
 * All methods are asynchronous. The class only wires the tables together; each concern lives in its own file.
 */
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { Mappings, WriteKeys } from '../types.js';
import { Jobs, type JobQuery, type JobRecord, type JobResult, type NewJob } from './jobs.js';
import { Leases, type LeaseHolder, type StartResult } from './leases.js';
import { MappingsTable } from './mappings.js';
import { writeKeys } from './write-keys.js';
import { openSqlite } from './open-db.js';
import { openPostgres } from './open-pg.js';
import { storeProblem } from './ready.js';
import { Projects, type ProjectContents, type ProjectRecord, type ProjectSummary, type RemoveResult } from './projects.js';
import { Properties, type PropertyInfo, type PropertyValue } from './properties.js';
import { Pruner, type PruneQuery, type PruneResult } from './prune.js';
import { Recipes, type RecipeState } from './recipes.js';
import type { Db, DialectName } from './schema.js';
import { SECRET_KEY_ENV, SecretBox, type KeyCheckSlot } from './secrets.js';
import { acquirePostgresServeLock, acquireServeLock, postgresServeStatus, serveStatus, type ServeLock, type ServeStatus } from './serve-lock.js';
import { QueueJobs, type AttemptRecord, type ClaimResult, type Send } from './queue-jobs.js';
import { Steps, type StepRecord } from './steps.js';
import { isNotADatabase, storeCorrupt } from './store-errors.js';

export interface StoreOptions {
  /** The data dir: holds state.db (SQLite) and secret.key. Not touched when `databaseUrl` is given. */
  dataDir: string;
  /**
   * A `postgres://` URL: keep state in that PostgreSQL database instead of `<dataDir>/state.db`.
   * @default process.env.RECIPES_DATABASE_URL is not read here: the CLI passes it.
   */
  databaseUrl?: string;
  /**
   * Create the data dir and state.db (or the schema in PostgreSQL) when missing, and bring an older
   * schema up to date. False: a missing one is STORE_MISSING (an outdated one in PostgreSQL STORE_OUTDATED).
   * @default true
   */
  create?: boolean;
  /**
   * Passphrase for secret properties (any string; stretched with scrypt).
   * @default process.env.RECIPES_SECRET_KEY, else (SQLite only) the key file <dataDir>/secret.key
   */
  secretKey?: string;
  /**
   * Mark jobs left 'running' by a dead process as failed (JOB_INTERRUPTED) when opening.
   * @default true
   */
  recoverJobs?: boolean;
}

type Backend = { dialect: 'sqlite'; sqlite: Database.Database } | { dialect: 'postgres'; pool: pg.Pool };

export class Store {
  readonly dataDir: string;
  /** Where the state is, for messages: the state.db file or the database URL with its password masked. */
  readonly location: string;
  readonly dialect: DialectName;
  private readonly db: Db;
  private readonly backend: Backend;
  private readonly properties: Properties;
  private readonly recipes: Recipes;
  private readonly jobs: Jobs;
  private readonly leases: Leases;
  private readonly steps: Steps;
  private readonly mappingsTable: MappingsTable;
  private readonly projects: Projects;
  private readonly queueJobs: QueueJobs;
  private readonly pruner: Pruner;
  private closed = false;
  private readonly locks = new Set<ServeLock>();

  private constructor(dataDir: string, location: string, db: Db, backend: Backend, secrets: SecretBox) {
    this.dataDir = dataDir;
    this.location = location;
    this.db = db;
    this.backend = backend;
    this.dialect = backend.dialect;
    this.properties = new Properties(db, secrets);
    this.recipes = new Recipes(db);
    this.jobs = new Jobs(db);
    this.leases = new Leases(db, backend.dialect, location, this.jobs);
    this.steps = new Steps(db);
    this.mappingsTable = new MappingsTable(db);
    this.projects = new Projects(db, backend.dialect, location, this.jobs);
    this.queueJobs = new QueueJobs(db, backend.dialect, location, this.jobs);
    this.pruner = backend.dialect === 'sqlite' ? new Pruner(db, backend.sqlite, location) : new Pruner(db);
  }

  /**
   * Throws STORE_MISSING, STORE_CORRUPT, STORE_TOO_NEW or STORE_OPEN_FAILED; with a database URL also
   * STORE_URL_INVALID, STORE_UNREACHABLE, STORE_AUTH_FAILED, STORE_DATABASE_MISSING or STORE_OUTDATED.
   */
  static async open(o: StoreOptions): Promise<Store> {
    const dataDir = resolve(o.dataDir);
    const passphrase = o.secretKey ?? process.env[SECRET_KEY_ENV];
    let store: Store;
    if (o.databaseUrl) {
      const { db, pool, where } = await openPostgres(o.databaseUrl, o.create ?? true);
      store = new Store(dataDir, where, db, { dialect: 'postgres', pool }, new SecretBox(dataDir, passphrase, keyCheckSlot(db, where)));
    } else {
      const { db, sqlite, file } = await openSqlite(dataDir, o.create ?? true);
      store = new Store(dataDir, file, db, { dialect: 'sqlite', sqlite }, new SecretBox(dataDir, passphrase));
    }
    try {
      if (o.recoverJobs ?? true) await store.markInterrupted();
    } catch (error) {
      await store.close();
      // Damaged pages surface only when a query reads them; this is the first that reads the jobs.
      if (store.dialect === 'sqlite' && isNotADatabase(error)) throw storeCorrupt(store.location, `damaged: ${(error as Error).message}`, error);
      throw error;
    }
    return store;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lock of this.locks) await lock.release().catch(() => undefined);
    await this.db.destroy();
  }

  /** Why the store cannot serve now (see ./ready.ts), or undefined when it can. */
  async ready(): Promise<string | undefined> {
    if (this.closed) return 'the state store is closed';
    return storeProblem(this.db, this.location, this.dialect === 'sqlite' ? this.location : undefined);
  }

  // projects

  async getProject(name: string): Promise<ProjectRecord | undefined> {
    return this.projects.get(name);
  }
  /** Every project, by name, with its started recipes counted and its newest job. */
  async listProjects(): Promise<ProjectSummary[]> {
    return this.projects.list();
  }
  /** Throws PROJECT_EXISTS when the name is taken. */
  async createProject(p: Omit<ProjectRecord, 'createdAt'>): Promise<ProjectRecord> {
    return this.projects.create(p);
  }
  async updateProject(name: string, change: { packageDir?: string | null; packageVersion?: string | null }): Promise<void> {
    await this.projects.update(name, change);
  }
  /** How many properties (secrets), recipe states, jobs and mappings the project holds. */
  async projectContents(name: string): Promise<ProjectContents> {
    return this.projects.contents(name);
  }
  /**
   * Deletes the project and all its state, secrets included, in one transaction; refuses (`busy`) while
   * one of its jobs holds a live lease. Throws PROJECT_UNKNOWN.
   */
  async removeProject(name: string, now?: number): Promise<RemoveResult> {
    return this.projects.remove(name, now);
  }

  // project properties

  /** A secret value is encrypted before it is written; the plain value never reaches the database. */
  async setProperty(project: string, name: string, value: string, secret: boolean): Promise<void> {
    await this.properties.set(project, name, value, secret);
  }
  /** Throws SECRET_KEY_MISMATCH / SECRET_KEY_MISSING when a secret cannot be decrypted. */
  async getProperty(project: string, name: string): Promise<PropertyValue | undefined> {
    return this.properties.get(project, name);
  }
  async listProperties(project: string): Promise<PropertyInfo[]> {
    return this.properties.list(project);
  }
  async unsetProperty(project: string, name: string): Promise<boolean> {
    return this.properties.unset(project, name);
  }
  /** Changes whenever a property of `project` is set or unset, by any process. */
  async propertiesVersion(project: string): Promise<number> {
    return this.properties.version(project);
  }

  // recipes

  /** A recipe never started reads as stopped, no cursor, no failures. */
  async getRecipe(project: string, name: string): Promise<RecipeState> {
    return this.recipes.get(project, name);
  }
  /** Every started recipe of every project. */
  async startedRecipes(): Promise<{ project: string; recipe: string }[]> {
    return this.recipes.started();
  }
  /** Starting clears the failure count and stop reason; `reason` is kept only when stopping. */
  async setRunning(project: string, name: string, running: boolean, reason?: string): Promise<void> {
    await this.recipes.setRunning(project, name, running, reason);
  }
  async setCursor(project: string, name: string, cursor: unknown): Promise<void> {
    await this.recipes.setCursor(project, name, cursor);
  }
  /** Returns the new consecutive count. */
  async noteTriggerFailure(project: string, name: string): Promise<number> {
    return this.recipes.noteTriggerFailure(project, name);
  }
  async clearTriggerFailures(project: string, name: string): Promise<void> {
    await this.recipes.clearTriggerFailures(project, name);
  }
  /** Changes whenever a recipe of `project` is started or stopped, by any process (cursors do not count). */
  async recipesVersion(project: string): Promise<number> {
    return this.recipes.version(project);
  }

  // jobs

  /** Records a running job owned by this process, without a lease; returns its id. */
  async createJob(j: NewJob): Promise<number> {
    return this.jobs.create(j);
  }
  /**
   * Records a running job that holds its recipe's lease (every process honours it), or returns the live
   * holder. A lease left by a dead process, or one not renewed in time, is taken over and its job
   * recorded as interrupted. Renew it while the job runs and release it once the job is finished.
   */
  async startJob(j: NewJob, now?: number): Promise<StartResult> {
    return this.leases.startJob(j, now);
  }
  /** False when `jobId` no longer holds the lease (it lapsed and another process took it over). */
  async renewLease(project: string, recipe: string, jobId: number, now?: number): Promise<boolean> {
    return this.leases.renew(project, recipe, jobId, now);
  }
  async releaseLease(project: string, recipe: string, jobId: number): Promise<void> {
    await this.leases.release(project, recipe, jobId);
  }
  /** The live holder of a recipe's lease: the job running it now, in any process. */
  async leaseHolder(project: string, recipe: string, now?: number): Promise<LeaseHolder | undefined> {
    return this.leases.holder(project, recipe, now);
  }
  async finishJob(id: number, r: JobResult): Promise<void> {
    await this.jobs.finishJob(id, r);
  }
  /** `known.trigger`: the job's trigger data the caller already holds, used instead of reading it back. */
  async getJob(id: number, known?: { trigger: unknown }): Promise<JobRecord | undefined> {
    return this.jobs.get(id, known);
  }
  /** Newest first; at most `limit` (default 50). */
  async listJobs(q: JobQuery): Promise<JobRecord[]> {
    return this.jobs.list(q);
  }
  async lastJob(project: string, recipe: string): Promise<JobRecord | undefined> {
    return this.jobs.last(project, recipe);
  }
  /** Test runs count, dry runs do not (for a recipe's `needs`). */
  async lastSucceeded(project: string, recipe: string): Promise<JobRecord | undefined> {
    return this.jobs.lastSucceeded(project, recipe);
  }
  /** All rows or none. */
  async addSteps(jobId: number, rows: readonly StepRecord[]): Promise<void> {
    await this.steps.add(jobId, rows);
  }
  /** 0 for a job without step records; a queued job's later attempt numbers its steps after it. */
  async lastStepSeq(jobId: number): Promise<number> {
    return this.steps.lastSeq(jobId);
  }
  async getSteps(jobId: number): Promise<StepRecord[]> {
    return this.steps.get(jobId);
  }
  /**
   * Fails 'running' jobs whose process is gone (dead pid on this host, or a lapsed lease); jobs another
   * live process runs are left alone. Returns how many. Called by `open` unless recoverJobs is false.
   */
  async markInterrupted(isOwnerAlive?: (pid: number) => boolean): Promise<number> {
    return this.jobs.markInterrupted(isOwnerAlive);
  }

  // jobs that workers run from the queue (queue-jobs.ts)

  /**
   * Records the job as queued and, in the same transaction, puts it in the queue with `send`. With `once`
   * (a key of the project, e.g. a webhook delivery's), ALREADY_QUEUED when it was queued with it before.
   */
  async enqueueJob(j: NewJob, send: Send, once?: string): Promise<number> {
    return this.queueJobs.enqueue(j, send, once);
  }
  /** A worker drew job `jobId` from the queue: take its recipe's lease and record the attempt. */
  async claimJob(jobId: number, now?: number): Promise<ClaimResult> {
    return this.queueJobs.claim(jobId, now);
  }
  /** Ends the attempt and the job; with `requeue`, records it as stopped and queues the job again. */
  async finishAttempt(jobId: number, attempt: number, r: JobResult, requeue?: Send): Promise<void> {
    await this.queueJobs.finishAttempt(jobId, attempt, r, requeue);
  }
  /** Fails a job the queue gave up on; its project and recipe, or undefined when it had ended already. */
  async failExhausted(jobId: number, error: unknown): Promise<{ project: string; recipe: string } | undefined> {
    return this.queueJobs.failExhausted(jobId, error);
  }
  async jobAttempts(jobIds: readonly number[]): Promise<Map<number, AttemptRecord[]>> {
    return this.queueJobs.attempts(jobIds);
  }

  /**
   * Deletes the project's finished jobs (steps and trigger data too) that ended before `q.before`, except
   * those kept for `needs`, `list` and reruns (see ./prune.ts); SQLite gives the space back.
   */
  async pruneJobs(q: PruneQuery): Promise<PruneResult> {
    return this.pruner.prune(q);
  }

  // mappings

  mappings(project: string): Mappings {
    return this.mappingsTable.forProject(project);
  }

  /** The project's write keys as job `jobId` takes them (./write-keys.ts). */
  writeKeys(project: string, jobId: string): WriteKeys {
    return writeKeys(this.db, project, jobId);
  }

  // serve

  /**
   * Throws SERVE_LOCKED when a live `recipes serve` of `project` holds this data dir (or database); a dead
   * one's lock is taken over. Each project has a lock of its own.
   */
  async acquireServeLock(project?: string): Promise<ServeLock> {
    if (this.backend.dialect === 'sqlite') return acquireServeLock(this.backend.sqlite, this.dataDir, project);
    // Held on a pooled connection: closing the store (which ends the pool) must give it back first.
    const lock = await acquirePostgresServeLock(this.backend.pool, this.location, project);
    this.locks.add(lock);
    return { file: lock.file, release: () => (this.locks.delete(lock), lock.release()) };
  }
  /** Whether a live `recipes serve` of `project` runs on this data dir (or database), and its pid when known. */
  async serveStatus(project?: string): Promise<ServeStatus> {
    if (this.backend.dialect === 'sqlite') return serveStatus(this.dataDir, project);
    return postgresServeStatus(this.db, project);
  }
}

function keyCheckSlot(db: Db, where: string): KeyCheckSlot {
  const KEY = 'secret_key_check';
  return {
    where,
    read: async () => (await db.selectFrom('store_meta').select('value').where('key', '=', KEY).executeTakeFirst())?.value,
    writeOnce: async (value) => {
      await db.insertInto('store_meta').values({ key: KEY, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
    },
  };
}
