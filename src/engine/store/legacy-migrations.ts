/**
 * The hand-written SQLite migrations of the releases before the store spoke PostgreSQL, frozen. Files
 * written by those releases record their version in `PRAGMA user_version` (1 to 4); the Kysely baseline
 * (migrations.ts) brings a v1 to v3 file to v4 with these and adopts a v4 file as it is. Never edit.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/** 'RCPS': marks state.db as ours, so a foreign SQLite file is refused instead of migrated. */
export const APPLICATION_ID = 0x52435053;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'project properties, recipe state, jobs and their steps',
    up(db) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec(`
        CREATE TABLE properties (
          pkg TEXT NOT NULL,
          name TEXT NOT NULL,
          value TEXT NOT NULL,            -- plain text, or 'v1:iv:tag:ct' when secret = 1
          secret INTEGER NOT NULL CHECK (secret IN (0, 1)),
          updated_at TEXT NOT NULL,
          PRIMARY KEY (pkg, name)
        ) WITHOUT ROWID;
        CREATE TABLE recipes (
          pkg TEXT NOT NULL,
          name TEXT NOT NULL,
          running INTEGER NOT NULL DEFAULT 0 CHECK (running IN (0, 1)),
          cursor TEXT,                    -- JSON; NULL = never polled
          updated_at TEXT NOT NULL,
          PRIMARY KEY (pkg, name)
        ) WITHOUT ROWID;
        CREATE TABLE jobs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          pkg TEXT NOT NULL,
          recipe TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'stopped')),
          test INTEGER NOT NULL CHECK (test IN (0, 1)),
          dry_run INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
          trigger TEXT,
          event_id TEXT,
          rerun_of INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
          pid INTEGER,                    -- the process running it, to tell crashed jobs from live ones
          started_at TEXT NOT NULL,
          finished_at TEXT,
          duration_ms INTEGER,
          error TEXT,
          summary TEXT
        );
        CREATE INDEX jobs_by_recipe ON jobs (pkg, recipe, id);
        CREATE INDEX jobs_running ON jobs (status) WHERE status = 'running';
        CREATE TABLE steps (
          job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          step_id TEXT NOT NULL,
          path TEXT NOT NULL,
          status TEXT NOT NULL,
          input TEXT,
          output TEXT,
          error TEXT,
          started_at TEXT NOT NULL,
          duration_ms INTEGER NOT NULL,
          PRIMARY KEY (job_id, seq)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    description: 'id mappings, change counters for serve, trigger failure tracking',
    up(db) {
      db.exec(`
        CREATE TABLE mappings (
          pkg TEXT NOT NULL,
          name TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (pkg, name, key)
        ) WITHOUT ROWID;
        -- bumped in the same transaction as a change, so another process can notice it with one read
        CREATE TABLE counters (
          pkg TEXT NOT NULL,
          name TEXT NOT NULL,
          value INTEGER NOT NULL,
          PRIMARY KEY (pkg, name)
        ) WITHOUT ROWID;
        ALTER TABLE recipes ADD COLUMN trigger_failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE recipes ADD COLUMN stopped_reason TEXT;
      `);
    },
  },
  {
    version: 3,
    description: 'trigger data in a table of its own',
    // Finishing a job updates its row; with a large trigger inline (a 100,000-item batch is ~8 MB) SQLite
    // rewrote all of it into the WAL for every status change.
    up(db) {
      db.exec(`
        CREATE TABLE job_triggers (
          job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
          data TEXT NOT NULL              -- JSON
        );
        INSERT INTO job_triggers (job_id, data) SELECT id, trigger FROM jobs WHERE trigger IS NOT NULL;
        UPDATE jobs SET trigger = NULL WHERE trigger IS NOT NULL;
      `);
    },
  },
  {
    version: 4,
    description: 'recipe leases: one job per recipe at a time, across processes',
    up(db) {
      db.exec(`
        CREATE TABLE leases (
          pkg TEXT NOT NULL,
          recipe TEXT NOT NULL,
          job_id INTEGER NOT NULL,        -- the job holding it: unique per acquisition
          pid INTEGER NOT NULL,           -- the holder; a dead pid frees the lease
          acquired_at TEXT NOT NULL,
          expires_at INTEGER NOT NULL,    -- ms since the epoch; renewed while the job runs
          PRIMARY KEY (pkg, recipe)
        ) WITHOUT ROWID;
        CREATE INDEX jobs_by_event ON jobs (pkg, recipe, event_id) WHERE event_id IS NOT NULL;
      `);
    },
  },
];

export const LEGACY_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings a file of an earlier release (user_version 1 to 3) to the last hand-written schema, v4. */
export function upgradeLegacy(db: Database.Database, from: number): void {
  for (const m of MIGRATIONS) if (m.version > from) m.up(db);
}
