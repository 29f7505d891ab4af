/** Per-recipe state: started or stopped (and why), the trigger cursor, consecutive trigger failures. */
import type Database from 'better-sqlite3';
import type { Counters } from './counters.js';
import { fromJson, nowIso, toJson } from './json.js';

export interface RecipeState {
  running: boolean;
  /** The trigger's position; undefined = never polled (the trigger starts from its beginning). */
  cursor: unknown;
  triggerFailures: number;
  /** Why the recipe was stopped (e.g. by the runtime after repeated trigger failures); null when started. */
  stoppedReason: string | null;
  /** null when the recipe has never been started, stopped or polled. */
  updatedAt: string | null;
}

interface RecipeRow {
  running: 0 | 1;
  cursor: string | null;
  trigger_failures: number;
  stopped_reason: string | null;
  updated_at: string;
}

interface KeyParams {
  pkg: string;
  name: string;
}
type RunningParams = KeyParams & { running: 0 | 1; reason: string | null; now: string };
type CursorParams = KeyParams & { cursor: string | null; now: string };

export class Recipes {
  private readonly select: Database.Statement<[string, string], RecipeRow>;
  private readonly running: Database.Statement<[RunningParams]>;
  private readonly cursor: Database.Statement<[CursorParams]>;
  private readonly failure: Database.Statement<[KeyParams & { now: string }], { trigger_failures: number }>;
  private readonly clearFailures: Database.Statement<[string, string]>;
  private readonly setRunningTx: (pkg: string, name: string, running: boolean, reason: string | null) => void;

  constructor(
    db: Database.Database,
    private readonly counters: Counters,
  ) {
    this.select = db.prepare(
      `SELECT running, cursor, trigger_failures, stopped_reason, updated_at FROM recipes WHERE pkg = ? AND name = ?`,
    );
    // Starting clears the failure count and the stop reason: the admin has looked at it.
    this.running = db.prepare(
      `INSERT INTO recipes (pkg, name, running, stopped_reason, updated_at) VALUES (@pkg, @name, @running, @reason, @now)
       ON CONFLICT (pkg, name) DO UPDATE SET running = @running, stopped_reason = @reason, updated_at = @now,
         trigger_failures = CASE WHEN @running = 1 THEN 0 ELSE trigger_failures END`,
    );
    this.cursor = db.prepare(
      `INSERT INTO recipes (pkg, name, cursor, updated_at) VALUES (@pkg, @name, @cursor, @now)
       ON CONFLICT (pkg, name) DO UPDATE SET cursor = @cursor, updated_at = @now`,
    );
    this.failure = db.prepare(
      `INSERT INTO recipes (pkg, name, trigger_failures, updated_at) VALUES (@pkg, @name, 1, @now)
       ON CONFLICT (pkg, name) DO UPDATE SET trigger_failures = trigger_failures + 1, updated_at = @now
       RETURNING trigger_failures`,
    );
    this.clearFailures = db.prepare(`UPDATE recipes SET trigger_failures = 0 WHERE pkg = ? AND name = ?`);
    this.setRunningTx = db.transaction((pkg: string, name: string, running: boolean, reason: string | null) => {
      this.running.run({ pkg, name, running: running ? 1 : 0, reason: running ? null : reason, now: nowIso() });
      this.counters.bump(pkg, 'recipes');
    });
  }

  get(pkg: string, name: string): RecipeState {
    const row = this.select.get(pkg, name);
    if (!row) return { running: false, cursor: undefined, triggerFailures: 0, stoppedReason: null, updatedAt: null };
    return {
      running: row.running === 1,
      cursor: fromJson(row.cursor),
      triggerFailures: row.trigger_failures,
      stoppedReason: row.stopped_reason,
      updatedAt: row.updated_at,
    };
  }

  setRunning(pkg: string, name: string, running: boolean, reason?: string): void {
    this.setRunningTx(pkg, name, running, reason ?? null);
  }

  /** `undefined` resets the cursor (the next poll starts from the beginning). */
  setCursor(pkg: string, name: string, cursor: unknown): void {
    this.cursor.run({ pkg, name, cursor: toJson(cursor), now: nowIso() });
  }

  noteTriggerFailure(pkg: string, name: string): number {
    return this.failure.get({ pkg, name, now: nowIso() })!.trigger_failures;
  }

  clearTriggerFailures(pkg: string, name: string): void {
    this.clearFailures.run(pkg, name);
  }

  version(pkg: string): number {
    return this.counters.read(pkg, 'recipes');
  }
}
