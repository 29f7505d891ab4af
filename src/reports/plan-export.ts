/**
 * A job's plan (or summary) as a file to hand to someone: CSV for a spreadsheet, JSON for a program. Built
 * from the job's summary, which the store keeps whole (step records are cut to their first items): each
 * summary list of people (`new_users`, `links`, `conflicts`, `held`, ...) gives one row per person, with
 * the list's name as the outcome; numbers and sentences (counts, `seats`) go to the JSON's `totals`.
 *
 * CSV: RFC 4180 (comma, CRLF, quotes doubled), UTF-8 with a byte-order mark so Excel reads accented
 * names, and a cell that a spreadsheet would run as a formula (= + - @ first) gets a leading apostrophe.
 */
import type { JobRecord } from '../engine/store/index.js';

export type ExportFormat = 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json'];

export interface PlanRow {
  outcome: string;
  [column: string]: unknown;
}

export interface PlanExport {
  recipe: string;
  job: number;
  dry_run: boolean;
  status: string;
  started_at: string;
  totals: Record<string, unknown>;
  people: PlanRow[];
}

/** Column order: outcome, employee, reason first; the rest as they first appear. */
const LEADING = ['outcome', 'employee', 'reason'];

export function planOf(job: JobRecord): PlanExport {
  const summary = job.summary && typeof job.summary === 'object' && !Array.isArray(job.summary) ? (job.summary as Record<string, unknown>) : {};
  const totals: Record<string, unknown> = {};
  const people: PlanRow[] = [];
  for (const [key, value] of Object.entries(summary)) {
    if (!Array.isArray(value)) {
      totals[key] = value;
      continue;
    }
    const outcome = key.replace(/_/g, ' ');
    for (const item of value) people.push(item && typeof item === 'object' && !Array.isArray(item) ? { outcome, ...(item as Record<string, unknown>) } : { outcome, employee: item });
  }
  return { recipe: job.recipe, job: job.id, dry_run: job.dryRun, status: job.status, started_at: job.startedAt, totals, people };
}

export function columnsOf(rows: readonly PlanRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...LEADING.filter((c) => c === 'outcome' || seen.has(c)), ...[...seen].filter((c) => !LEADING.includes(c))];
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(cellText).join('; ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function csvCell(value: unknown): string {
  let text = cellText(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const BOM = '\uFEFF';

export function renderPlan(plan: PlanExport, format: ExportFormat): string {
  if (format === 'json') return JSON.stringify(plan, null, 2) + '\n';
  const columns = columnsOf(plan.people);
  const lines = [columns.map(csvCell).join(','), ...plan.people.map((row) => columns.map((c) => csvCell(row[c])).join(','))];
  return BOM + lines.map((l) => l + '\r\n').join('');
}

/** e.g. all-employees-sync-job-12-plan.csv (a dry run) or employee-sync-job-7-summary.json */
export function exportFileName(job: JobRecord, format: ExportFormat): string {
  return `${job.recipe}-job-${job.id}-${job.dryRun ? 'plan' : 'summary'}.${format}`;
}
