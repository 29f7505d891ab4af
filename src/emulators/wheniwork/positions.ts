/** /2/positions. Soft deletes like locations; a deleted position is taken off every user's `positions`. */
import type { EmulatorRequest, Reply } from '../shared/http.js';
import { type ApiContext, MANAGERS, requireRole } from './auth.js';
import { invalidField, notFound } from './errors.js';
import { type Body, bodyObject, optBool, optString, queryBool, queryIds, reqString } from './fields.js';
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

function findPosition(ctx: ApiContext, id: number): WiwPosition {
  const pos = ctx.acc.positions.get(id);
  if (!pos) throw notFound('Position');
  return pos;
}

export function listPositions(ctx: ApiContext, req: EmulatorRequest): Reply {
  const showDeleted = queryBool(req.query.get('show_deleted'), false);
  const positions = [...ctx.acc.positions.values()].filter((p) => showDeleted || !p.is_deleted);
  return { status: 200, body: { positions } };
}

export function getPosition(ctx: ApiContext, _req: EmulatorRequest, id: number): Reply {
  return { status: 200, body: { position: findPosition(ctx, id) } };
}

export function createPosition(ctx: ApiContext, req: EmulatorRequest): Reply {
  requireRole(ctx, MANAGERS);
  const patch = readPatch(bodyObject(req), true);
  const position = ctx.state.makePosition(ctx.acc.account.id, { ...patch, name: patch.name as string });
  ctx.acc.positions.set(position.id, position);
  return { status: 200, body: { position } };
}

export function updatePosition(ctx: ApiContext, req: EmulatorRequest, id: number): Reply {
  requireRole(ctx, MANAGERS);
  const position = findPosition(ctx, id);
  Object.assign(position, readPatch(bodyObject(req), false), { updated_at: ctx.state.stamp() });
  return { status: 200, body: { position } };
}

/** `DELETE /2/positions/{id}` or `DELETE /2/positions?ids=1,2,3`. */
export function deletePositions(ctx: ApiContext, req: EmulatorRequest, id?: number): Reply {
  requireRole(ctx, MANAGERS);
  const ids = id !== undefined ? [id] : (queryIds(req.query.get('ids')) ?? []);
  if (ids.length === 0) throw invalidField('Give a position id in the path or an ids query list.');
  const found = ids.map((i) => findPosition(ctx, i));
  const now = ctx.state.stamp();
  for (const pos of found) {
    if (pos.is_deleted) continue;
    Object.assign(pos, { is_deleted: true, updated_at: now });
    for (const u of ctx.acc.users.values()) {
      if (u.positions.includes(pos.id)) u.positions = u.positions.filter((p) => p !== pos.id);
    }
  }
  return { status: 200, body: { success: true } };
}
