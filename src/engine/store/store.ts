/**
 * The state store: project properties, recipe state, jobs and steps, id mappings, in one SQLite file per
 * data dir (`<dataDir>/state.db`, WAL, so `recipes serve` and the CLI can use it at once). All methods are
 * synchronous. The class only wires the tables together; each concern lives in its own file.
 */
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { Mappings } from '../types.js';
import { Counters } from './counters.js';
import { Jobs, type JobQuery, type JobRecord, type JobResult, type NewJob } from './jobs.js';
import { Leases, type LeaseHolder, type StartResult } from './leases.js';
import { MappingsTable } from './mappings.js';
import { openDatabase, STATE_FILE } from './open-db.js';
import { storeProblem } from './ready.js';
import { Properties, type PropertyInfo, type PropertyValue } from './properties.js';
import { Recipes, type RecipeState } from './recipes.js';
import { SECRET_KEY_ENV, SecretBox } from './secrets.js';
import { acquireServeLock, serveStatus, type ServeLock } from './serve-lock.js';
import { Steps, type StepRecord } from './steps.js';
import { isNotADatabase, storeCorrupt } from './store-errors.js';

export interface StoreOptions {
  dataDir: string;
  /**
   * Create the data dir and state.db when missing. False: a missing one is STORE_MISSING.
   * @default true
   */
  create?: boolean;
  /**
   * Passphrase for secret properties (any string; stretched with scrypt).
   * @default process.env.RECIPES_SECRET_KEY, else the key file <dataDir>/secret.key
   */
  secretKey?: string;
  /**
   * Mark jobs left 'running' by a dead process as failed (JOB_INTERRUPTED) when opening.
   * @default true
   */
  recoverJobs?: boolean;
}

export class Store {
  readonly dataDir: string;
  private readonly db: Database.Database;
  private readonly properties: Properties;
  private readonly recipes: Recipes;
  private readonly jobs: Jobs;
  private readonly leases: Leases;
  private readonly steps: Steps;
  private readonly mappingsTable: MappingsTable;

  private constructor(dataDir: string, db: Database.Database, secrets: SecretBox) {
    this.dataDir = dataDir;
    this.db = db;
    const counters = new Counters(db);
    this.properties = new Properties(db, secrets, counters);
    this.recipes = new Recipes(db, counters);
    this.jobs = new Jobs(db);
    this.leases = new Leases(db, this.jobs);
    this.steps = new Steps(db);
    this.mappingsTable = new MappingsTable(db);
  }

  /** Throws STORE_MISSING, STORE_CORRUPT, STORE_TOO_NEW or STORE_OPEN_FAILED. */
  static open(o: StoreOptions): Store {
    const dataDir = resolve(o.dataDir);
    const db = openDatabase(dataDir, o.create ?? true);
    const store = new Store(dataDir, db, new SecretBox(dataDir, o.secretKey ?? process.env[SECRET_KEY_ENV]));
    try {
      if (o.recoverJobs ?? true) store.markInterrupted();
    } catch (error) {
      store.close();
      // Damaged pages surface only when a query reads them; this is the first that reads the jobs.
      if (isNotADatabase(error)) throw storeCorrupt(join(dataDir, STATE_FILE), `damaged: ${(error as Error).message}`, error);
      throw error;
    }
    return store;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Why the store cannot serve now (see ./ready.ts), or undefined when it can. */
  ready(): string | undefined {
    return storeProblem(this.db, this.dataDir);
  }

  // project properties

  /** A secret value is encrypted before it is written; the plain value never reaches the file. */
  setProperty(pkg: string, name: string, value: string, secret: boolean): void {
    this.properties.set(pkg, name, value, secret);
  }
  /** Throws SECRET_KEY_MISMATCH / SECRET_KEY_MISSING when a secret cannot be decrypted. */
  getProperty(pkg: string, name: string): PropertyValue | undefined {
    return this.properties.get(pkg, name);
  }
  listProperties(pkg: string): PropertyInfo[] {
    return this.properties.list(pkg);
  }
  unsetProperty(pkg: string, name: string): boolean {
    return this.properties.unset(pkg, name);
  }
  /** Changes whenever a property of `pkg` is set or unset, by any process. */
  propertiesVersion(pkg: string): number {
    return this.properties.version(pkg);
  }

  // recipes

  /** A recipe never started reads as stopped, no cursor, no failures. */
  getRecipe(pkg: string, name: string): RecipeState {
    return this.recipes.get(pkg, name);
  }
  /** Starting clears the failure count and stop reason; `reason` is kept only when stopping. */
  setRunning(pkg: string, name: string, running: boolean, reason?: string): void {
    this.recipes.setRunning(pkg, name, running, reason);
  }
  setCursor(pkg: string, name: string, cursor: unknown): void {
    this.recipes.setCursor(pkg, name, cursor);
  }
  /** Returns the new consecutive count. */
  noteTriggerFailure(pkg: string, name: string): number {
    return this.recipes.noteTriggerFailure(pkg, name);
  }
  clearTriggerFailures(pkg: string, name: string): void {
    this.recipes.clearTriggerFailures(pkg, name);
  }
  /** Changes whenever a recipe of `pkg` is started or stopped, by any process (cursors do not count). */
  recipesVersion(pkg: string): number {
    return this.recipes.version(pkg);
  }

  // jobs

  /** Records a running job owned by this process, without a lease; returns its id. */
  createJob(j: NewJob): number {
    return this.jobs.create(j);
  }
  /**
   * Records a running job that holds its recipe's lease (every process honours it), or returns the live
   * holder. A lease left by a dead process, or one not renewed in time, is taken over and its job
   * recorded as interrupted. Renew it while the job runs and release it once the job is finished.
   */
  startJob(j: NewJob, now?: number): StartResult {
    return this.leases.startJob(j, now);
  }
  /** False when `jobId` no longer holds the lease (it lapsed and another process took it over). */
  renewLease(pkg: string, recipe: string, jobId: number, now?: number): boolean {
    return this.leases.renew(pkg, recipe, jobId, now);
  }
  releaseLease(pkg: string, recipe: string, jobId: number): void {
    this.leases.release(pkg, recipe, jobId);
  }
  /** The live holder of a recipe's lease: the job running it now, in any process. */
  leaseHolder(pkg: string, recipe: string, now?: number): LeaseHolder | undefined {
    return this.leases.holder(pkg, recipe, now);
  }
  finishJob(id: number, r: JobResult): void {
    this.jobs.finishJob(id, r);
  }
  getJob(id: number): JobRecord | undefined {
    return this.jobs.get(id);
  }
  /** Newest first; at most `limit` (default 50). */
  listJobs(q: JobQuery): JobRecord[] {
    return this.jobs.list(q);
  }
  lastJob(pkg: string, recipe: string): JobRecord | undefined {
    return this.jobs.last(pkg, recipe);
  }
  /** Test runs count, dry runs do not (for a recipe's `needs`). */
  lastSucceeded(pkg: string, recipe: string): JobRecord | undefined {
    return this.jobs.lastSucceeded(pkg, recipe);
  }
  /** One transaction for the whole batch. */
  addSteps(jobId: number, rows: readonly StepRecord[]): void {
    this.steps.add(jobId, rows);
  }
  getSteps(jobId: number): StepRecord[] {
    return this.steps.get(jobId);
  }
  /**
   * Fails 'running' jobs whose process is gone (dead pid, or a lapsed lease); jobs another live process
   * runs are left alone. Returns how many. Called by `open` unless recoverJobs is false.
   */
  markInterrupted(isOwnerAlive?: (pid: number) => boolean): number {
    return this.jobs.markInterrupted(isOwnerAlive);
  }

  // mappings

  mappings(pkg: string): Mappings {
    return this.mappingsTable.forPackage(pkg);
  }

  // serve

  /** Throws SERVE_LOCKED when a live `recipes serve` holds this data dir; a dead one's lock is taken over. */
  acquireServeLock(): ServeLock {
    return acquireServeLock(this.db, this.dataDir);
  }
  /** Whether a live `recipes serve` runs on this data dir (its lock's pid is alive). */
  serveStatus(): { running: boolean; pid: number | null } {
    return serveStatus(this.dataDir);
  }
}
