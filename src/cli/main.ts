/**
 * The `recipes` command. Wires the connector registry to the engine and turns results into exit codes:
 * 0 success, 1 a job or an operation failed, 2 bad usage, invalid package or invalid input.
 */
import { Command, CommanderError, Option } from 'commander';
import { connectionsCommand } from './commands/connections.js';
import { demoCommand } from './commands/demo.js';
import { duplicatesCommand } from './commands/duplicates.js';
import { emulateCommand } from './commands/emulate.js';
import { jobsCommand } from './commands/jobs.js';
import { linkCommand } from './commands/link.js';
import { propertiesCommand } from './commands/properties.js';
import { recipesCommands } from './commands/recipes.js';
import { validateCommand } from './commands/validate.js';
import { projectsCommand } from './commands/projects.js';
import { fleetCommands } from './commands/fleet.js';
import { EXIT, report, SHIPPED_PACKAGE_NOTE } from './context.js';

/** pino's levels: anything else is bad usage (exit 2), named by commander with these choices. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function buildProgram(): Command {
  const program = new Command('recipes')
    .description('Run integration recipes; ships the WIW Provisioning package (GoCo -> When I Work).')
    .option('--data-dir <dir>', 'state store folder (env RECIPES_DATA_DIR)', process.env.RECIPES_DATA_DIR ?? './.recipes')
    .option('--database-url <url>', 'keep state in this PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DB) instead of the data dir (env RECIPES_DATABASE_URL)', process.env.RECIPES_DATABASE_URL)
    .option('--project <name>', 'the project whose state to use (env RECIPES_PROJECT)', process.env.RECIPES_PROJECT || 'default')
    // No default value: a given --package is used for that run, else the project's own (see context.ts).
    .option('--package <dir>', `package folder (env RECIPES_PACKAGE; default: the project's own package, ${SHIPPED_PACKAGE_NOTE})`, process.env.RECIPES_PACKAGE || undefined)
    .addOption(new Option('--log-level <level>', 'logs go to stderr (JSON lines)').choices(LOG_LEVELS).default('error'))
    .option('--log-file <file>', 'write logs to this file instead of stderr')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  validateCommand(program);
  recipesCommands(program);
  propertiesCommand(program);
  jobsCommand(program);
  connectionsCommand(program);
  demoCommand(program);
  emulateCommand(program);
  duplicatesCommand(program);
  linkCommand(program);
  projectsCommand(program);
  fleetCommands(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

/**
 * `recipes jobs show 1 | head` closes the pipe before the output ends: that is the reader's choice, not
 * a failure, so the process ends quietly (exit 0) instead of dying on an unhandled EPIPE. Only the
 * process entry (bin/recipes.js) calls this: it exits the process.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    return report(error, json);
  }
}
