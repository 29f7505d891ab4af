import type { Command } from 'commander';

export function emulateCommand(program: Command): void {
  program.command('emulate').description('run the GoCo and When I Work emulators in the foreground');
}
