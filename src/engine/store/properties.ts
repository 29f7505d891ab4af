/** Project properties, scoped by package. Secret values are encrypted by SecretBox before they reach SQLite. */
import type Database from 'better-sqlite3';
import type { Counters } from './counters.js';
import { nowIso } from './json.js';
import type { SecretBox } from './secrets.js';

export interface PropertyValue {
  value: string;
  secret: boolean;
  updatedAt: string;
}

/** A listing never carries values, so it cannot leak a secret and never needs the key. */
export interface PropertyInfo {
  name: string;
  secret: boolean;
  updatedAt: string;
}

interface PropertyRow {
  name: string;
  value: string;
  secret: 0 | 1;
  updated_at: string;
}

export class Properties {
  private readonly upsert: Database.Statement<[string, string, string, number, string]>;
  private readonly select: Database.Statement<[string, string], PropertyRow>;
  private readonly listStmt: Database.Statement<[string], Omit<PropertyRow, 'value'>>;
  private readonly remove: Database.Statement<[string, string]>;
  private readonly setTx: (pkg: string, name: string, stored: string, secret: boolean) => void;
  private readonly unsetTx: (pkg: string, name: string) => boolean;

  constructor(
    db: Database.Database,
    private readonly secrets: SecretBox,
    private readonly counters: Counters,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO properties (pkg, name, value, secret, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (pkg, name) DO UPDATE SET value = excluded.value, secret = excluded.secret, updated_at = excluded.updated_at`,
    );
    this.select = db.prepare(`SELECT name, value, secret, updated_at FROM properties WHERE pkg = ? AND name = ?`);
    this.listStmt = db.prepare(`SELECT name, secret, updated_at FROM properties WHERE pkg = ? ORDER BY name`);
    this.remove = db.prepare(`DELETE FROM properties WHERE pkg = ? AND name = ?`);
    this.setTx = db.transaction((pkg: string, name: string, stored: string, secret: boolean) => {
      this.upsert.run(pkg, name, stored, secret ? 1 : 0, nowIso());
      this.counters.bump(pkg, 'properties');
    });
    this.unsetTx = db.transaction((pkg: string, name: string) => {
      const removed = this.remove.run(pkg, name).changes > 0;
      if (removed) this.counters.bump(pkg, 'properties');
      return removed;
    });
  }

  set(pkg: string, name: string, value: string, secret: boolean): void {
    const stored = secret ? this.secrets.encrypt(pkg, name, value) : value;
    this.setTx(pkg, name, stored, secret);
  }

  /** Decrypts a secret: throws SECRET_KEY_MISMATCH / SECRET_KEY_MISSING when the key cannot. */
  get(pkg: string, name: string): PropertyValue | undefined {
    const row = this.select.get(pkg, name);
    if (!row) return undefined;
    const secret = row.secret === 1;
    const value = secret ? this.secrets.decrypt(pkg, name, row.value) : row.value;
    return { value, secret, updatedAt: row.updated_at };
  }

  list(pkg: string): PropertyInfo[] {
    return this.listStmt.all(pkg).map((r) => ({ name: r.name, secret: r.secret === 1, updatedAt: r.updated_at }));
  }

  unset(pkg: string, name: string): boolean {
    return this.unsetTx(pkg, name);
  }

  version(pkg: string): number {
    return this.counters.read(pkg, 'properties');
  }
}
