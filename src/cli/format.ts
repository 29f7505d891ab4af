/** Text a person reads: job results, step lists, tables. JSON output never goes through here. */
import type { AttemptRecord, JobRecord } from '../engine/store/index.js';
import type { StepRecord } from '../engine/interpreter/job-env.js';

const MARK: Record<string, string> = { succeeded: 'ok', failed: 'FAILED', planned: 'planned', skipped: 'skipped', stopped: 'stopped', running: 'running', queued: 'queued' };

export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')).join('\n');
}

/** A list's length; a record keeps long lists as their first items and a closing "... (N in all)". */
function listLength(list: unknown[]): number {
  const last = list[list.length - 1];
  const all = typeof last === 'string' ? /\((\d+) in all\)$/.exec(last) : null;
  return all ? Number(all[1]) : list.length;
}

function brief(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value).slice(0, 80);
  const v = value as Record<string, unknown>;
  if (v.truncated) return `(${v.bytes} bytes)`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'number' || typeof x === 'boolean') parts.push(`${k}=${x}`);
    else if (Array.isArray(x)) parts.push(`${k}: ${listLength(x)}`);
    else if (typeof x === 'string' && x.length < 40) parts.push(`${k}=${x}`);
    if (parts.length >= 6) break;
  }
  return parts.join(', ');
}

export function jobLine(job: JobRecord): string {
  const flags = [job.test ? 'test' : '', job.dryRun ? 'dry run' : '', job.rerunOf ? `rerun of ${job.rerunOf}` : ''].filter(Boolean).join(', ');
  const ms = job.durationMs === null ? '' : `${(job.durationMs / 1000).toFixed(2)}s`;
  return `job ${job.id}  ${job.recipe}  ${MARK[job.status] ?? job.status}  ${job.startedAt}  ${ms}${flags ? `  (${flags})` : ''}`;
}

/** Where a worker's job runs or ran (host and pid), and how many attempts it took; '' for other jobs. */
export function workerNote(job: JobRecord, attempts: readonly AttemptRecord[] | undefined): string {
  if (!job.viaQueue) return '';
  const where = job.host && job.pid !== null ? `worker ${job.host}:${job.pid}` : 'no worker yet';
  const n = attempts?.length ?? 0;
  return `  [${where}${n > 1 ? `, ${n} attempts` : ''}]`;
}

/** One line per attempt of a worker's job: where it ran and how it ended. */
export function attemptLines(attempts: readonly AttemptRecord[]): string[] {
  return attempts.map((a) => {
    const error = a.error as { code?: string; message?: string } | undefined;
    const outcome = a.outcome === null ? 'running' : a.outcome === 'stopped' ? 'stopped (its worker shut down; queued again)' : a.outcome;
    return `attempt ${a.attempt}  ${a.host}:${a.pid}  ${a.startedAt}  ${outcome}${error?.code ? `  ${error.code}: ${error.message}` : ''}`;
  });
}

/**
 * A worker's job split by attempt: a later attempt runs the recipe again from its start and numbers its
 * steps after the earlier ones', so each step belongs to the last attempt that started before it (never an
 * earlier one than the step before it: the hosts' clocks may differ a little).
 */
export function stepsByAttempt(steps: readonly StepRecord[], attempts: readonly AttemptRecord[]): { attempt: AttemptRecord; steps: StepRecord[] }[] {
  const groups = attempts.map((attempt) => ({ attempt, steps: [] as StepRecord[], from: Date.parse(attempt.startedAt) }));
  let at = 0;
  for (const step of steps) {
    const t = Date.parse(step.startedAt);
    while (at + 1 < groups.length && groups[at + 1]!.from <= t) at++;
    groups[at]?.steps.push(step);
  }
  return groups.map(({ attempt, steps: own }) => ({ attempt, steps: own }));
}

/** The package a job ran, to trace it to the exact recipes: name, version, content hash (older jobs lack some). */
export function packageLine(job: JobRecord): string {
  const what = [job.pkg ?? 'unknown package', job.packageVersion].filter(Boolean).join(' ');
  return `  package ${what}${job.packageHash ? `, sha256 ${job.packageHash}` : ' (recorded before package hashes)'}`;
}

/** Failed nested steps shown per error code; the rest are counted (`jobs show ID --json` has them all). */
const EXAMPLES = 3;

/** The top-level step a record belongs to: `create` for `create[3].created`. */
function rootOf(path: string): string {
  return path.split(/[.[]/, 1)[0] ?? path;
}

function errorLine(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return `error ${e.code}: ${e.message}`;
}

/**
 * One line per top-level step (status, path, duration, output digest; with `detail` the input digest too),
 * its error, hint and place when it failed. Nested steps that succeeded are summed up by their loop's
 * output; nested failures are grouped by error code: a few examples each and a count, so a loop of 3,000
 * failed items prints a handful of lines, not 3,000.
 */
export function stepLines(steps: StepRecord[], detail: boolean): string[] {
  const nested = new Map<string, StepRecord[]>();
  for (const s of steps) {
    if (s.path.split('.').length > 1 || s.path.includes('[')) {
      if (s.status !== 'failed' || !s.error) continue;
      const root = rootOf(s.path);
      const list = nested.get(root) ?? [];
      if (list.push(s) === 1) nested.set(root, list);
    }
  }
  const lines: string[] = [];
  for (const s of steps) {
    if (s.path.split('.').length > 1 || s.path.includes('[')) continue;
    const input = detail ? brief(s.input) : '';
    const output = brief(s.output);
    const digest = detail ? [input && `in: ${input}`, output && `out: ${output}`].filter(Boolean).join('  ') : output;
    lines.push(`${(MARK[s.status] ?? s.status).padEnd(8)} ${s.path}  ${s.durationMs.toFixed(0)}ms${digest ? `  ${digest}` : ''}`);
    if (s.error) {
      const e = s.error as { hint?: string; where?: string };
      lines.push(`         ${errorLine(s.error)}`);
      if (e.hint) lines.push(`         ${e.hint}`);
      if (e.where) lines.push(`         at ${e.where}`);
    }
    lines.push(...groupedFailures(nested.get(s.path) ?? []));
  }
  return lines;
}

function groupedFailures(failed: StepRecord[]): string[] {
  const byCode = new Map<string, StepRecord[]>();
  for (const s of failed) {
    const code = String((s.error as { code?: string }).code ?? 'UNKNOWN');
    const list = byCode.get(code) ?? [];
    if (list.push(s) === 1) byCode.set(code, list);
  }
  const lines: string[] = [];
  for (const [code, list] of byCode) {
    lines.push(`  ${list.length} failed with ${code}${list.length > EXAMPLES ? `, e.g.` : ':'}`);
    for (const s of list.slice(0, EXAMPLES)) lines.push(`    ${s.path}  ${errorLine(s.error)}`);
  }
  return lines;
}

export function summaryLines(job: JobRecord): string[] {
  const lines: string[] = [];
  const summary = job.summary as Record<string, unknown> | null;
  if (summary && typeof summary === 'object') {
    for (const [k, v] of Object.entries(summary)) {
      if (Array.isArray(v)) {
        lines.push(`  ${k}: ${v.length}`);
        for (const item of v.slice(0, 20)) lines.push(`    - ${typeof item === 'object' ? Object.values(item as object).filter((x) => typeof x !== 'object').join(' | ') : String(item)}`);
        if (v.length > 20) lines.push(`    ... and ${v.length - 20} more (recipes jobs show ${job.id} --json)`);
      } else if (v && typeof v === 'object') lines.push(`  ${k}: ${brief(v)}`);
      else lines.push(`  ${k}: ${String(v)}`);
    }
  }
  const error = job.error as { code?: string; message?: string; hint?: string } | null;
  if (error) {
    lines.push(`  error ${error.code}: ${error.message}`);
    if (error.hint) lines.push(`  ${error.hint}`);
  }
  return lines;
}
