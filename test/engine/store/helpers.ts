/** Temp data dirs for store tests; every dir made here is removed by `cleanup`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, type StoreOptions } from '../../../src/engine/store/index.js';

export class TempDirs {
  private readonly dirs: string[] = [];
  private readonly stores: Store[] = [];

  dir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'recipes-store-'));
    this.dirs.push(dir);
    return dir;
  }

  /** A store in a fresh dir (or `dataDir`), closed by cleanup. Tests pin the key source explicitly. */
  open(options: Partial<StoreOptions> = {}): Store {
    const store = Store.open({ dataDir: options.dataDir ?? this.dir(), secretKey: 'test-passphrase', ...options });
    this.stores.push(store);
    return store;
  }

  cleanup(): void {
    for (const s of this.stores.splice(0)) s.close();
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to throw');
}
