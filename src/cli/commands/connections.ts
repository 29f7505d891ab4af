import type { Command } from 'commander';
import { isRecipeError } from '../../engine/errors.js';
import { EXIT, ExitCode, globals, out, printJson, report, withRuntime, wantsJson } from '../context.js';
import { table } from '../format.js';

export function connectionsCommand(program: Command): void {
  const connections = program.command('connections').description('the package connections; `connections test NAME`');
  const list = (opts: { json?: boolean }, cmd: Command) =>
    withRuntime(globals(cmd), async (rt) => {
      const { authLabel } = await import('../../engine/runtime/connections.js');
      const rows = Object.values(rt.package.connections).map((c) => ({ name: c.name, title: c.title, connector: c.connector.name, auth: c.auth, authentication: authLabel(c), properties: [...c.properties] }));
      if (wantsJson(opts, cmd)) return printJson(rows);
      out(table([['NAME', 'CONNECTOR', 'AUTHENTICATION', 'TITLE'], ...rows.map((r) => [r.name, r.connector, r.authentication, r.title])]));
    });
  connections.option('--json', 'print machine-readable output').action(list);
  connections.command('list').option('--json', 'print machine-readable output').description('every connection').action(list);
  connections
    .command('test <name>')
    .description('"Connected", or why not; NAME is the connection\'s name or its title (any case)')
    .option('--json', 'print machine-readable output')
    .action((name: string, opts: { json?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        try {
          const result = await rt.testConnection(name);
          if (wantsJson(opts, cmd)) printJson({ connected: true, ...result });
          else out(result.message);
        } catch (error) {
          if (!wantsJson(opts, cmd)) process.stderr.write(`${name}: not connected.\n`);
          const code = report(error, wantsJson(opts, cmd));
          // Exit 2 only for what the command was given (an unknown connection, properties not set);
          // a service refusing the credentials or not answering is a failed operation.
          throw new ExitCode(isRecipeError(error) && /^(CONNECTION_|PROPERTY_)/.test(error.code) ? code : EXIT.failed);
        }
      }),
    );
}
