/** Id mappings (e.g. GoCo location id -> WIW location id), one namespace per project; implements `Mappings`. */
import type { Mappings } from '../types.js';
import { nowIso } from './json.js';
import type { Db } from './schema.js';

export class MappingsTable {
  private readonly views = new Map<string, Mappings>();

  constructor(private readonly db: Db) {}

  /** The same object for the same project, so callers may hold on to it. */
  forProject(project: string): Mappings {
    let view = this.views.get(project);
    if (!view) {
      const db = this.db;
      const key = (name: string, k: string) => db.selectFrom('mappings').where('project', '=', project).where('name', '=', name).where('key', '=', k);
      view = Object.freeze({
        get: async (name: string, k: string) => (await key(name, k).select('value').executeTakeFirst())?.value,
        set: async (name: string, k: string, value: string) => {
          await db
            .insertInto('mappings')
            .values({ project, name, key: k, value, updated_at: nowIso() })
            .onConflict((oc) => oc.columns(['project', 'name', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
            .execute();
        },
        delete: async (name: string, k: string) => {
          await db.deleteFrom('mappings').where('project', '=', project).where('name', '=', name).where('key', '=', k).execute();
        },
        // fromEntries defines own properties, so a key like "__proto__" stays data
        all: async (name: string) => {
          const rows = await db.selectFrom('mappings').select(['key', 'value']).where('project', '=', project).where('name', '=', name).orderBy('key').execute();
          return Object.fromEntries(rows.map((r) => [r.key, r.value]));
        },
      });
      this.views.set(project, view);
    }
    return view;
  }
}
