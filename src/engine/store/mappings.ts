/** Id mappings (e.g. GoCo location id -> WIW location id), one namespace per package; implements `Mappings`. */
import type Database from 'better-sqlite3';
import type { Mappings } from '../types.js';
import { nowIso } from './json.js';

export class MappingsTable {
  private readonly select: Database.Statement<[string, string, string], { value: string }>;
  private readonly upsert: Database.Statement<[string, string, string, string, string]>;
  private readonly remove: Database.Statement<[string, string, string]>;
  private readonly allStmt: Database.Statement<[string, string], { key: string; value: string }>;
  private readonly views = new Map<string, Mappings>();

  constructor(db: Database.Database) {
    this.select = db.prepare(`SELECT value FROM mappings WHERE pkg = ? AND name = ? AND key = ?`);
    this.upsert = db.prepare(
      `INSERT INTO mappings (pkg, name, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (pkg, name, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare(`DELETE FROM mappings WHERE pkg = ? AND name = ? AND key = ?`);
    this.allStmt = db.prepare(`SELECT key, value FROM mappings WHERE pkg = ? AND name = ? ORDER BY key`);
  }

  /** The same object for the same package, so callers may hold on to it. */
  forPackage(pkg: string): Mappings {
    let view = this.views.get(pkg);
    if (!view) {
      view = Object.freeze({
        get: (name: string, key: string) => this.select.get(pkg, name, key)?.value,
        set: (name: string, key: string, value: string) => void this.upsert.run(pkg, name, key, value, nowIso()),
        delete: (name: string, key: string) => void this.remove.run(pkg, name, key),
        // fromEntries defines own properties, so a key like "__proto__" stays data
        all: (name: string) => Object.fromEntries(this.allStmt.all(pkg, name).map((r) => [r.key, r.value])),
      });
      this.views.set(pkg, view);
    }
    return view;
  }
}
