/**
 * The When I Work connector: one typed object. `connect` builds the transport and the (lazy) session with no
 * network; actions log in on first use. Reads and writes go to `/2`. It knows When I Work only: what a
 * sync matches and writes is the recipes' business (records.* steps).
 */
import type { ActionContext, ConnectorDef } from '../../engine/types.js';
import { getAccount, login } from './actions/account.js';
import { locationActions, positionActions } from './actions/catalog.js';
import { createUserAction } from './actions/create-user.js';
import { deleteUser, getUser, listUsers, updateUser } from './actions/users.js';
import { WiwClient } from './client.js';
import { settingsSchema, type WiwSettings } from './settings.js';

export const wheniwork: ConnectorDef<WiwSettings, WiwClient> = {
  name: 'wheniwork',
  title: 'When I Work',
  description: 'Users, locations (schedules) and positions of a When I Work workplace.',
  settings: settingsSchema,
  connect: (settings, ctx) => new WiwClient(settings, ctx.logger.child({ connector: 'wheniwork' }), ctx.http, ctx.rateBudget),
  async test(connection: WiwClient, ctx: ActionContext<WiwClient>) {
    const workplace = await connection.workplace();
    const { account } = await getAccount.run({}, ctx);
    const company = typeof account.company === 'string' && account.company.trim() !== '' ? account.company.trim() : workplace.company ?? 'unnamed';
    return { message: `Connected to When I Work workplace ${company} (account ${workplace.account_id}) as ${connection.settings.email}` };
  },
  close: (connection) => connection.close(),
  actions: {
    login,
    get_account: getAccount,
    list_users: listUsers,
    get_user: getUser,
    create_user: createUserAction,
    update_user: updateUser,
    delete_user: deleteUser,
    ...locationActions,
    ...positionActions,
  },
};

export { WiwClient } from './client.js';
export { WIW_ERROR_CODES, type WiwErrorCode } from './errors.js';
export type { WiwSettings } from './settings.js';
