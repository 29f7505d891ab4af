/** Project properties, scoped by project. Secret values are encrypted by SecretBox before they reach the database. */
import { bumpCounter, readCounter } from './counters.js';
import { nowIso } from './json.js';
import type { Db } from './schema.js';
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

export class Properties {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  async set(project: string, name: string, value: string, secret: boolean): Promise<void> {
    const stored = secret ? await this.secrets.encrypt(project, name, value) : value;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('properties')
        .values({ project, name, value: stored, secret: secret ? 1 : 0, updated_at: nowIso() })
        .onConflict((oc) =>
          oc.columns(['project', 'name']).doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            secret: eb.ref('excluded.secret'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
      await bumpCounter(trx, project, 'properties');
    });
  }

  /** Decrypts a secret: throws SECRET_KEY_MISMATCH / SECRET_KEY_MISSING when the key cannot. */
  async get(project: string, name: string): Promise<PropertyValue | undefined> {
    const row = await this.db
      .selectFrom('properties')
      .select(['value', 'secret', 'updated_at'])
      .where('project', '=', project)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return undefined;
    const secret = row.secret === 1;
    const value = secret ? await this.secrets.decrypt(project, name, row.value) : row.value;
    return { value, secret, updatedAt: row.updated_at };
  }

  async list(project: string): Promise<PropertyInfo[]> {
    const rows = await this.db.selectFrom('properties').select(['name', 'secret', 'updated_at']).where('project', '=', project).orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, secret: r.secret === 1, updatedAt: r.updated_at }));
  }

  async unset(project: string, name: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('properties').where('project', '=', project).where('name', '=', name).executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) await bumpCounter(trx, project, 'properties');
      return removed;
    });
  }

  async version(project: string): Promise<number> {
    return readCounter(this.db, project, 'properties');
  }
}
