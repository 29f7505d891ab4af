/** /2/locations (WIW "schedules"): the field rules; the handlers are catalog.ts's. */
import { catalogHandlers } from './catalog.js';
import { invalidField } from './errors.js';
import { type Body, optBool, optString, reqString } from './fields.js';
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

const locations = catalogHandlers<WiwLocation>({
  one: 'location',
  records: (acc) => acc.locations,
  make: (ctx, patch) => ctx.state.makeLocation(ctx.acc.account.id, patch),
  readPatch,
  onDelete: (now) => ({ deleted_at: now }),
  userField: 'locations',
});

export const { list: listLocations, get: getLocation, create: createLocation, update: updateLocation, remove: deleteLocations } = locations;
