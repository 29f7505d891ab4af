import type { Command } from 'commander';
import { Server } from '../../engine/runtime/serve.js';
import type { Runtime } from '../../engine/runtime/runtime.js';
import { EXIT, ExitCode, globals, out, printJson, withRuntime } from '../context.js';
import { jobLine, stepLines, summaryLines, table } from '../format.js';
import { attachProgress } from '../progress.js';

export function recipesCommands(program: Command): void {
  program
    .command('list')
    .description('recipes with title, trigger, state and last job')
    .option('--json', 'print machine-readable output')
    .action((opts: { json?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), (rt) => {
        const views = rt.recipes();
        if (opts.json) return printJson(views);
        out(table([['NAME', 'STATE', 'TRIGGER', 'LAST JOB', 'TITLE'], ...views.map((v) => [v.name, v.running ? 'running' : 'stopped', v.trigger, v.lastJob ? `${v.lastJob.id} ${v.lastJob.status}` : '-', v.title])]));
        for (const v of views) if (!v.running && v.stoppedReason) out(`\n${v.name}: ${v.stoppedReason}`);
      }),
    );
  for (const verb of ['start', 'stop'] as const) {
    program
      .command(`${verb} <name>`)
      .description(verb === 'start' ? "start a recipe: a running `serve` runs its trigger" : 'stop a recipe; a polling recipe keeps its cursor and catches up when started again')
      .action((name: string, _o: unknown, cmd: Command) =>
        withRuntime(globals(cmd), (rt) => {
          rt[verb](name);
          out(`${name} ${verb === 'start' ? 'started' : 'stopped'}.`);
        }),
      );
  }
  program
    .command('test <name>')
    .description('run a recipe once now (a polling recipe: its earliest unprocessed event) and show each step')
    .option('--dry-run', 'plan the writes without making them')
    .option('--force', 'run even if the recipes it needs have not succeeded yet')
    .option('--json', 'print machine-readable output')
    .action(async (name: string, opts: { dryRun?: boolean; force?: boolean; json?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        const stopProgress = opts.json ? () => undefined : attachProgress(rt);
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const job = await rt.test(name, { dryRun: opts.dryRun, force: opts.force, signal: controller.signal });
          stopProgress();
          if (!job) {
            if (opts.json) printJson({ job: null, message: 'no unprocessed event' });
            else out(`${name}: no unprocessed event after the cursor; no job was created.`);
            return;
          }
          showJob(rt, job.id, opts.json ?? false, false);
          if (job.status !== 'succeeded') throw new ExitCode(EXIT.failed);
        } finally {
          stopProgress();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
  program
    .command('serve')
    .description("run started recipes' triggers until SIGINT/SIGTERM")
    .option('--webhook-port <port>', 'port of the webhook endpoint on 127.0.0.1', (v) => Number(v), 0)
    .action(async (opts: { webhookPort: number }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        rt.on('job:end', (job) => out(jobLine(job)));
        const running = rt.recipes().filter((r) => r.running).map((r) => r.name);
        out(`serving ${rt.package.title}; running: ${running.join(', ') || 'none yet (recipes start NAME)'}. Ctrl-C to stop.`);
        await new Server(rt, { signal: controller.signal, webhookPort: opts.webhookPort, onWebhookListening: (url) => out(`webhooks at ${url}`) }).run();
        out('stopped.');
      }),
    );
}

export function showJob(rt: Runtime, id: number, json: boolean, full: boolean): void {
  const job = rt.job(id);
  const steps = rt.steps(id);
  if (json) return printJson({ job, steps });
  out(jobLine(job));
  for (const line of stepLines(steps, full)) out('  ' + line);
  const summary = summaryLines(job);
  if (summary.length > 0) {
    out('summary:');
    for (const line of summary) out(line);
  }
}
