/** /2/positions: the field rules; the handlers are catalog.ts's. */
import { catalogHandlers } from './catalog.js';
import { invalidField } from './errors.js';
import { type Body, optBool, optString, reqString } from './fields.js';
import type { WiwPosition } from './types.js';

type PositionPatch = Partial<Pick<WiwPosition, 'name' | 'color' | 'sort' | 'tips_tracking'>>;

function readPatch(body: Body, create: boolean): PositionPatch {
  const patch: PositionPatch = {};
  const name = create ? reqString(body, 'name') : optString(body, 'name');
  if (name !== undefined) {
    if (name.trim() === '') throw invalidField('The name field is required.');
    patch.name = name;
  }
  const color = optString(body, 'color');
  if (color !== undefined) {
    const bare = color.replace(/^#/, '');
    if (!/^[0-9a-f]{6}$/i.test(bare)) throw invalidField('The color field must be a 6-digit hex colour.');
    patch.color = bare.toLowerCase();
  }
  const tips = optBool(body, 'tips_tracking');
  if (tips !== undefined) patch.tips_tracking = tips;
  if (body.sort !== undefined) {
    if (!Number.isInteger(body.sort)) throw invalidField('The sort field must be an integer.');
    patch.sort = body.sort as number;
  }
  return patch;
}

const positions = catalogHandlers<WiwPosition>({
  one: 'position',
  records: (acc) => acc.positions,
  make: (ctx, patch) => ctx.state.makePosition(ctx.acc.account.id, patch),
  readPatch,
  userField: 'positions',
});

export const { list: listPositions, get: getPosition, create: createPosition, update: updatePosition, remove: deletePositions } = positions;
