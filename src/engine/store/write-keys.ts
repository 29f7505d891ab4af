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
  const row = (key: string) => db.selectFrom('write_keys').where('project', '=', project).where('key', '=', key);
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
      const inserted = await db
        .insertInto('write_keys')
        .values({ project, key, value: held(), updated_at: nowIso() })
        .onConflict((oc) => oc.columns(['project', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { taken: true };
      const seen = (await row(key).select('value').executeTakeFirst())?.value;
      if (seen === undefined) return this.take(key); // released between the two statements
      return parse(seen, jobId);
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

function parse(seen: string, jobId: string): WriteKeyState {
  const [kind, a = '', b = ''] = seen.split(' ');
  if (kind === 'done') return { result: seen.slice('done '.length), seen };
  // This job's earlier attempt (its worker died or stopped) held it: this attempt carries on with it.
  if (a === jobId) return { heldBy: a, since: b, seen, mine: true };
  return { heldBy: a, since: b, seen, mine: false };
}
