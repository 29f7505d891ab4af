import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import type { Seed } from '../../emulators/seed/types.js';
import { out } from '../context.js';

async function loadSeed(opts: { seed?: string; employees?: number }): Promise<Seed> {
  if (opts.seed) {
    try {
      return JSON.parse(readFileSync(opts.seed, 'utf8')) as Seed;
    } catch (cause) {
      throw new UserError('SEED_INVALID', `Cannot read the seed file ${opts.seed}: ${(cause as Error).message}`, { cause });
    }
  }
  const { demoSeed, generateSeed } = await import('../../emulators/seed/index.js');
  if (opts.employees) return generateSeed({ seed: 1, employees: opts.employees });
  return demoSeed();
}

export function emulateCommand(program: Command): void {
  program
    .command('emulate')
    .description('run the GoCo and When I Work emulators in the foreground; prints the properties to set')
    .option('--wiw-port <n>', 'When I Work emulator port (default: a free one)', (v) => Number(v))
    .option('--goco-port <n>', 'GoCo emulator port (default: a free one)', (v) => Number(v))
    .option('--seed <file>', 'JSON seed { goco, wiw } (default: the demo company)')
    .option('--employees <n>', 'generate a company of this many employees instead', (v) => Number(v))
    .action(async (opts: { wiwPort?: number; gocoPort?: number; seed?: string; employees?: number }) => {
      const { startEmulators } = await import('../../emulators/index.js');
      const pair = await startEmulators({ seed: await loadSeed(opts), wiwPort: opts.wiwPort, gocoPort: opts.gocoPort });
      for (const [name, value] of Object.entries(pair.properties)) out(`${name}: ${value}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await pair.close();
    });
}
