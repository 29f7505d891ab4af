/**
 * Scaling out on PostgreSQL: `recipes worker` runs queued jobs of every project, `recipes enqueue` queues
 * one run of a recipe, `recipes serve --queue` (see recipes.ts) queues the started recipes' triggers.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import { OPS_DEFAULT_HOST, OPS_DEFAULT_PORT, parseListen } from '../../ops/listen.js';
import type { Runtime } from '../../engine/runtime/runtime.js';
import { EXIT, ExitCode, getLogger, globals, out, printJson, projectOptions, stopOnSignals, withRuntime, type GlobalOptions } from '../context.js';
import { showJob } from './recipes.js';

/** The queue lives in PostgreSQL: without a database URL these commands are bad usage (exit 2). */
export function requireDatabase(g: GlobalOptions, command: string): string {
  if (g.databaseUrl) return g.databaseUrl;
  throw new UserError('QUEUE_NEEDS_POSTGRES', `\`recipes ${command}\` works on the job queue, which lives in PostgreSQL; this run keeps its state in the data dir.`, {
    hint: 'Pass --database-url postgres://USER:PASSWORD@HOST:PORT/DB (env RECIPES_DATABASE_URL). With the data dir, `recipes serve` runs the jobs itself.',
  });
}

export function fleetCommands(program: Command): void {
  program
    .command('worker')
    .description('run queued jobs of every project until SIGINT/SIGTERM (PostgreSQL only)')
    .option('--concurrency <n>', 'jobs run at once', (v) => count(v, '--concurrency'), 4)
    .option('--listen <[host:]port>', `open the ops endpoint there: GET /healthz, /readyz (and /metrics with --metrics) (default with --metrics: ${OPS_DEFAULT_HOST}:${OPS_DEFAULT_PORT})`, listenOption)
    .option('--metrics', 'serve Prometheus metrics at GET /metrics on the ops endpoint, the queue depth included')
    .action(async (opts: { concurrency: number; listen?: { host: string; port: number }; metrics?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const databaseUrl = requireDatabase(g, 'worker');
      // Loaded here: the queue and the engine are not for every start of the CLI.
      const [{ runWorker }, { connectors }, { maskUrl }] = await Promise.all([
        import('../../engine/runtime/worker.js'),
        import('../../connectors/index.js'),
        import('../../engine/store/index.js'),
      ]);
      const { signal, hard } = stopOnSignals('taking no more jobs; the jobs in flight finish their step and go back to the queue (again to cancel the step).');
      let requeued = 0;
      let ops: { url: string; close(): Promise<void> } | undefined;
      const metrics = opts.metrics ? new (await import('../../ops/metrics.js')).MetricSet() : undefined;
      await runWorker({
        databaseUrl,
        dataDir: resolve(g.dataDir),
        connectors,
        defaultPackageDir: projectOptions(g).defaultPackageDir,
        logger: await getLogger(g),
        concurrency: opts.concurrency,
        signal,
        abortSignal: hard,
        onConnected: async (w) => {
          metrics?.queueDepth(() => w.queueDepth());
          ops = await startWorkerOps(opts, w.ready, metrics);
        },
        onRuntime: (rt) => metrics?.attach(rt),
        onReady: () => {
          out(`worker ${process.pid}: running queued jobs of every project (database ${maskUrl(databaseUrl)}, concurrency ${opts.concurrency}). Ctrl-C to stop.`);
          if (ops) out(`ops endpoint at ${ops.url}: /healthz, /readyz${opts.metrics ? ', /metrics' : ''}`);
        },
        onJob: (l) => {
          if (l.outcome === 'queued') requeued += 1;
          const outcome = l.outcome === 'queued' ? 'stopped, queued again' : l.outcome;
          out(`project ${l.project}  ${l.recipe}  job ${l.jobId ?? '-'}  ${outcome}${l.attempt && l.attempt > 1 ? `  (attempt ${l.attempt})` : ''}${l.message ? `  ${l.message}` : ''}`);
        },
        onDatabase: (state, reason) => out(state === 'lost' ? `database unavailable (${reason}); waiting for it.` : 'database back; going on.'),
      });
      await ops?.close();
      out(`stopped${requeued ? `; ${requeued} job${requeued === 1 ? '' : 's'} queued again` : ''}.`);
    });

  program
    .command('enqueue <name>')
    .description("queue one run of a recipe for the workers and print the job's id (PostgreSQL only)")
    .option('--force', 'queue it even if the recipes it needs have not succeeded yet')
    .option('--wait', 'wait for a worker to run it, then print it and exit like `recipes test`')
    .option('--json', 'print machine-readable output')
    .action(async (name: string, opts: { force?: boolean; wait?: boolean; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const databaseUrl = requireDatabase(g, 'enqueue');
      await withRuntime(g, async (rt) => {
        const recipe = rt.recipe(name);
        if (recipe.trigger.type === 'poll' || recipe.trigger.type === 'webhook') {
          throw new UserError('ENQUEUE_NEEDS_EVENT', `Recipe '${name}' runs on its trigger's events (${recipe.trigger.type}); start it (\`recipes start ${name}\`) and \`recipes serve --queue\` queues them.`);
        }
        if (!opts.force) {
          const unmet = await rt.unmetNeeds(name);
          if (unmet.length > 0) {
            throw new UserError('NEEDS_UNMET', `Recipe '${name}' needs ${unmet.map((n) => `'${n}'`).join(' and ')} to have succeeded first.`, { hint: 'Run those first, or pass --force.' });
          }
        }
        const { JobQueue } = await import('../../engine/queue/job-queue.js');
        const queue = await JobQueue.open(databaseUrl, { logger: await getLogger(g), supervise: false, maxConnections: 1 });
        let id: number;
        try {
          id = await rt.enqueue(name, { type: recipe.trigger.type, at: new Date().toISOString() }, (db, jobId) => queue.sendJob(db, jobId));
        } finally {
          await queue.close();
        }
        if (!opts.wait) {
          if (opts.json) printJson({ jobId: id, status: 'queued' });
          else out(`job ${id} queued: ${name}. See it with \`recipes jobs show ${id}\`.`);
          return;
        }
        if (!opts.json) process.stderr.write(`job ${id} queued: ${name}; waiting for a worker to run it (Ctrl-C stops waiting; the job stays queued).\n`);
        const job = await waitForEnd(rt, id);
        await showJob(rt, job, opts.json ?? false, false);
        if ((await rt.job(id)).status !== 'succeeded') throw new ExitCode(EXIT.failed);
      });
    });
}

/** Polls the job's record until it has ended; Ctrl-C stops waiting (exit 1), the job stays queued. */
async function waitForEnd(rt: Runtime, id: number): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (;;) {
      const job = await rt.job(id);
      if (job.status !== 'queued' && job.status !== 'running') return id;
      if (stop.signal.aborted) throw new ExitCode(EXIT.failed);
      await new Promise<void>((done) => {
        const t = setTimeout(done, 250);
        stop.signal.addEventListener('abort', () => (clearTimeout(t), done()), { once: true });
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The worker's ops endpoint, as `serve`'s (serve-ops.ts): only with --listen or --metrics. */
async function startWorkerOps(
  opts: { listen?: { host: string; port: number }; metrics?: boolean },
  ready: () => Promise<string | undefined>,
  metrics: { registry: import('prom-client').Registry } | undefined,
): Promise<{ url: string; close(): Promise<void> } | undefined> {
  if (!opts.listen && !opts.metrics) return undefined;
  const [{ startOpsEndpoint }, { portInUse }] = await Promise.all([import('../../ops/endpoint.js'), import('../../engine/runtime/serve.js')]);
  const { host, port } = opts.listen ?? { host: OPS_DEFAULT_HOST, port: OPS_DEFAULT_PORT };
  try {
    return await startOpsEndpoint({ host, port, ready, ...(metrics ? { registry: metrics.registry } : {}) });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse('ops', port, '--listen', error, host) : error;
  }
}

function listenOption(text: string): { host: string; port: number } {
  const listen = parseListen(text);
  if (!listen) throw new InvalidArgumentError('--listen takes PORT, HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:9464 or 0.0.0.0:9464.');
  return listen;
}

function count(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError(`${option} takes a whole number from 1 to 256.`);
  return n;
}


/** `recipes serve --queue`: queues the triggers of every project's started recipes until SIGINT/SIGTERM. */
export async function serveQueue(g: GlobalOptions, opts: { webhookPort: number; webhookMaxBody: number }): Promise<void> {
  const databaseUrl = requireDatabase(g, 'serve --queue');
  const [{ Fleet }, { serveFleet }, { JobQueue }, { connectors }, { maskUrl }, { FleetWebhooks }, { portInUse }, { describePrune }] = await Promise.all([
    import('../../engine/runtime/fleet.js'),
    import('../../engine/runtime/fleet-serve.js'),
    import('../../engine/queue/job-queue.js'),
    import('../../connectors/index.js'),
    import('../../engine/store/index.js'),
    import('../../engine/runtime/fleet-webhooks.js'),
    import('../../engine/runtime/serve.js'),
    import('../../engine/runtime/retention.js'),
  ]);
  const logger = await getLogger(g);
  const fleet = await Fleet.open({ databaseUrl, dataDir: resolve(g.dataDir), connectors, defaultPackageDir: projectOptions(g).defaultPackageDir, logger });
  let queue: Awaited<ReturnType<typeof JobQueue.open>>;
  try {
    queue = await JobQueue.open(databaseUrl, { logger, supervise: true, maxConnections: 2 });
  } catch (error) {
    await fleet.close();
    throw error;
  }
  // Webhooks of every project at /<project>/<path>: an accepted delivery is a queued job.
  const hooks = new FleetWebhooks(fleet, async (rt, recipe, data, once) => void (await rt.enqueue(recipe.name, data, (db, jobId) => queue.sendJob(db, jobId), { once })), logger, opts.webhookMaxBody);
  let hooksUrl: string;
  try {
    hooksUrl = await hooks.listen(opts.webhookPort);
  } catch (error) {
    await queue.close().catch(() => undefined);
    await fleet.close();
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse('webhook', opts.webhookPort, '--webhook-port', error) : error;
  }
  const controller = new AbortController();
  const stop = (signal: string) => {
    out(`${signal}: stopping.`);
    controller.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  out(`serving the queue of every project (database ${maskUrl(databaseUrl)}): started recipes' triggers are queued for \`recipes worker\`. Ctrl-C to stop.`);
  out(`webhooks at ${hooksUrl}/<project>/<path> (POST, signed as for \`recipes serve\`); each accepted delivery is a queued job`);
  try {
    await serveFleet(fleet, queue, {
      signal: controller.signal,
      onRecipes: (started) => out(`started recipes: ${started.length ? started.map((s) => `${s.project}/${s.recipe}`).join(', ') : 'none'}`),
      onDatabase: (state, reason) => out(state === 'lost' ? `database unavailable (${reason}); waiting for it.` : 'database back; going on.'),
      onPrune: (project, report) => out(`project ${project}: job history: ${describePrune(report)}`),
    });
  } finally {
    await hooks.close();
    await queue.close().catch(() => undefined);
    await fleet.close();
  }
  out('stopped.');
}
