import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import { EXIT, ExitCode, globals, out, printJson, withRuntime, wantsJson } from '../context.js';
import { attemptLines, jobLine, workerNote } from '../format.js';
import { showJob, waitingNote } from './recipes.js';
import { rerunWarning } from '../../reports/rerun-warning.js';
import { describePrune } from '../../engine/runtime/retention.js';
import { addExportOptions, exportTarget, writeExport, type ExportOptions } from '../export.js';

function jobId(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UserError('JOB_ID_INVALID', `'${text}' is not a job id: job ids are whole numbers (see \`recipes jobs\`).`);
  return n;
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** `30d`, `12h`, `90m`, `0s`: whole numbers only, so the cutoff is never a surprise. */
export function parseAge(text: string): number {
  const m = /^\s*(\d+)\s*([dhms])\s*$/i.exec(text);
  if (!m) {
    throw new UserError('DURATION_INVALID', `--older-than '${text}' is not an age: a whole number with d (days), h (hours), m (minutes) or s (seconds).`, {
      hint: 'For example: recipes jobs prune --older-than 30d',
    });
  }
  return Number(m[1]) * UNIT_MS[m[2]!.toLowerCase() as keyof typeof UNIT_MS];
}

export function jobsCommand(program: Command): void {
  const jobs = program
    .command('jobs [recipe]')
    .description('job history (newest first); `jobs show ID`, `jobs rerun ID`, `jobs prune`')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .option('--json', 'print machine-readable output')
    .action((recipe: string | undefined, opts: { limit: number; json?: boolean }, cmd: Command) =>
      withRuntime(
        globals(cmd),
        async (rt) => {
          const list = await rt.jobs(recipe, opts.limit);
          const attempts = await rt.attempts(list.filter((j) => j.viaQueue).map((j) => j.id));
          if (wantsJson(opts, cmd)) return printJson(list.map((j) => (j.viaQueue ? { ...j, attempts: attempts.get(j.id) ?? [] } : j)));
          if (list.length === 0) out('no jobs yet.');
          for (const job of list) {
            out(jobLine(job) + workerNote(job, attempts.get(job.id)));
            const tried = attempts.get(job.id) ?? [];
            if (tried.length > 1) for (const line of attemptLines(tried)) out('    ' + line);
          }
        },
      ),
    );
  const show = jobs
    .command('show <id>')
    .description("a job's steps, one line each with digests of input and output, failures grouped by error code; --json for the whole record (secrets redacted)")
    .option('--json', 'print the whole record: every step with its input and output');
  addExportOptions(show)
    .action((id: string, opts: { json?: boolean } & ExportOptions, cmd: Command) => {
      const n = jobId(id);
      const target = exportTarget(opts);
      return withRuntime(globals(cmd), async (rt) => {
        await showJob(rt, n, wantsJson(opts, cmd), true);
        if (target) await writeExport(rt, n, target);
      });
    });
  jobs
    .command('prune')
    .description("delete finished jobs (and their steps) older than --older-than, else the project's job_retention_days; keeps each recipe's latest job and latest success")
    .option('--older-than <age>', 'e.g. 30d, 12h (default: the job_retention_days property, 90 days unless set)')
    .option('--dry-run', 'say what would be deleted; delete nothing')
    .option('--json', 'print machine-readable output')
    .action((opts: { olderThan?: string; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const olderThanMs = opts.olderThan === undefined ? undefined : parseAge(opts.olderThan);
      return withRuntime(globals(cmd), async (rt) => {
        const report = await rt.pruneJobs({ olderThanMs, dryRun: opts.dryRun });
        if (wantsJson(opts, cmd)) return printJson(report);
        out(`${describePrune(report)}${report.dryRun ? ' (--dry-run: nothing was deleted)' : ''}.`);
      });
    });
  jobs
    .command('rerun <id>')
    .description("replay a job's stored trigger data through the current recipe")
    .option('--wait', 'when another job runs the recipe (any process), wait for it to end instead of refusing')
    .option('--json', 'print machine-readable output')
    .action((id: string, opts: { json?: boolean; wait?: boolean }, cmd: Command) =>
      withRuntime(
        globals(cmd),
        async (rt) => {
          const n = jobId(id);
          const past = await rt.job(n);
          if (!wantsJson(opts, cmd)) process.stderr.write(`warning: ${rerunWarning(rt, past)}\n`);
          const job = await rt.rerun(n, { wait: opts.wait, onWait: waitingNote });
          await showJob(rt, job.id, wantsJson(opts, cmd), false);
          if (job.status !== 'succeeded') throw new ExitCode(EXIT.failed);
        },
      ),
    );
}
