import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import { EXIT, ExitCode, globals, out, printJson, withRuntime } from '../context.js';

interface Group {
  reason: string;
  users: { id: number; name: string; email?: string | null; phone?: string | null }[];
  employee?: { id: string; name?: string; email?: string | null } | null;
}

/** Runs the package's read-only `duplicates` recipe and prints its groups. */
export function duplicatesCommand(program: Command): void {
  program
    .command('duplicates')
    .description('list WIW users that probably duplicate each other or a GoCo employee, and why')
    .option('--json', 'print machine-readable output')
    .action((opts: { json?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        if (!rt.package.recipes.duplicates) throw new UserError('RECIPE_UNKNOWN', `The package ${rt.package.title} has no 'duplicates' recipe.`);
        const job = await rt.test('duplicates', { force: true });
        if (!job || job.status !== 'succeeded') {
          const e = job?.error as { code?: string; message?: string } | undefined;
          process.stderr.write(`error ${e?.code}: ${e?.message}\n`);
          throw new ExitCode(EXIT.failed);
        }
        // The job summary keeps the whole list; step records are size-capped.
        const groups = ((job.summary as { groups?: Group[] } | null)?.groups ?? []) as Group[];
        if (opts.json) return printJson({ job: job.id, groups });
        if (groups.length === 0) return out('No probable duplicates found.');
        out(`${groups.length} group(s) of probable duplicates:`);
        for (const g of groups) {
          out(`\n- ${g.reason}`);
          if (g.employee) out(`    GoCo employee ${g.employee.name ?? g.employee.id}${g.employee.email ? ` <${g.employee.email}>` : ''}`);
          for (const u of g.users) out(`    WIW user ${u.id}: ${u.name}${u.email ? ` <${u.email}>` : ''}${u.phone ? ` ${u.phone}` : ''}`);
        }
      }),
    );
}
