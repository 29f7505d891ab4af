/** `--format csv|json --output FILE` of `recipes test` and `recipes jobs show`: a job's plan as a file. */
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../engine/errors.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import { EXPORT_FORMATS, planOf, renderPlan, type ExportFormat } from '../reports/plan-export.js';

export interface ExportOptions {
  format?: ExportFormat;
  output?: string;
}

export function addExportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'with --output: csv (a spreadsheet: one row per person, outcome and reason) or json').choices(EXPORT_FORMATS))
    .option('--output <file>', "write the job's plan (or summary) there; the format follows the file's extension unless --format says");
}

/** The file and format asked for, or undefined; bad usage (exit 2) before any job runs. */
export function exportTarget(opts: ExportOptions): { file: string; format: ExportFormat } | undefined {
  if (opts.output === undefined) {
    if (opts.format) throw new UserError('EXPORT_NO_OUTPUT', `--format ${opts.format} needs --output FILE (the file to write the plan to).`);
    return undefined;
  }
  const ext = extname(opts.output).slice(1).toLowerCase();
  const format = opts.format ?? (EXPORT_FORMATS as readonly string[]).find((f) => f === ext) as ExportFormat | undefined;
  if (!format) throw new UserError('EXPORT_FORMAT', `Cannot tell the format of ${opts.output}: pass --format csv or --format json.`);
  return { file: resolve(opts.output), format };
}

/** Writes the file (mode 0600: it names people) and says so on stderr, so stdout stays the job (or --json). */
export async function writeExport(rt: Runtime, jobId: number, target: { file: string; format: ExportFormat }): Promise<void> {
  const plan = planOf(await rt.job(jobId));
  try {
    writeFileSync(target.file, renderPlan(plan, target.format), { mode: 0o600 });
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException;
    throw new UserError('EXPORT_WRITE_FAILED', `Cannot write ${target.file} (${e.code ?? 'error'}: ${e.message}).`, { cause, hint: 'Pass --output with a file in a folder you can write to.' });
  }
  process.stderr.write(`${plan.dry_run ? 'plan' : 'summary'} of job ${jobId} written to ${target.file} (${target.format}, ${plan.people.length} ${plan.people.length === 1 ? 'person' : 'people'}).\n`);
}
