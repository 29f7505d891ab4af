/**
 * Per-step records of a job, written in batches: one transaction per batch, one multi-row INSERT per chunk,
 * keeps 100k rows well under a second.
 */
import type { Insertable } from 'kysely';
import { errorToJson, fromJson, toJson } from './json.js';
import type { Db, StepsTable } from './schema.js';
import { jobNotFound } from './store-errors.js';

export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'planned' | 'stopped';

export interface StepRecord {
  /** Order within the job; unique per job. */
  seq: number;
  stepId: string;
  /** Where in the recipe, e.g. "each[3].create". */
  path: string;
  status: StepStatus;
  /** Already redacted by the caller: the store writes what it is given. */
  input?: unknown;
  output?: unknown;
  error?: unknown;
  startedAt: string;
  durationMs: number;
}

/**
 * Rows per INSERT: 10 bind parameters each, so 3,000 rows stay under both SQLite's 32,766 and
 * PostgreSQL's 65,535 parameters per statement.
 */
export const ROWS_PER_INSERT = 3000;

export class Steps {
  constructor(private readonly db: Db) {}

  /** All rows or none. Throws JOB_NOT_FOUND when the job does not exist. */
  async add(jobId: number, rows: readonly StepRecord[]): Promise<void> {
    if (rows.length === 0) return;
    const values: Insertable<StepsTable>[] = rows.map((s) => ({
      job_id: jobId,
      seq: s.seq,
      step_id: s.stepId,
      path: s.path,
      status: s.status,
      input: toJson(s.input),
      output: toJson(s.output),
      error: errorToJson(s.error),
      started_at: s.startedAt,
      duration_ms: Math.round(s.durationMs),
    }));
    try {
      if (values.length <= ROWS_PER_INSERT) {
        await this.db.insertInto('steps').values(values).execute();
        return;
      }
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < values.length; i += ROWS_PER_INSERT) {
          await trx.insertInto('steps').values(values.slice(i, i + ROWS_PER_INSERT)).execute();
        }
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw jobNotFound(jobId);
      throw error;
    }
  }

  /** The highest `seq` recorded for the job, 0 when none: a job run again continues after it. */
  async lastSeq(jobId: number): Promise<number> {
    const row = await this.db.selectFrom('steps').select((eb) => eb.fn.max('seq').as('n')).where('job_id', '=', jobId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async get(jobId: number): Promise<StepRecord[]> {
    const rows = await this.db
      .selectFrom('steps')
      .select(['seq', 'step_id', 'path', 'status', 'input', 'output', 'error', 'started_at', 'duration_ms'])
      .where('job_id', '=', jobId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => {
      const step: StepRecord = { seq: r.seq, stepId: r.step_id, path: r.path, status: r.status as StepStatus, startedAt: r.started_at, durationMs: r.duration_ms };
      if (r.input !== null) step.input = fromJson(r.input);
      if (r.output !== null) step.output = fromJson(r.output);
      if (r.error !== null) step.error = fromJson(r.error);
      return step;
    });
  }
}

/** SQLite's and PostgreSQL's (23503) codes for a row pointing at a missing parent. */
function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
