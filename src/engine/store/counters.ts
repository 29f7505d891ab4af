/**
 * Per-package change counters. A change and its bump commit together, so a process that reads the same
 * number twice knows nothing it watches changed in between, without re-reading everything.
 */
import type Database from 'better-sqlite3';

export type CounterName = 'properties' | 'recipes';

export class Counters {
  private readonly bumpStmt: Database.Statement<[string, string]>;
  private readonly readStmt: Database.Statement<[string, string], { value: number }>;

  constructor(db: Database.Database) {
    this.bumpStmt = db.prepare(
      `INSERT INTO counters (pkg, name, value) VALUES (?, ?, 1) ON CONFLICT (pkg, name) DO UPDATE SET value = value + 1`,
    );
    this.readStmt = db.prepare(`SELECT value FROM counters WHERE pkg = ? AND name = ?`);
  }

  /** Call inside the transaction that makes the change. */
  bump(pkg: string, name: CounterName): void {
    this.bumpStmt.run(pkg, name);
  }

  read(pkg: string, name: CounterName): number {
    return this.readStmt.get(pkg, name)?.value ?? 0;
  }
}
