/** Per-step records of a job, written in batches: one transaction per batch keeps 100k rows well under a second. */
import type Database from 'better-sqlite3';
import { errorToJson, fromJson, toJson } from './json.js';
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

interface StepRow {
  seq: number;
  step_id: string;
  path: string;
  status: StepStatus;
  input: string | null;
  output: string | null;
  error: string | null;
  started_at: string;
  duration_ms: number;
}

export class Steps {
  private readonly insert: Database.Statement<unknown[]>;
  private readonly select: Database.Statement<[number], StepRow>;
  private readonly insertTx: (jobId: number, rows: readonly StepRecord[]) => void;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO steps (job_id, seq, step_id, path, status, input, output, error, started_at, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.select = db.prepare(
      `SELECT seq, step_id, path, status, input, output, error, started_at, duration_ms FROM steps WHERE job_id = ? ORDER BY seq`,
    );
    this.insertTx = db.transaction((jobId: number, rows: readonly StepRecord[]) => {
      for (const s of rows) {
        this.insert.run(
          jobId,
          s.seq,
          s.stepId,
          s.path,
          s.status,
          toJson(s.input),
          toJson(s.output),
          errorToJson(s.error),
          s.startedAt,
          Math.round(s.durationMs),
        );
      }
    });
  }

  /** All rows or none. Throws JOB_NOT_FOUND when the job does not exist. */
  add(jobId: number, rows: readonly StepRecord[]): void {
    try {
      this.insertTx(jobId, rows);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw jobNotFound(jobId);
      throw error;
    }
  }

  get(jobId: number): StepRecord[] {
    return this.select.all(jobId).map((r) => {
      const step: StepRecord = { seq: r.seq, stepId: r.step_id, path: r.path, status: r.status, startedAt: r.started_at, durationMs: r.duration_ms };
      if (r.input !== null) step.input = fromJson(r.input);
      if (r.output !== null) step.output = fromJson(r.output);
      if (r.error !== null) step.error = fromJson(r.error);
      return step;
    });
  }
}
