/**
 * The GoCo connector: reads employees, locations and departments from GoCo's API, and polls for employee
 * changes. All knowledge of GoCo's wire format is in wire.ts; README.md explains paging and the trigger.
 */
import type { ConnectorDef } from '../../engine/types.js';
import { actions } from './actions.js';
import { GocoClient } from './client.js';
import { settingsSchema, resolveSettings, type GocoSettings } from './settings.js';
import { employeeChanged } from './trigger.js';

export type { GocoSettings } from './settings.js';
export type { Employee, Location, Department, Address, InvalidRecord, ListResult } from './model.js';
export type { ChangeCursor, EmployeeChangedInput } from './trigger.js';
export { GocoClient } from './client.js';
export { GOCO_ERROR_CODES, type GocoErrorCode } from './errors.js';

export const goco: ConnectorDef<GocoSettings, GocoClient> = {
  name: 'goco',
  title: 'GoCo',
  description: 'GoCo HR: employees, locations and departments (read-only), and a trigger on employee changes.',
  settings: settingsSchema,
  connect(settings, ctx) {
    return new GocoClient(resolveSettings(settings), ctx.logger.child({ connector: 'goco' }), ctx.http, ctx.rateBudget);
  },
  async test(connection, ctx) {
    // One cheap call: the first page of one employee, whose envelope also gives the count.
    const page = await connection.page('employees', { limit: 1, offset: 0 }, ctx.signal);
    const count = page.total === undefined ? '' : ` (${page.total} employee${page.total === 1 ? '' : 's'})`;
    return { message: `Connected to GoCo${count}` };
  },
  close(connection) {
    return connection.close();
  },
  actions,
  triggers: { employee_changed: employeeChanged },
};
