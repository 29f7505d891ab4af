/**
 * The store's tables as Kysely sees them. Booleans are INTEGER 0/1 and timestamps ISO-8601 TEXT on both
 * databases, so one set of queries reads the same values from SQLite and PostgreSQL.
 */
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { AttemptOutcome, JobStatus } from './jobs.js';

/** A column the database fills in when an insert leaves it out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface PropertiesTable {
  project: string;
  name: string;
  /** Plain text, or 'v1:iv:tag:ct' when secret = 1. */
  value: string;
  secret: number;
  updated_at: string;
}

export interface RecipesTable {
  project: string;
  name: string;
  running: Defaulted<number>;
  /** JSON; NULL = never polled. */
  cursor: string | null;
  updated_at: string;
  trigger_failures: Defaulted<number>;
  stopped_reason: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  project: string;
  recipe: string;
  status: JobStatus;
  test: number;
  dry_run: number;
  /** Unused since schema v3 (trigger data lives in job_triggers); kept so old files adopt unchanged. */
  trigger: string | null;
  event_id: string | null;
  rerun_of: number | null;
  /** The process running it, to tell crashed jobs from live ones. */
  pid: number | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  summary: string | null;
  /** The package the job ran (null only in rows from before projects: their version and hash are unknown). */
  package_name: string | null;
  package_version: string | null;
  /** sha256 of the package folder's files (loader/package-hash.ts). */
  package_hash: string | null;
  /** The machine of the process in `pid` (null before schema v7). */
  host: string | null;
  /** 1: a worker runs it from the queue, which recovers it when its worker dies. */
  via_queue: Generated<number>;
}

export interface JobAttemptsTable {
  job_id: number;
  attempt: number;
  host: string;
  pid: number;
  started_at: string;
  finished_at: string | null;
  outcome: AttemptOutcome | null;
  /** JSON: why the attempt ended, when it did not succeed. */
  error: string | null;
}

export interface JobTriggersTable {
  job_id: number;
  /** JSON. */
  data: string;
}

export interface StepsTable {
  job_id: number;
  seq: number;
  step_id: string;
  path: string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  started_at: string;
  duration_ms: number;
}

export interface MappingsTable {
  project: string;
  name: string;
  key: string;
  value: string;
  updated_at: string;
}

/** Keys taken before writes that must not happen twice across a project's jobs (write-keys.ts). */
export interface WriteKeysTable {
  project: string;
  key: string;
  value: string;
  updated_at: string;
}

/** Bumped in the same transaction as a change, so another process can notice it with one read. */
export interface CountersTable {
  project: string;
  name: string;
  value: number;
}

/** One job per recipe at a time, across processes (leases.ts). */
export interface LeasesTable {
  project: string;
  recipe: string;
  job_id: number;
  pid: number;
  /** The holder's host name; null in rows written before hosts were recorded (SQLite, one machine). */
  host: string | null;
  acquired_at: string;
  /** ms since the epoch; PostgreSQL's bigint reads back as a string. */
  expires_at: ColumnType<number | string, number, number>;
}

/** Each project: which package it uses. */
export interface ProjectsTable {
  name: string;
  /** Absolute folder; null: the host's default package (the CLI's shipped one). */
  package_dir: string | null;
  package_name: string;
  package_version: string | null;
  created_at: string;
}

/** Facts about the store itself, e.g. the secret key's check value in PostgreSQL mode. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface StoreSchema {
  properties: PropertiesTable;
  recipes: RecipesTable;
  jobs: JobsTable;
  job_triggers: JobTriggersTable;
  steps: StepsTable;
  mappings: MappingsTable;
  write_keys: WriteKeysTable;
  counters: CountersTable;
  leases: LeasesTable;
  job_attempts: JobAttemptsTable;
  store_meta: MetaTable;
  projects: ProjectsTable;
}

export type Db = Kysely<StoreSchema>;
export type DialectName = 'sqlite' | 'postgres';
