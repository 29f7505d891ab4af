/**
 * The handlers locations and positions share: list, get, create, update and soft delete of an account's
 * catalog records. Deletes keep the record, like WIW ("for historical purposes"), and take its id off
 * every user, so later user updates stay valid. Each kind supplies its own field rules (`readPatch`).
 */
import type { EmulatorRequest, Reply } from '../shared/http.js';
import { type ApiContext, MANAGERS, requireRole } from './auth.js';
import { invalidField, notFound } from './errors.js';
import { type Body, bodyObject, queryBool, queryIds } from './fields.js';
import type { AccountState } from './state.js';
import type { WiwUser } from './types.js';

interface CatalogRecord {
  id: number;
  name: string;
  is_deleted: boolean;
  updated_at: string;
}

export interface CatalogKind<T extends CatalogRecord> {
  /** `location`: the single wrapper key; the list key adds an `s`. */
  one: 'location' | 'position';
  records(acc: AccountState): Map<number, T>;
  make(ctx: ApiContext, patch: Partial<T> & { name: string }): T;
  readPatch(body: Body, create: boolean): Partial<T>;
  /** Fields set on delete besides `is_deleted` and `updated_at`. */
  onDelete?(now: string): Partial<T>;
  /** The user field holding ids of this kind. */
  userField: 'locations' | 'positions';
}

export interface CatalogHandlers {
  list(ctx: ApiContext, req: EmulatorRequest): Reply;
  get(ctx: ApiContext, req: EmulatorRequest, id: number): Reply;
  create(ctx: ApiContext, req: EmulatorRequest): Reply;
  update(ctx: ApiContext, req: EmulatorRequest, id: number): Reply;
  /** `DELETE /2/<kind>s/{id}` or `DELETE /2/<kind>s?ids=1,2,3`. */
  remove(ctx: ApiContext, req: EmulatorRequest, id?: number): Reply;
}

export function catalogHandlers<T extends CatalogRecord>(kind: CatalogKind<T>): CatalogHandlers {
  const title = kind.one === 'location' ? 'Location' : 'Position';
  const plural = `${kind.one}s`;
  const find = (ctx: ApiContext, id: number): T => {
    const record = kind.records(ctx.acc).get(id);
    if (!record) throw notFound(title);
    return record;
  };
  return {
    // `show_deleted=true` is an emulator extension; WIW documents only `only_unconfirmed` (ignored here).
    list(ctx, req) {
      const showDeleted = queryBool(req.query.get('show_deleted'), false);
      return { status: 200, body: { [plural]: [...kind.records(ctx.acc).values()].filter((r) => showDeleted || !r.is_deleted) } };
    },
    get(ctx, _req, id) {
      return { status: 200, body: { [kind.one]: find(ctx, id) } };
    },
    create(ctx, req) {
      requireRole(ctx, MANAGERS);
      const patch = kind.readPatch(bodyObject(req), true);
      const record = kind.make(ctx, { ...patch, name: patch.name as string });
      kind.records(ctx.acc).set(record.id, record);
      return { status: 200, body: { [kind.one]: record } };
    },
    update(ctx, req, id) {
      requireRole(ctx, MANAGERS);
      const record = find(ctx, id);
      Object.assign(record, kind.readPatch(bodyObject(req), false), { updated_at: ctx.state.stamp() });
      return { status: 200, body: { [kind.one]: record } };
    },
    remove(ctx, req, id) {
      requireRole(ctx, MANAGERS);
      const ids = id !== undefined ? [id] : (queryIds(req.query.get('ids')) ?? []);
      if (ids.length === 0) throw invalidField(`Give a ${kind.one} id in the path or an ids query list.`);
      const found = ids.map((i) => find(ctx, i));
      const now = ctx.state.stamp();
      for (const record of found) {
        if (record.is_deleted) continue;
        Object.assign(record, { is_deleted: true, updated_at: now, ...kind.onDelete?.(now) });
        for (const u of ctx.acc.users.values() as Iterable<WiwUser>) {
          if (u[kind.userField].includes(record.id)) u[kind.userField] = u[kind.userField].filter((x) => x !== record.id);
        }
      }
      return { status: 200, body: { success: true } };
    },
  };
}
