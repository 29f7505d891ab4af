/** Text a person reads: job results, step lists, tables. JSON output never goes through here. */
import type { JobRecord } from '../engine/store/index.js';
import type { StepRecord } from '../engine/interpreter/job-env.js';

const MARK: Record<string, string> = { succeeded: 'ok', failed: 'FAILED', planned: 'planned', skipped: 'skipped', stopped: 'stopped', running: 'running' };

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

export function stepLines(steps: StepRecord[], full: boolean): string[] {
  const lines: string[] = [];
  for (const s of steps) {
    const depth = s.path.split('.').length - 1;
    if (!full && depth > 0 && s.status !== 'failed') continue;
    const head = `${'  '.repeat(depth)}${(MARK[s.status] ?? s.status).padEnd(8)} ${s.path}  ${s.durationMs.toFixed(0)}ms`;
    lines.push(head + (full ? '' : `  ${brief(s.output)}`));
    if (s.error) {
      const e = s.error as { code?: string; message?: string; hint?: string; where?: string };
      lines.push(`${'  '.repeat(depth)}         error ${e.code}: ${e.message}`);
      if (e.hint) lines.push(`${'  '.repeat(depth)}         ${e.hint}`);
      if (e.where) lines.push(`${'  '.repeat(depth)}         at ${e.where}`);
    }
    if (full) {
      if (s.input !== undefined) lines.push(indent(`input: ${JSON.stringify(s.input, null, 2)}`, depth + 4));
      if (s.output !== undefined) lines.push(indent(`output: ${JSON.stringify(s.output, null, 2)}`, depth + 4));
    }
  }
  return lines;
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
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
