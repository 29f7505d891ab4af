/** Reading a fixture state.db raw, and what migration 0003 (projects) makes of an earlier release's rows. */
import Database from 'better-sqlite3';

export type Rows = Record<string, Record<string, unknown>[]>;

/** Every row of `tables`, each table's rows sorted (row order is not what a migration promises). */
export function readRows(file: string, tables: readonly string[]): Rows {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(tables.map((t) => [t, sorted(db.prepare(`SELECT * FROM ${t}`).all() as Record<string, unknown>[])]));
  } finally {
    db.close();
  }
}

/**
 * The rows of a data dir written before projects as migration 0003 leaves them: `pkg` becomes `project`
 * (`projectOf` the package), jobs name the package they ran, secrets carry the package they were sealed for;
 * and as 0004 leaves jobs: no host recorded, not run from the queue.
 */
export function intoProjects(before: Rows, projectOf: (pkg: string) => string): Rows {
  const out: Rows = {};
  for (const [table, rows] of Object.entries(before)) {
    out[table] = sorted(
      rows.map((row) => {
        if (!('pkg' in row)) return row;
        const { pkg, ...rest } = row as { pkg: string };
        const moved: Record<string, unknown> = { project: projectOf(pkg), ...rest };
        if (table === 'jobs') Object.assign(moved, { package_name: pkg, package_version: null, package_hash: null, host: null, via_queue: 0 });
        if (table === 'properties' && row.secret === 1) moved.value = `${String(row.value)}:${Buffer.from(pkg).toString('base64url')}`;
        return moved;
      }),
    );
  }
  return out;
}

function sorted(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const key = (r: Record<string, unknown>) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
