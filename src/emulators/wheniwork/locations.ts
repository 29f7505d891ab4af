/**
 * /2/locations (WIW "schedules"). Deletes are soft and, like WIW, keep the record "for historical purposes";
 * a deleted location is also taken off every user's `locations` so later user updates stay valid.
 */
import type { EmulatorRequest, Reply } from '../shared/http.js';
import { type ApiContext, MANAGERS, requireRole } from './auth.js';
import { invalidField, notFound } from './errors.js';
import { type Body, bodyObject, optBool, optString, queryBool, queryIds, reqString } from './fields.js';
import type { WiwLocation } from './types.js';

type LocationPatch = Partial<Pick<WiwLocation, 'name' | 'address' | 'coordinates' | 'is_default' | 'sort'>>;

function readPatch(body: Body, create: boolean): LocationPatch {
  const patch: LocationPatch = {};
  const name = create ? reqString(body, 'name') : optString(body, 'name');
  if (name !== undefined) {
    if (name.trim() === '') throw invalidField('The name field is required.');
    patch.name = name;
  }
  const address = optString(body, 'address');
  if (address !== undefined) patch.address = address;
  const coords = body.coordinates;
  if (coords !== undefined && coords !== null) {
    const ok = Array.isArray(coords) && (coords.length === 0 || (coords.length === 2 && coords.every((c) => typeof c === 'number')));
    if (!ok) throw invalidField('The coordinates field must be [latitude, longitude].');
    patch.coordinates = coords as number[];
  }
  const isDefault = optBool(body, 'is_default');
  if (isDefault !== undefined) patch.is_default = isDefault;
  if (body.sort !== undefined) {
    if (!Number.isInteger(body.sort)) throw invalidField('The sort field must be an integer.');
    patch.sort = body.sort as number;
  }
  return patch;
}

function findLocation(ctx: ApiContext, id: number): WiwLocation {
  const loc = ctx.acc.locations.get(id);
  if (!loc) throw notFound('Location');
  return loc;
}

/** `show_deleted=true` is an emulator extension; WIW documents only `only_unconfirmed` (ignored here). */
export function listLocations(ctx: ApiContext, req: EmulatorRequest): Reply {
  const showDeleted = queryBool(req.query.get('show_deleted'), false);
  const locations = [...ctx.acc.locations.values()].filter((l) => showDeleted || !l.is_deleted);
  return { status: 200, body: { locations } };
}

export function getLocation(ctx: ApiContext, _req: EmulatorRequest, id: number): Reply {
  return { status: 200, body: { location: findLocation(ctx, id) } };
}

export function createLocation(ctx: ApiContext, req: EmulatorRequest): Reply {
  requireRole(ctx, MANAGERS);
  const patch = readPatch(bodyObject(req), true);
  const location = ctx.state.makeLocation(ctx.acc.account.id, { ...patch, name: patch.name as string });
  ctx.acc.locations.set(location.id, location);
  return { status: 200, body: { location } };
}

export function updateLocation(ctx: ApiContext, req: EmulatorRequest, id: number): Reply {
  requireRole(ctx, MANAGERS);
  const location = findLocation(ctx, id);
  Object.assign(location, readPatch(bodyObject(req), false), { updated_at: ctx.state.stamp() });
  return { status: 200, body: { location } };
}

/** `DELETE /2/locations/{id}` or `DELETE /2/locations?ids=1,2,3`. */
export function deleteLocations(ctx: ApiContext, req: EmulatorRequest, id?: number): Reply {
  requireRole(ctx, MANAGERS);
  const ids = id !== undefined ? [id] : (queryIds(req.query.get('ids')) ?? []);
  if (ids.length === 0) throw invalidField('Give a location id in the path or an ids query list.');
  const found = ids.map((i) => findLocation(ctx, i));
  const now = ctx.state.stamp();
  for (const loc of found) {
    if (loc.is_deleted) continue;
    Object.assign(loc, { is_deleted: true, deleted_at: now, updated_at: now });
    for (const u of ctx.acc.users.values()) {
      if (u.locations.includes(loc.id)) u.locations = u.locations.filter((l) => l !== loc.id);
    }
  }
  return { status: 200, body: { success: true } };
}
