/**
 * `recipes demo` (npm start): the admin's flow in docs/sync-rules.md, end to end, against both emulators:
 * properties set, connection tested, recipes started, all-employees-sync test-run, then one HR change
 * picked up by employee-sync. Writes only into a temporary data dir unless --data-dir is given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Runtime } from '../../engine/runtime/runtime.js';
import type { JobRecord } from '../../engine/store/index.js';
import { EXIT, ExitCode, getLogger, globals, out, projectOptions } from '../context.js';

const ALL = 'all-employees-sync';

function line(job: JobRecord, what: string): string {
  const s = (job.summary ?? {}) as Record<string, unknown>;
  const counts = Object.entries(s)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `   ${what}: ${job.status} in ${((job.durationMs ?? 0) / 1000).toFixed(2)}s (job ${job.id})${counts ? ` - ${counts}` : ''}`;
}

/** The all-employees-sync summary as a person reads it: counts, then who and why for the exceptions. */
function glance(job: JobRecord): string[] {
  const s = (job.summary ?? {}) as Record<string, unknown>;
  const list = (key: string) => (Array.isArray(s[key]) ? (s[key] as Record<string, unknown>[]) : []);
  const lines: string[] = [];
  const count = (label: string, n: unknown, note = '') => lines.push(`${label.padEnd(18)} ${String(n ?? 0).padStart(3)}${note ? `  ${note}` : ''}`);
  count('created', s.created);
  count('linked', s.linked, '(found by email or phone; employee code written)');
  count('reactivated', s.reactivated, '(rehired; deleted WIW user brought back)');
  count('matched', s.matched, '(already linked by employee code)');
  for (const [key, label] of [['conflicts', 'conflicts'], ['skipped', 'skipped'], ['excluded', 'excluded'], ['not_created', 'not created']] as const) {
    const items = list(key);
    count(label, items.length);
    for (const item of items) lines.push(`${''.padEnd(24)}${String(item.employee)}: ${String(item.reason ?? item.error)}`);
  }
  const free = list('seats_you_can_free');
  count('seats you can free', free.length, free.length ? '(terminated in GoCo, still a WIW user)' : '');
  for (const item of free) lines.push(`${''.padEnd(24)}${String(item.employee)} (WIW user ${String(item.wiw_user_id)})`);
  if (typeof s.seats === 'string') lines.push(`${'seats needed'.padEnd(18)} ${s.seats}`);
  const error = job.error as { message?: string } | null;
  if (error?.message) lines.push(error.message);
  return lines;
}

/** `demo --console`: the started recipes keep running and the console stays up until SIGINT/SIGTERM. */
async function keepServing(rt: Runtime, port: number): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const [{ startConsole }, { Server }] = await Promise.all([import('../../console/index.js'), import('../../engine/runtime/serve.js')]);
  const web = await startConsole(rt, { port });
  out(`\nConsole: open ${web.loginUrl}\n   (login token ${web.token}). Change things in the emulators or the console; Ctrl-C to stop.`);
  try {
    await new Server(rt, { signal: controller.signal }).run();
  } finally {
    await web.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole package against the built-in emulators (npm start)')
    .option('--console', 'afterwards keep the emulators, the started recipes and the web console up until Ctrl-C')
    .option('--console-port <port>', 'port of the web console (default: a free port)', (v) => Number(v), 0)
    .action(async (opts: { console?: boolean; consolePort: number }, cmd: Command) => {
      const g = globals(cmd);
      const explicitDir = cmd.parent?.getOptionValueSource('dataDir') === 'cli' || process.env.RECIPES_DATA_DIR !== undefined;
      const dataDir = explicitDir ? resolve(g.dataDir) : mkdtempSync(join(tmpdir(), 'recipes-demo-'));
      const [{ startEmulators }, { Runtime }, { connectors }, { defaultPackageCache }] = await Promise.all([
        import('../../emulators/index.js'),
        import('../../engine/runtime/runtime.js'),
        import('../../connectors/index.js'),
        import('../../engine/loader/checked-package.js'),
      ]);
      const t0 = performance.now();
      const pair = await startEmulators();
      const rt = await Runtime.open({ ...projectOptions(g), dataDir, databaseUrl: g.databaseUrl, connectors, logger: await getLogger(g), packageCache: defaultPackageCache() });
      let ok = true;
      try {
        out(`${rt.package.title} demo, against the built-in GoCo and When I Work emulators`);
        out(`   data dir: ${dataDir}${explicitDir ? '' : ' (temporary, removed at the end)'}`);
        out('\n1. Settings -> Project properties');
        for (const [name, value] of Object.entries(pair.properties)) await rt.properties.set(name, value);
        out(`   set ${(await rt.properties.list()).filter((p) => p.source === 'set').map((p) => `${p.name}${p.secret ? ' (secret)' : ''}`).join(', ')}`);

        out('\n2. Connections');
        for (const conn of Object.values(rt.package.connections)) {
          const result = await rt.testConnection(conn.name);
          out(`   ${conn.title}: ${result.message}`);
        }

        out(`\n3. Start every recipe except ${rt.recipe(ALL).title}`);
        // Manual recipes (the duplicates report) have nothing to start.
        for (const name of rt.package.recipeOrder.filter((n) => n !== ALL && rt.recipe(n).trigger.type !== 'manual')) {
          await rt.start(name);
          const recipe = rt.recipe(name);
          if (recipe.trigger.type === 'poll') {
            await rt.poll(recipe, 1); // a first poll marks "now": only later changes are events
            out(`   ${name}: started, watching GoCo for changes`);
            continue;
          }
          const job = await rt.test(name);
          if (job) out(line(job, `${name} started, first run`));
          ok &&= job?.status === 'succeeded';
        }

        out(`\n4. Test recipe ${rt.recipe(ALL).title}`);
        const job = await rt.test(ALL);
        if (job) {
          out(`   job ${job.id}: ${job.status} in ${((job.durationMs ?? 0) / 1000).toFixed(2)}s`);
          for (const l of glance(job)) out('   ' + l);
          ok &&= job.status === 'succeeded';
        }
        const account = pair.wiw.snapshot().accounts.find((a) => a.id === pair.accountId);
        if (account) {
          const used = account.users.filter((u) => !u.is_deleted).length;
          out(`   ${'seats'.padEnd(18)} ${used} used of ${account.seats ?? 'unlimited'}${account.seats ? `, ${account.seats - used} left` : ''}`);
        }

        out('\n5. HR changes something in GoCo; employee-sync picks it up');
        const someone = pair.goco.snapshot().employees.find((e) => e.status === 'active' && e.syncToWhenIWork !== false);
        if (someone) {
          pair.goco.updateEmployee(someone.id, { workEmail: `new.${someone.workEmail?.trim().toLowerCase() ?? 'address@example.com'}` });
          out(`   changed the work email of ${someone.firstName} ${someone.lastName}`);
          const change = await rt.test('employee-sync');
          if (change) out(line(change, 'employee-sync'));
          ok &&= change?.status === 'succeeded';
        }
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        out(`\nDone in ${secs}s.` + (explicitDir ? ` See each job with: recipes --data-dir ${dataDir} jobs show ID` : ' Pass --data-dir DIR to keep the jobs and look at them.'));
        if (opts.console) await keepServing(rt, opts.consolePort);
      } finally {
        await rt.close();
        await pair.close();
        if (!explicitDir) rmSync(dataDir, { recursive: true, force: true });
      }
      if (!ok) throw new ExitCode(EXIT.failed);
    });
}
