/**
 * Write keys: which job of a project is making, or has made, a write that must not happen twice, such as
 * the When I Work user of one employee code. Two recipes of a project may run at once (on two workers, or
 * serve and a manual run), each working from a listing read earlier; a key taken here before the write
 * and holding its result after it lets the second one use the first one's result instead of writing again.
 *
 * One row per key (table `write_keys`): `held <job> <since>` while a job writes, `done <result>` after.
 * queue-jobs.ts also takes one per webhook delivery, `done <job id>`, in the transaction that queues its job.
 */
import type { WriteKeys, WriteKeyState } from '../types.js';
import { nowIso } from './json.js';
import type { Db } from './schema.js';

export function writeKeys(db: Db, project: string, jobId: string): WriteKeys {
  const held = () => `held ${jobId} ${nowIso()}`;
  const replace = async (key: string, seen: string, value: string): Promise<boolean> => {
    const r = await db
      .updateTable('write_keys')
      .set({ value, updated_at: nowIso() })
      .where('project', '=', project)
      .where('key', '=', key)
      .where('value', '=', seen)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  };
  return {
    async take(key) {
      const seen = await insertOrSeen(db, project, key, held());
      return seen === undefined ? { taken: true } : parse(seen, jobId);
    },
    takeOver: (key, seen) => replace(key, seen, held()),
    async done(key, result) {
      await db
        .insertInto('write_keys')
        .values({ project, key, value: `done ${result}`, updated_at: nowIso() })
        .onConflict((oc) => oc.columns(['project', 'key']).doUpdateSet({ value: `done ${result}`, updated_at: nowIso() }))
        .execute();
    },
    async release(key) {
      await db.deleteFrom('write_keys').where('project', '=', project).where('key', '=', key).where('value', 'like', `held ${jobId} %`).execute();
    },
  };
}

/**
 * Records `key` as done with `result` unless the project has it already (on `db`, the caller's transaction:
 * queue-jobs.ts for a webhook delivery). Undefined when recorded now; else the result recorded before.
 */
export async function recordOnce(db: Db, project: string, key: string, result: string): Promise<string | undefined> {
  return (await insertOrSeen(db, project, key, `done ${result}`))?.slice('done '.length);
}

/** Inserts the key with `value`: undefined when it was new, else the value it had. */
async function insertOrSeen(db: Db, project: string, key: string, value: string): Promise<string | undefined> {
  for (;;) {
    const inserted = await db
      .insertInto('write_keys')
      .values({ project, key, value, updated_at: nowIso() })
      .onConflict((oc) => oc.columns(['project', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return undefined;
    const seen = await db.selectFrom('write_keys').select('value').where('project', '=', project).where('key', '=', key).executeTakeFirst();
    if (seen) return seen.value; // else released between the two statements: insert again
  }
}

function parse(seen: string, jobId: string): WriteKeyState {
  const [kind, a = '', b = ''] = seen.split(' ');
  if (kind === 'done') return { result: seen.slice('done '.length), seen };
  // This job's earlier attempt (its worker died or stopped) held it: this attempt carries on with it.
  if (a === jobId) return { heldBy: a, since: b, seen, mine: true };
  return { heldBy: a, since: b, seen, mine: false };
}
