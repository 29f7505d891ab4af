import type { Command } from 'commander';

export function demoCommand(program: Command): void {
  program.command('demo').description('run the whole package against the built-in emulators (npm start)');
}
