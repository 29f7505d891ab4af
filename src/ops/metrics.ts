/**
 * Prometheus metrics of one process's Runtime, fed by the Runtime's events (jobs, steps, HTTP attempts);
 * nothing else imports prom-client. Each call makes its own Registry, never prom-client's global one, so
 * tests and an embedding host keep theirs apart.
 *
 * A worker feeds one set from the runtimes of all the projects it runs, plus the queue's depth (`MetricSet`).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Runtime } from '../engine/runtime/runtime.js';

export interface RuntimeMetrics {
  registry: Registry;
  /** Stops listening to the Runtime (the registry keeps its last values). */
  detach(): void;
}

export interface MetricsOptions {
  /** The `project` label. @default the runtime's project */
  project?: string;
  /** Also export Node's process metrics (CPU, memory, event loop lag). @default true */
  processMetrics?: boolean;
}

/** Job durations run from a second (a small poll) to an hour (a 100,000-person sync). */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

function kindOf(job: { test: boolean; dryRun: boolean }): string {
  return job.dryRun ? 'dry_run' : job.test ? 'test' : 'run';
}

export function attachMetrics(rt: Runtime, options: MetricsOptions = {}): RuntimeMetrics {
  const set = new MetricSet(options.processMetrics ?? true);
  const detach = set.attach(rt, options.project ?? rt.project);
  return { registry: set.registry, detach };
}

/** The metrics of one process: every runtime attached to it counts into the same series, by project. */
export class MetricSet {
  readonly registry = new Registry();
  private readonly m;

  constructor(processMetrics = true) {
    const registry = this.registry;
    if (processMetrics) collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.m = {
      started: new Counter({ name: 'recipes_jobs_started_total', help: 'Jobs started, by recipe and kind (run, test, dry_run).', labelNames: ['project', 'recipe', 'kind'], registers }),
      finished: new Counter({ name: 'recipes_jobs_finished_total', help: 'Jobs finished, by recipe, kind and outcome (succeeded, failed, stopped).', labelNames: ['project', 'recipe', 'kind', 'outcome'], registers }),
      duration: new Histogram({ name: 'recipes_job_duration_seconds', help: 'How long jobs took, by recipe and outcome.', labelNames: ['project', 'recipe', 'outcome'], buckets: DURATION_BUCKETS, registers }),
      requests: new Counter({ name: 'recipes_api_requests_total', help: 'HTTP attempts to the services, retries included, by connector and status (or network error code).', labelNames: ['connector', 'status'], registers }),
      retries: new Counter({ name: 'recipes_api_retries_total', help: 'HTTP attempts that repeated an earlier one, by connector.', labelNames: ['connector'], registers }),
      limited: new Counter({ name: 'recipes_api_rate_limited_total', help: "Answers that said 'rate limited' (429, or When I Work's 403 limit), by connector.", labelNames: ['connector'], registers }),
      waits: new Counter({ name: 'recipes_rate_budget_waits_total', help: 'Times a connection held requests back because its request budget (requests per minute) was spent.', labelNames: ['connector'], registers }),
      waited: new Counter({ name: 'recipes_rate_budget_wait_seconds_total', help: 'Time requests were held back for the request budget, by connector.', labelNames: ['connector'], registers }),
      seats: new Gauge({ name: 'recipes_seats_free', help: 'Free When I Work seats as last seen by a job (get_account), by project.', labelNames: ['project'], registers }),
    };
  }

  /** Entries waiting in the queue, read from `depth` at each scrape (a worker's). */
  queueDepth(depth: () => Promise<number>): void {
    new Gauge({
      name: 'recipes_queue_depth',
      help: 'Queue entries waiting for a worker (jobs and trigger ticks of every project).',
      registers: [this.registry],
      async collect() {
        this.set(await depth().catch(() => NaN));
      },
    });
  }

  /** Counts `rt`'s jobs and requests under `project`; returns what undoes it. */
  attach(rt: Runtime, project = rt.project): () => void {
    const { started, finished, duration, requests, retries, limited, waits, waited, seats } = this.m;
    const listeners = {
      'job:start': (e: { recipe: string; test: boolean; dryRun: boolean }) => started.inc({ project, recipe: e.recipe, kind: kindOf(e) }),
      'job:end': (job: { recipe: string; test: boolean; dryRun: boolean; status: string; durationMs: number | null }) => {
        finished.inc({ project, recipe: job.recipe, kind: kindOf(job), outcome: job.status });
        if (job.durationMs !== null) duration.observe({ project, recipe: job.recipe, outcome: job.status }, job.durationMs / 1000);
      },
      step: (e: { record: { output?: unknown } }) => {
        const free = (e.record.output as { seats_free?: unknown } | null | undefined)?.seats_free;
        if (typeof free === 'number') seats.set({ project }, free);
      },
      'http:attempt': (e: { connector: string; attempt: number; status?: number; error?: string; rateLimited: boolean }) => {
        requests.inc({ connector: e.connector, status: e.status === undefined ? (e.error ?? 'error') : String(e.status) });
        if (e.attempt > 1) retries.inc({ connector: e.connector });
        if (e.rateLimited) limited.inc({ connector: e.connector });
      },
      'http:rate-wait': (e: { connector: string; ms: number }) => {
        waits.inc({ connector: e.connector });
        waited.inc({ connector: e.connector }, e.ms / 1000);
      },
    } as const;
    for (const [event, fn] of Object.entries(listeners)) rt.on(event as 'step', fn as never);
    return () => {
      for (const [event, fn] of Object.entries(listeners)) rt.off(event as 'step', fn as never);
    };
  }
}
