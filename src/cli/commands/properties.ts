import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import { globals, out, printJson, withRuntime, wantsJson } from '../context.js';
import { table } from '../format.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function prompt(title: string, secret: boolean): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UserError('VALUE_REQUIRED', 'No value given and no terminal to ask on.', { hint: 'Pass the value, or pipe it in with --stdin.' });
  }
  if (secret) {
    const { default: password } = await import('@inquirer/password');
    return password({ message: `${title}:`, mask: '*' });
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(`${title}: `);
  } finally {
    rl.close();
  }
}

export function propertiesCommand(program: Command): void {
  const props = program.command('properties').description('project properties: list, get, set, unset (secrets are masked)');
  const list = (opts: { json?: boolean }, cmd: Command) =>
    withRuntime(globals(cmd), async (rt) => {
      const views = await rt.properties.list();
      if (wantsJson(opts, cmd)) return printJson(views);
      out(table([['NAME', 'SECRET', 'VALUE', 'TITLE'], ...views.map((v) => [v.name, v.secret ? 'yes' : '', v.source === 'unset' ? (v.required ? '(not set, required)' : '(not set)') : `${v.display}${v.source === 'default' ? ' (default)' : ''}`, v.title])]));
    });
  props.option('--json', 'print machine-readable output').action(list);
  props.command('list').option('--json', 'print machine-readable output').description('every property, secrets masked').action(list);
  props
    .command('get <name>')
    .option('--json', 'print machine-readable output')
    .description('one property (a secret shows only whether it is set)')
    .action((name: string, opts: { json?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        const v = await rt.properties.get(name);
        if (wantsJson(opts, cmd)) return printJson(v);
        out(v.source === 'unset' ? `${name} is not set` : `${v.display}${v.source === 'default' ? ' (default)' : ''}`);
      }),
    );
  props
    .command('set <name> [value]')
    .option('--stdin', 'read the value from standard input')
    .description('set a property; a secret left out is asked for with hidden input')
    .action(async (name: string, value: string | undefined, opts: { stdin?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        const decl = rt.properties.decl(name);
        const v = value ?? (opts.stdin ? await readStdin() : await prompt(decl.title, decl.secret));
        const view = await rt.properties.set(name, v);
        out(`${name} set${decl.secret ? ' (secret, stored encrypted)' : ` to ${view.display}`}.`);
      }, true), // the one command that creates a missing store
    );
  props
    .command('unset <name>')
    .description('remove a property value (the default, if any, applies again)')
    .action((name: string, _opts: unknown, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        out((await rt.properties.unset(name)) ? `${name} unset.` : `${name} was not set.`);
      }),
    );
}
