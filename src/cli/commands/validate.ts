import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblem } from '../../engine/loader/problem.js';
import { EXIT, ExitCode, globals, out, printJson, shippedPackage } from '../context.js';
import { RUNTIME_PROPERTIES } from '../../engine/runtime-properties.js';

export function validateCommand(program: Command): void {
  program
    .command('validate [dir]')
    .description('lint a package: every problem with file:line:col and a plain sentence (exit 2 if any)')
    .option('--json', 'print machine-readable output')
    .action(async (dir: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const target = resolve(dir ?? globals(cmd).package ?? shippedPackage());
      const [{ loadPackage }, { connectors }] = await Promise.all([import('../../engine/loader/load-package.js'), import('../../connectors/index.js')]);
      const { model, problems } = loadPackage(target, connectors);
      if (opts.json) printJson({ valid: problems.length === 0, problems });
      else if (model) {
        const n = Object.keys(model.recipes).length;
        out(`${model.title}: valid (${n} recipe${n === 1 ? '' : 's'}, ${Object.keys(model.connections).length} connection(s), ${Object.keys(model.properties).filter((p) => !(p in RUNTIME_PROPERTIES)).length} properties).`);
      } else {
        for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
        process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} found.\n`);
      }
      if (problems.length > 0) throw new ExitCode(EXIT.usage);
    });
}
