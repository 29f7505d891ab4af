import type { Command } from 'commander';

export function duplicatesCommand(program: Command): void {
  program.command('duplicates').description('list WIW users that probably duplicate each other or a GoCo employee');
}
