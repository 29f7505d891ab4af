/** Temp data dirs (and, on PostgreSQL, fresh databases) for store tests; everything made here goes in `cleanup`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Store, type StoreOptions } from '../../../src/engine/store/index.js';
import type { TestDatabase } from '../../support/databases.js';

export class TempDirs {
  private readonly dirs: string[] = [];
  private readonly stores: Store[] = [];
  private readonly urls = new WeakMap<Store, string>();

  /** Without `db`, SQLite. */
  constructor(private readonly db?: TestDatabase) {}

  dir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'recipes-store-'));
    this.dirs.push(dir);
    return dir;
  }

  /**
   * A store in a fresh dir (or `dataDir`) and, on PostgreSQL, a fresh database (or `databaseUrl`), closed
   * by cleanup. Tests pin the key source explicitly.
   */
  async open(options: Partial<StoreOptions> = {}): Promise<Store> {
    const databaseUrl = 'databaseUrl' in options ? options.databaseUrl : await this.db?.fresh();
    const store = await Store.open({ dataDir: options.dataDir ?? this.dir(), secretKey: 'test-passphrase', ...options, databaseUrl });
    this.stores.push(store);
    if (databaseUrl) this.urls.set(store, databaseUrl);
    return store;
  }

  /** The database URL (password included) a PostgreSQL store was opened on, to open it again. */
  urlOf(store: Store): string {
    const url = this.urls.get(store);
    if (!url) throw new Error('not a PostgreSQL store of these TempDirs');
    return url;
  }

  async cleanup(): Promise<void> {
    for (const s of this.stores.splice(0)) await s.close();
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Awaits `fn` and returns what it threw (fails the test when it does not throw). */
export async function thrown(fn: () => unknown): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to throw');
}

/**
 * Runs one statement on the database under `store` from outside it, as another process would (`?`
 * placeholders on both databases). SQLite: the data dir's state.db; PostgreSQL: the URL it was opened on.
 */
export async function rawExec(temp: TempDirs, store: Store, text: string, ...params: unknown[]): Promise<void> {
  if (store.dialect === 'sqlite') {
    const db = new Database(store.location);
    try {
      db.prepare(text).run(...params);
    } finally {
      db.close();
    }
    return;
  }
  let n = 0;
  const client = new pg.Client({ connectionString: temp.urlOf(store) });
  await client.connect();
  try {
    await client.query(text.replace(/\?/g, () => `$${++n}`), params);
  } finally {
    await client.end();
  }
}
