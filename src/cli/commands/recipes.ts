import { InvalidArgumentError, type Command } from 'commander';
import { serializeError } from '../../engine/errors.js';
import type { startConsole } from '../../console/index.js';
import type { Runtime } from '../../engine/runtime/runtime.js';
import type { LeaseHolder } from '../../engine/store/index.js';
import { EXIT, ExitCode, globals, out, printJson, projectOptions, stopOnSignals, withRuntime } from '../context.js';
import { attemptLines, jobLine, packageLine, stepLines, stepsByAttempt, summaryLines, table, workerNote } from '../format.js';
import { OPS_DEFAULT_HOST, OPS_DEFAULT_PORT, parseListen } from '../../ops/listen.js';
import type { Ops } from './serve-ops.js';
import { addExportOptions, exportTarget, writeExport, type ExportOptions } from '../export.js';

export function recipesCommands(program: Command): void {
  program
    .command('list')
    .description('recipes with title, trigger, state and last job')
    .option('--json', 'print machine-readable output')
    .action((opts: { json?: boolean }, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        const views = await rt.recipes();
        const serve = await rt.serveStatus();
        // `running` stays in the JSON (it means started); `started` and `serve` say what actually runs.
        if (opts.json) return printJson(views.map((v) => ({ ...v, started: v.running, serve })));
        out(table([['NAME', 'STATE', 'TRIGGER', 'LAST JOB', 'TITLE'], ...views.map((v) => [v.name, v.running ? 'started' : 'stopped', v.trigger, v.lastJob ? `${v.lastJob.id} ${v.lastJob.status}` : '-', v.title])]));
        for (const v of views) if (!v.running && v.stoppedReason) out(`\n${v.name}: ${v.stoppedReason}`);
        const scope = rt.storeInfo.dialect === 'postgres' ? 'database' : 'data dir';
        out(serve.running ? `\nserve: running${serve.pid === null ? '' : ` (pid ${serve.pid})`}; it runs the started recipes.` : `\nserve: not running for this ${scope}; started recipes run only under \`recipes serve\`.`);
      }),
    );
  program
    .command('start <name>')
    .description('start a recipe: a running `serve` runs its trigger')
    .action((name: string, _o: unknown, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        await rt.start(name);
        out(`${name} started.${await markStart(rt, name)}`);
      }),
    );
  program
    .command('stop <name>')
    .description('stop a recipe; a polling recipe keeps its cursor and catches up when started again')
    .action((name: string, _o: unknown, cmd: Command) =>
      withRuntime(globals(cmd), async (rt) => {
        await rt.stop(name);
        out(`${name} stopped.`);
      }),
    );
  const test = program
    .command('test <name>')
    .description('run a recipe once now (a polling recipe: its earliest unprocessed event) and show each step')
    .option('--dry-run', 'plan the writes without making them')
    .option('--force', 'run even if the recipes it needs have not succeeded yet')
    .option('--wait', 'when another job runs this recipe (any process), wait for it to end instead of refusing')
    .option('--json', 'print machine-readable output');
  addExportOptions(test)
    .action(async (name: string, opts: { dryRun?: boolean; force?: boolean; wait?: boolean; json?: boolean } & ExportOptions, cmd: Command) => {
      const target = exportTarget(opts);
      return withRuntime(globals(cmd), async (rt) => {
        const stopProgress = opts.json ? () => undefined : (await import('../progress.js')).attachProgress(rt);
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const job = await rt.test(name, { dryRun: opts.dryRun, force: opts.force, signal: controller.signal, wait: opts.wait, onWait: waitingNote });
          stopProgress();
          if (!job) {
            if (opts.json) printJson({ job: null, message: 'no unprocessed event' });
            else out(`${name}: no unprocessed event after the cursor; no job was created.`);
            return;
          }
          await showJob(rt, job.id, opts.json ?? false, false);
          if (target) await writeExport(rt, job.id, target);
          if (job.status !== 'succeeded') throw new ExitCode(EXIT.failed);
        } finally {
          stopProgress();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      });
    });
  program
    .command('serve')
    .description("run started recipes' triggers until SIGINT/SIGTERM")
    .option('--webhook-port <port>', 'port of the webhook endpoint on 127.0.0.1 (default: a free one)', (v) => positiveInt(v, '--webhook-port', true), 0)
    .option('--webhook-max-body <bytes>', 'largest webhook body accepted (413 beyond)', (v) => positiveInt(v, '--webhook-max-body'), 1024 * 1024)
    .option('--max-trigger-failures <n>', 'consecutive trigger failures after which a recipe stops itself', (v) => positiveInt(v, '--max-trigger-failures'), 5)
    .option('--console', 'also serve the web console on 127.0.0.1 (prints its address and login token)')
    .option('--console-port <port>', 'port of the web console (default: a free one)', (v) => positiveInt(v, '--console-port', true), 0)
    .option('--listen <[host:]port>', `open the ops endpoint there: GET /healthz, /readyz (and /metrics with --metrics) (default with --metrics: ${OPS_DEFAULT_HOST}:${OPS_DEFAULT_PORT})`, listenOption)
    .option('--metrics', 'serve Prometheus metrics at GET /metrics on the ops endpoint')
    .option('--queue', "PostgreSQL: queue the triggers of every project's started recipes for `recipes worker` instead of running them here")
    .action(async (opts: { webhookPort: number; webhookMaxBody: number; maxTriggerFailures: number; console?: boolean; consolePort: number; listen?: { host: string; port: number }; metrics?: boolean; queue?: boolean }, cmd: Command) =>
      opts.queue ? (await import('./fleet.js')).serveQueue(globals(cmd), opts) : withRuntime(globals(cmd), async (rt) => {
        // What only `serve` uses is loaded here, not at every start of the CLI.
        const [{ startConsole }, { portInUse, Server }, { describeTrigger }, { DEFAULT_PROJECT }, { startOps }, { Alerter }, { describePrune }] = await Promise.all([
          import('../../console/index.js'),
          import('../../engine/runtime/serve.js'),
          import('../../engine/runtime/runtime.js'),
          import('../../engine/store/index.js'),
          import('./serve-ops.js'),
          import('../../ops/alerts.js'),
          import('../../engine/runtime/retention.js'),
        ]);
        const since = Date.now();
        const { signal: stopping, hard, stop } = stopOnSignals('finishing the step in flight, then stopping (again to cancel it).');
        rt.on('job:end', (job) => out(jobLine(job) + (job.error ? `  ${(job.error as { code?: string }).code ?? ''}` : '')));
        const hookLines: string[] = [];
        const server = new Server(rt, {
          signal: stopping,
          abortSignal: hard,
          webhookPort: opts.webhookPort,
          webhookMaxBody: opts.webhookMaxBody,
          maxTriggerFailures: opts.maxTriggerFailures,
          onWebhookListening: (base, hooks) => {
            hookLines.push(`webhooks at ${base} (POST, headers X-Signature-Timestamp, X-Delivery-Id, X-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>">)`);
            for (const h of hooks) hookLines.push(`  ${h.recipe}: ${h.url}`);
          },
          onRecipe: (name, state, reason) => out(state === 'started' ? `${name}: running its trigger (${describeTrigger(rt.recipe(name))})` : `${name}: stopped${reason ? `. ${reason}` : ''}`),
          onTriggerFailure: (name, count, max, err) => out(`${name}: trigger failed (${count} of ${max} in a row): ${err.code}: ${err.message}`),
          onPrune: (report) => report.jobs > 0 && out(`job history: ${describePrune(report)}`),
        });
        // Lock and ports first: "serving" is said only once nothing can refuse it any more.
        await server.listen();
        let web: Awaited<ReturnType<typeof startConsole>> | undefined;
        let ops: Ops | undefined;
        try {
          web = opts.console
            ? await startConsole(rt, { port: opts.consolePort, projects: await consoleProjects(rt, globals(cmd)) }).catch((error: NodeJS.ErrnoException) => {
              throw error.code === 'EADDRINUSE' ? portInUse('console', opts.consolePort, '--console-port', error) : error;
            })
            : undefined;
          ops = await startOps(rt, opts);
        } catch (error) {
          stop();
          await server.run(); // returns at once: releases the lock and the webhook port
          await web?.close();
          throw error;
        }
        const running = (await rt.recipes()).filter((r) => r.running).map((r) => r.name);
        const { dialect, location, dataDir } = rt.storeInfo;
        const where = dialect === 'postgres' ? `database ${location}` : `data dir ${dataDir}`;
        out(`serving ${rt.package.title} (${where}); running: ${running.join(', ') || 'none yet (recipes start NAME)'}. Ctrl-C to stop.`);
        if (web) out(`console at ${web.url}\n  open once to sign in: ${web.loginUrl}\n  login token: ${web.token}`);
        if (ops) out(`ops endpoint at ${ops.url}: /healthz, /readyz${opts.metrics ? ', /metrics' : ''}`);
        for (const line of hookLines) out(line);
        // Alerts name the data dir in their command, so the admin can paste it on this machine as it is.
        const alerter = new Alerter(rt, { command: `recipes --data-dir ${dataDir}${rt.project === DEFAULT_PROJECT ? '' : ` --project ${rt.project}`}`, ...(web ? { consoleUrl: web.url } : {}) });
        await server.run().finally(async () => {
          await alerter.close();
          await web?.close();
          await ops?.close();
        });
        const stopped = (await rt.jobs(undefined, 20)).filter((j) => j.status === 'stopped' && Date.parse(j.finishedAt ?? '') >= since);
        out(`stopped${stopped.length ? `; recorded as stopped: ${stopped.map((j) => `job ${j.id} (${j.recipe})`).join(', ')}` : ''}.`);
      }, opts.console === true), // the console is where a new admin sets the first properties: it may create the store
    );
}

/** The console's project picker: the other projects of this data dir (or database), each with its own package. */
async function consoleProjects(rt: Runtime, g: ReturnType<typeof globals>) {
  const [{ storeProjects }, { connectors }] = await Promise.all([import('../../console/index.js'), import('../../connectors/index.js')]);
  const { defaultPackageDir } = projectOptions(g);
  return storeProjects({ dataDir: rt.storeInfo.dataDir, databaseUrl: g.databaseUrl || undefined, connectors, logger: rt.logger, defaultPackageDir });
}

function listenOption(text: string): { host: string; port: number } {
  const listen = parseListen(text);
  if (!listen) throw new InvalidArgumentError('--listen takes PORT, HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:9464 or 0.0.0.0:9464.');
  return listen;
}

function positiveInt(text: string, option: string, zero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zero ? 0 : 1)) throw new InvalidArgumentError(`${option} takes a whole number${zero ? '' : ' above 0'}.`);
  return n;
}

/**
 * A polling recipe started for the first time marks "now" as its starting point, so changes made before
 * `serve` runs are not lost; a recipe that already has a cursor keeps it and catches up.
 */
async function markStart(rt: Runtime, name: string): Promise<string> {
  const recipe = rt.recipe(name);
  if (recipe.trigger.type !== 'poll') return '';
  if (((await rt.recipeState(name)).cursor ?? null) !== null) return ' It catches up on changes made while it was stopped once `recipes serve` runs.';
  try {
    const events = await rt.poll(recipe, 1);
    if (events.length > 0) return ' It has unprocessed changes; `recipes serve` runs them.';
    return ' Changes from now on run under `recipes serve`.';
  } catch (error) {
    const e = serializeError(error);
    return ` Could not mark its starting point yet (${e.code}: ${e.message}); \`recipes serve\` will on its first poll.`;
  }
}

/** Said once, on stderr (stdout may be --json), when a run waits for another job of its recipe. */
export function waitingNote(h: LeaseHolder): void {
  const who = h.pid === process.pid ? 'this process' : `pid ${h.pid}`;
  process.stderr.write(`waiting: ${h.recipe} is running as job ${h.jobId} (${who}); this run starts when it ends (Ctrl-C to give up).\n`);
}

export async function showJob(rt: Runtime, id: number, json: boolean, full: boolean): Promise<void> {
  const job = await rt.job(id);
  const steps = await rt.steps(id);
  const attempts = job.viaQueue ? ((await rt.attempts([id])).get(id) ?? []) : undefined;
  if (json) return printJson(attempts ? { job, attempts, steps } : { job, steps });
  out(jobLine(job) + workerNote(job, attempts));
  if (full) out(packageLine(job));
  if (full && attempts) for (const line of attemptLines(attempts)) out('  ' + line);
  if (attempts && attempts.length > 1) {
    for (const { attempt, steps: own } of stepsByAttempt(steps, attempts)) {
      out(`  attempt ${attempt.attempt}:${own.length === 0 ? ' no steps' : ''}`);
      for (const line of stepLines(own, full)) out('    ' + line);
    }
  } else {
    for (const line of stepLines(steps, full)) out('  ' + line);
  }
  const summary = summaryLines(job);
  if (summary.length > 0) {
    out('summary:');
    for (const line of summary) out(line);
  }
}
