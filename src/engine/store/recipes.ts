/** Per-recipe state: started or stopped (and why), the trigger cursor, consecutive trigger failures. */
import { sql } from './kysely.js';
import { bumpCounter, readCounter } from './counters.js';
import { fromJson, nowIso, toJson } from './json.js';
import type { Db } from './schema.js';

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

export class Recipes {
  constructor(private readonly db: Db) {}

  async get(project: string, name: string): Promise<RecipeState> {
    const row = await this.db
      .selectFrom('recipes')
      .select(['running', 'cursor', 'trigger_failures', 'stopped_reason', 'updated_at'])
      .where('project', '=', project)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return { running: false, cursor: undefined, triggerFailures: 0, stoppedReason: null, updatedAt: null };
    return {
      running: row.running === 1,
      cursor: fromJson(row.cursor),
      triggerFailures: row.trigger_failures,
      stoppedReason: row.stopped_reason,
      updatedAt: row.updated_at,
    };
  }

  /** Every started recipe of every project, for a fleet's `serve`. */
  async started(): Promise<{ project: string; recipe: string }[]> {
    const rows = await this.db.selectFrom('recipes').select(['project', 'name']).where('running', '=', 1).orderBy('project').orderBy('name').execute();
    return rows.map((r) => ({ project: r.project, recipe: r.name }));
  }

  async setRunning(project: string, name: string, running: boolean, reason?: string): Promise<void> {
    const values = { project, name, running: running ? 1 : 0, stopped_reason: running ? null : (reason ?? null), updated_at: nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('recipes')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['project', 'name']).doUpdateSet({
            running: values.running,
            stopped_reason: values.stopped_reason,
            updated_at: values.updated_at,
            // Starting clears the failure count and the stop reason: the admin has looked at it.
            ...(running ? { trigger_failures: 0 } : {}),
          }),
        )
        .execute();
      await bumpCounter(trx, project, 'recipes');
    });
  }

  /** `undefined` resets the cursor (the next poll starts from the beginning). */
  async setCursor(project: string, name: string, cursor: unknown): Promise<void> {
    const values = { project, name, cursor: toJson(cursor), updated_at: nowIso() };
    await this.db
      .insertInto('recipes')
      .values(values)
      .onConflict((oc) => oc.columns(['project', 'name']).doUpdateSet({ cursor: values.cursor, updated_at: values.updated_at }))
      .execute();
  }

  async noteTriggerFailure(project: string, name: string): Promise<number> {
    const now = nowIso();
    const row = await this.db
      .insertInto('recipes')
      .values({ project, name, trigger_failures: 1, updated_at: now })
      .onConflict((oc) => oc.columns(['project', 'name']).doUpdateSet({ trigger_failures: sql`recipes.trigger_failures + 1`, updated_at: now }))
      .returning('trigger_failures')
      .executeTakeFirstOrThrow();
    return row.trigger_failures;
  }

  async clearTriggerFailures(project: string, name: string): Promise<void> {
    await this.db.updateTable('recipes').set({ trigger_failures: 0 }).where('project', '=', project).where('name', '=', name).execute();
  }

  async version(project: string): Promise<number> {
    return readCounter(this.db, project, 'recipes');
  }
}
