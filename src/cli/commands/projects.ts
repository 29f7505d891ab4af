/** `recipes projects`: list, add ("Use this package") and remove projects of the data dir (or database). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import type { Projects } from '../../engine/runtime/projects.js';
import { getLogger, globals, out, printJson, shippedPackage, type GlobalOptions } from '../context.js';
import { table } from '../format.js';

async function withProjects<T>(g: GlobalOptions, create: boolean, fn: (p: Projects) => Promise<T>): Promise<T> {
  await getLogger(g);
  const [{ Projects }, { connectors }] = await Promise.all([import('../../engine/runtime/projects.js'), import('../../connectors/index.js')]);
  const projects = await Projects.open({ dataDir: resolve(g.dataDir), databaseUrl: g.databaseUrl || undefined, create, connectors });
  try {
    return await fn(projects);
  } finally {
    await projects.close();
  }
}

export function projectsCommand(program: Command): void {
  const projects = program
    .command('projects')
    .description('the projects of this data dir (or database): `projects add NAME`, `projects remove NAME --yes`')
    .option('--json', 'print machine-readable output');
  const list = async (opts: { json?: boolean }, cmd: Command) =>
    withProjects(globals(cmd), false, async (p) => {
      const rows = await p.list();
      if (opts.json || (cmd.optsWithGlobals() as { json?: boolean }).json) return printJson(rows.map((r) => ({ ...r, lastJob: r.lastJob ?? null })));
      if (rows.length === 0) return out('no projects yet (the default one is recorded when a command first uses it).');
      out(
        table([
          ['NAME', 'PACKAGE', 'RUNNING', 'LAST JOB', 'FOLDER'],
          ...rows.map((r) => [
            r.name,
            [r.packageName, r.packageVersion].filter(Boolean).join(' '),
            String(r.running),
            r.lastJob ? `${r.lastJob.id} ${r.lastJob.recipe} ${r.lastJob.status} ${r.lastJob.finishedAt ?? r.lastJob.startedAt}` : '-',
            r.packageDir ?? '(the shipped package)',
          ]),
        ]),
      );
    });
  projects.action(list);
  projects.command('list').description('name, package and version, recipes started, last job').option('--json', 'print machine-readable output').action(list);
  projects
    .command('add <name>')
    .description('create a project that uses a package ("Use this package"); the package is validated first')
    .action((name: string, _o: unknown, cmd: Command) => {
      const g = globals(cmd);
      return withProjects(g, true, async (p) => {
        const created = await p.add(name, g.package, shippedPackage());
        out(`project ${created.name} created: package ${[created.packageName, created.packageVersion].filter(Boolean).join(' ')} (${created.packageDir ?? 'the shipped package'}).`);
        out(`Use it with --project ${created.name} (or RECIPES_PROJECT=${created.name}), e.g. recipes --project ${created.name} properties`);
      });
    });
  projects
    .command('remove <name>')
    .description("delete a project and all its state (properties and secrets, recipe state, jobs, id mappings)")
    .option('--yes', 'really delete it')
    .action((name: string, opts: { yes?: boolean }, cmd: Command) =>
      withProjects(globals(cmd), false, async (p) => {
        const { describeContents } = await import('../../engine/runtime/projects.js');
        if (!opts.yes) {
          const contents = await p.contents(name);
          throw new UserError('CONFIRM_NEEDED', `Removing project '${name}' deletes its ${describeContents(contents)}. Nothing was deleted.`, {
            hint: `Run \`recipes projects remove ${name} --yes\` to delete it.`,
          });
        }
        const removed = await p.remove(name);
        out(`project ${name} removed: deleted ${describeContents(removed)}.`);
      }),
    );
}
