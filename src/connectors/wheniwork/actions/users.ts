/** list_users, get_user, update_user, delete_user (create_user lives in ./create-user.ts). */
import type { ActionDef } from '../../../engine/types.js';
import type { WiwClient } from '../client.js';
import { apiError, badResponse, httpFailure, seatLimit } from '../errors.js';
import { idSchema, toId, toIdList, userSchema } from '../schemas.js';
import { asRecord } from '../session.js';
import { userBody, userFieldSchemas, type UserFields } from './user-fields.js';

/** A WIW user as the API returns it; fields beyond these pass through untouched. */
export interface WiwUser extends Record<string, unknown> {
  id: number;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  phone_number?: string | null;
  employee_code?: string | null;
  locations?: number[];
  positions?: number[];
  is_deleted?: boolean;
}

export function singleUser(body: unknown, what: string): WiwUser {
  const user = asRecord(asRecord(body)?.user);
  if (user === undefined || user.id === undefined) throw badResponse(what);
  return user as WiwUser;
}

export interface ListUsersInput {
  /** Include deleted users (needs a supervisor, manager or admin login). */
  show_deleted?: boolean;
  location_id?: number | string | (number | string)[];
  search?: string;
}

export const listUsers: ActionDef<ListUsersInput, { users: WiwUser[] }, WiwClient> = {
  title: 'List users',
  description: 'Every user of the workplace in one request (WIW does not paginate users), pending ones included.',
  input: {
    type: 'object',
    additionalProperties: false,
    properties: {
      show_deleted: { type: 'boolean', default: false, description: 'Include deleted users (needed to match rehires).' },
      location_id: { anyOf: [idSchema, { type: 'array', items: idSchema }], description: 'Only users of these locations.' },
      search: { type: 'string', description: 'Substring of first name, last name or email.' },
    },
  },
  output: { type: 'object', required: ['users'], properties: { users: { type: 'array', items: userSchema } } },
  async run(input, ctx) {
    const locations = input.location_id === undefined ? undefined
      : toIdList(Array.isArray(input.location_id) ? input.location_id : [input.location_id], 'location_id');
    let body: unknown;
    try {
      body = await ctx.connection.call({
        path: '/users',
        searchParams: {
          show_deleted: input.show_deleted === true ? true : undefined,
          location_id: locations?.join(','),
          search: input.search?.trim() || undefined,
        },
        signal: ctx.signal,
      });
    } catch (error) {
      throw apiError(error, 'the list of users');
    }
    const users = asRecord(body)?.users;
    if (!Array.isArray(users)) throw badResponse('GET /2/users');
    ctx.progress(users.length, users.length);
    return { users: users as WiwUser[] };
  },
};

export const getUser: ActionDef<{ id: number | string }, WiwUser, WiwClient> = {
  title: 'Get user',
  description: 'One user by id, deleted ones too (is_deleted true).',
  input: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idSchema } },
  output: userSchema,
  async run(input, ctx) {
    const id = toId(input.id);
    try {
      return singleUser(await ctx.connection.call({ path: `/users/${id}`, signal: ctx.signal, queueSignal: ctx.itemSignal }), 'GET /2/users/{id}');
    } catch (error) {
      throw apiError(error, `user ${id}`);
    }
  },
};

export interface UpdateUserInput extends UserFields {
  id: number | string;
  /** Bring a deleted user back (takes a seat again). */
  reactivate?: boolean;
}

export const updateUser: ActionDef<UpdateUserInput, WiwUser, WiwClient> = {
  title: 'Update user',
  description: 'Changes the given fields of a user; fields given as null, blank or absent are not sent. reactivate: true restores a deleted user '
    + '(it takes a seat: a 500 from WIW is then reported as the seat limit, WIW_SEAT_LIMIT).',
  writes: true,
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: { id: idSchema, ...userFieldSchemas, reactivate: { type: 'boolean', default: false } },
  },
  output: userSchema,
  plan: (input) => ({ id: Number(input.id), dry_run: true, ...userBody(input) }) as unknown as WiwUser,
  async run(input, ctx) {
    const id = toId(input.id);
    const json = { ...userBody(input), ...(input.reactivate === true ? { reactivate: true } : {}) };
    try {
      return singleUser(await ctx.connection.call({ method: 'PUT', path: `/users/${id}`, json, signal: ctx.signal, queueSignal: ctx.itemSignal }), 'PUT /2/users/{id}');
    } catch (error) {
      const f = httpFailure(error);
      // A reactivation takes a seat like a create, and WIW answers the same bare 500 when none is left.
      if (input.reactivate === true && f?.code === 'HTTP_STATUS' && f.status === 500) throw seatLimit(`user ${id}`, error, 'reactivate');
      throw apiError(error, `the change to user ${id}`);
    }
  },
};

export const deleteUser: ActionDef<{ id: number | string }, { id: number; deleted: boolean }, WiwClient> = {
  title: 'Delete user',
  description: 'Deletes a user (WIW keeps it as deleted and frees its seat; reactivate brings it back). Deleting a deleted user succeeds.',
  writes: true,
  input: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idSchema } },
  output: {
    type: 'object', required: ['id', 'deleted'],
    properties: { id: { type: 'integer' }, deleted: { type: 'boolean' } },
  },
  plan: (input) => ({ id: Number(input.id), deleted: false }),
  async run(input, ctx) {
    const id = toId(input.id);
    try {
      await ctx.connection.call({ method: 'DELETE', path: `/users/${id}`, signal: ctx.signal, queueSignal: ctx.itemSignal });
    } catch (error) {
      throw apiError(error, `the deletion of user ${id}`);
    }
    return { id, deleted: true };
  },
};
