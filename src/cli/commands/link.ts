/**
 * `recipes link EMPLOYEE WIW_USER` / `recipes link EMPLOYEE --create`: the admin's decision on an employee a
 * sync held as a possible duplicate (same name as a When I Work user with no employee code). Runs the
 * package's `link` recipe, which looks both up and writes the employee code (or remembers "create").
 */
import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import { EXIT, ExitCode, globals, out, printJson, withRuntime, wantsJson } from '../context.js';

interface LinkSummary { employee?: string; employee_key?: string; wiw_user_id?: number; problem?: string }

/** Failures that are the admin's input (an unknown employee or user, a user that is not free): exit 2. */
const INPUT_PROBLEMS = new Set(['USAGE', 'EMPLOYEE_UNKNOWN', 'WIW_USER_TAKEN']);

export function linkCommand(program: Command): void {
  program
    .command('link <employee> [wiw_user]')
    .description('decide an employee held as a possible duplicate: link them to WIW_USER (writes the employee code), or --create')
    .option('--create', 'create the employee anyway: the next all-employees-sync does')
    .option('--json', 'print machine-readable output')
    .action((employee: string, wiwUser: string | undefined, opts: { create?: boolean; json?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        if (!rt.package.recipes.link) throw new UserError('RECIPE_UNKNOWN', `The package ${rt.package.title} has no 'link' recipe.`);
        if (opts.create === (wiwUser !== undefined)) {
          throw new UserError('LINK_USAGE', 'Give either the When I Work user to link the employee to, or --create: `recipes link EMPLOYEE WIW_USER` or `recipes link EMPLOYEE --create`.');
        }
        if (wiwUser !== undefined && !/^\s*\d+\s*$/.test(wiwUser)) {
          throw new UserError('LINK_USAGE', `'${wiwUser}' is not a When I Work user id: ids are whole numbers (the plan's held list names them).`);
        }
        const trigger = opts.create ? { employee, create: true } : { employee, wiw_user: Number(wiwUser) };
        const job = await rt.execute(rt.recipe('link'), trigger, { test: true });
        const summary = (job.summary ?? {}) as LinkSummary;
        if (wantsJson(opts, cmd)) printJson({ job });
        if (job.status === 'succeeded') {
          if (wantsJson(opts, cmd)) return;
          return out(opts.create
            ? `${summary.employee} (${summary.employee_key}) will be created by the next all-employees-sync, beside the When I Work user of the same name.`
            : `Linked ${summary.employee} (${summary.employee_key}) to When I Work user ${summary.wiw_user_id}: its employee code is now ${summary.employee_key}, so every sync matches them.`);
        }
        const error = (job.error ?? {}) as { code?: string; message?: string };
        const input = INPUT_PROBLEMS.has(summary.problem ?? '') || error.code === 'WIW_NOT_FOUND';
        if (!wantsJson(opts, cmd)) {
          const message = error.code === 'WIW_NOT_FOUND' ? `When I Work has no user ${wiwUser?.trim()}.` : error.message;
          process.stderr.write(`error ${input && summary.problem ? summary.problem : error.code}: ${message} (job ${job.id})\n`);
        }
        throw new ExitCode(input ? EXIT.usage : EXIT.failed);
      }),
    );
}
