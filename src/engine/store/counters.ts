/**
 * Per-project change counters. A change and its bump commit together, so a process that reads the same
 * number twice knows nothing it watches changed in between, without re-reading everything.
 */
import type { Db } from './schema.js';

export type CounterName = 'properties' | 'recipes';

/** Call inside the transaction that makes the change. */
export async function bumpCounter(trx: Db, project: string, name: CounterName): Promise<void> {
  await trx
    .insertInto('counters')
    .values({ project, name, value: 1 })
    .onConflict((oc) => oc.columns(['project', 'name']).doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
    .execute();
}

export async function readCounter(db: Db, project: string, name: CounterName): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('project', '=', project).where('name', '=', name).executeTakeFirst();
  return row?.value ?? 0;
}
