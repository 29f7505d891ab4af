/**
 * Runs one job: a recipe's steps over one trigger event. Steps write their output into the job scope
 * under their id; expressions read it. Every step execution is reported to `onStep` (the recorder decides
 * what to keep) and the outcome says how the job ended and why.
 */
import { RecipeError, serializeError, type SerializedError } from '../errors.js';
import { WHOLE_SCOPE } from '../expressions/index.js';
import type { Step } from '../model.js';
import { sleep } from '../sleep.js';
import { forRecord } from './redact.js';
import { itemSignalOf, runForeach } from './foreach.js';
import { validateInput } from './input.js';
import { JobStopped, StopSignal, type JobEnv, type JobOutcome, type Scope, type StepStatus } from './job-env.js';

export type { JobEnv, JobOutcome } from './job-env.js';

export class Interpreter {
  private seq = 0;
  /** Item failures under `on_item_error: continue` or `break_on`; they fail the job once it has done the rest. */
  itemFailures = 0;
  /** Set by a loop whose items stopped on CIRCUIT_OPEN: the job's error says so in one sentence. */
  outage?: { connector: string; done: number; total: number };

  constructor(readonly env: JobEnv) {}

  async run(): Promise<JobOutcome> {
    const { env } = this;
    const scope: Scope = {
      properties: env.properties,
      trigger: env.trigger,
      vars: {},
      mappings: env.mappingScope,
      job: { id: env.jobId, test: env.test, dry_run: env.dryRun, recipe: env.recipe.name },
    };
    let outcome: JobOutcome;
    try {
      await this.runSteps(env.recipe.steps, scope, '', true);
      outcome =
        this.outage !== undefined
          ? { status: 'failed', error: this.outageError(this.outage) }
          : this.itemFailures > 0
            ? { status: 'failed', error: { code: 'ITEMS_FAILED', kind: 'operational', message: `${this.itemFailures} item(s) failed; the job did everything else it could.` } }
            : { status: 'succeeded' };
    } catch (error) {
      outcome = this.outcomeOf(error);
    }
    outcome.summary = await this.summary(scope);
    return outcome;
  }

  private outageError(o: { connector: string; done: number; total: number }): SerializedError {
    const service = [...this.env.connections.values()].find((c) => c.connector.name === o.connector)?.connector.title ?? o.connector;
    const n = (x: number) => x.toLocaleString('en-US');
    return {
      code: 'SERVICE_UNAVAILABLE',
      kind: 'operational',
      message: `${service} stopped answering after ${n(o.done)} of ${n(o.total)}; nothing else was written; run again when it is back.`,
    };
  }

  private outcomeOf(error: unknown): JobOutcome {
    if (error instanceof StopSignal) {
      const failed = error.status === 'failed' || this.itemFailures > 0;
      return failed
        ? { status: 'failed', message: error.message, error: { code: 'STOPPED_BY_RECIPE', kind: 'operational', message: error.message || 'The recipe stopped the job as failed.' } }
        : { status: 'succeeded', message: error.message };
    }
    if (error instanceof JobStopped) return { status: 'stopped', message: JobStopped.MESSAGE };
    return { status: 'failed', error: serializeError(error) };
  }

  /**
   * The recipe's summary. One that fails (bad data, a limit) does not change how the job ended, as the work
   * is done, but it says why it is missing instead of vanishing.
   */
  private async summary(scope: Scope): Promise<Record<string, unknown> | undefined> {
    const { recipe } = this.env;
    if (!recipe.summary) return undefined;
    try {
      return (await recipe.summary.evaluate(scope)) as Record<string, unknown>;
    } catch (error) {
      const at = error instanceof RecipeError && typeof error.details.path === 'string' ? `summary${error.details.path.replace(/\//g, '.')}` : 'summary';
      const message = `${at} in ${recipe.file} could not be computed: ${error instanceof Error ? error.message : String(error)}`;
      this.env.logger.warn({ err: serializeError(error) }, message);
      return { summary_error: message };
    }
  }

  /** `record` is false inside foreach items past the recorder's sample, to keep job records small. */
  async runSteps(steps: readonly Step[], scope: Scope, prefix: string, record: boolean): Promise<void> {
    for (const step of steps) {
      if (this.env.signal.aborted || this.env.stopAfterStep?.aborted) throw new JobStopped();
      await this.runStep(step, scope, prefix, record);
    }
  }

  private async runStep(step: Step, scope: Scope, prefix: string, record: boolean): Promise<void> {
    const path = prefix ? `${prefix}.${step.id}` : step.id;
    const seq = ++this.seq;
    // A number, not a Date: most steps inside long loops are not recorded, and a Date per step adds up.
    const startedAt = Date.now();
    const t0 = performance.now();
    let input: unknown;
    let output: unknown;
    let status: StepStatus = 'succeeded';
    try {
      switch (step.kind) {
        case 'action': {
          input = await step.input.evaluate(scope);
          // A planned write is not called, and its input may hold stand-ins from earlier planned writes.
          if (!(this.env.dryRun && step.action.writes)) input = validateInput(step.action.input, input, step);
          output = await this.callAction(step, input, path, scope);
          if (output && typeof output === 'object' && (output as { dry_run?: unknown }).dry_run === true) status = 'planned';
          break;
        }
        case 'set': {
          output = await step.values.evaluate(scope);
          Object.assign(scope.vars as object, output);
          break;
        }
        case 'if': {
          const value = await step.condition.evaluate(scope);
          const branch = value ? 'then' : 'else';
          output = { branch, condition: Boolean(value) };
          await this.runSteps(value ? step.then : step.else, scope, `${path}.${branch}`, record);
          break;
        }
        case 'foreach':
          output = await runForeach(this, step, scope, path, record);
          break;
        case 'try':
          output = await this.runTry(step, scope, path, record);
          break;
        case 'stop': {
          const message = String((await step.message.evaluate(scope)) ?? '');
          output = { status: step.status, message };
          throw new StopSignal(step.status, message);
        }
      }
      scope[step.id] = output;
    } catch (error) {
      if (error instanceof StopSignal) {
        if (record) this.record({ seq, step, path, status: 'succeeded', input, output, startedAt, t0 });
        throw error;
      }
      status = error instanceof JobStopped ? 'stopped' : 'failed';
      this.record({ seq, step, path, status, input, output, error, startedAt, t0 });
      throw error;
    }
    if (record) this.record({ seq, step, path, status, input, output, startedAt, t0 });
  }

  private async callAction(step: Extract<Step, { kind: 'action' }>, input: unknown, path: string, scope: Scope): Promise<unknown> {
    const { env } = this;
    const itemSignal = itemSignalOf(scope);
    if (env.dryRun && step.action.writes) {
      return { dry_run: true, planned: input, ...(step.action.plan ? (step.action.plan(input) as object) : {}) };
    }
    try {
      const ctx = env.context({ connection: step.connection, path, action: step.actionName, ...(itemSignal ? { itemSignal } : {}) });
      // Only a step with per-record expressions (the records steps) gets their evaluator.
      if (step.records !== undefined) ctx.recordExpression = (source, name) => bindRecordExpression(step, scope, source, name);
      return await step.action.run(input, ctx);
    } catch (error) {
      if (error instanceof RecipeError) throw error;
      throw new RecipeError('ACTION_FAILED', `${step.actionName} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error, kind: 'bug', details: { step: step.where } });
    }
  }

  private async runTry(step: Extract<Step, { kind: 'try' }>, scope: Scope, path: string, record: boolean): Promise<unknown> {
    const policy = step.retry;
    const attempts = policy?.attempts ?? 1;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.runSteps(step.body, scope, `${path}.try`, record);
        return { attempts: attempt, caught: false };
      } catch (error) {
        if (error instanceof StopSignal || error instanceof JobStopped) throw error;
        last = error;
        const code = error instanceof RecipeError ? error.code : 'INTERNAL';
        const retryable = !policy?.on || policy.on.has(code);
        if (!retryable || attempt === attempts) break;
        const delay = (policy as NonNullable<typeof policy>).backoffMs * (policy as NonNullable<typeof policy>).factor ** (attempt - 1);
        this.env.logger.info({ step: path, attempt, delay, code }, 'retrying after a failed attempt');
        await sleep(delay, this.env.signal);
        if (this.env.signal.aborted) throw new JobStopped();
      }
    }
    if (step.catch.length === 0) throw last;
    const error: SerializedError = serializeError(last);
    scope.error = error;
    await this.runSteps(step.catch, scope, `${path}.catch`, record);
    return { attempts, caught: true, error };
  }

  /** Reports one step execution to the recorder; callers decide whether a step is recorded at all. */
  private record(
    r: { seq: number; step: Step; path: string; status: StepStatus; input?: unknown; output?: unknown; error?: unknown; startedAt: number; t0: number },
  ): void {
    const { env } = this;
    env.onStep({
      seq: r.seq,
      stepId: r.step.id,
      path: r.path,
      status: r.status,
      input: forRecord(r.input, env.secrets),
      output: forRecord(r.output, env.secrets),
      error: r.error === undefined ? undefined : forRecord({ ...serializeError(r.error), where: r.step.where }, env.secrets),
      startedAt: new Date(r.startedAt).toISOString(),
      durationMs: Math.round((performance.now() - r.t0) * 1000) / 1000,
    });
  }
}

export function runJob(env: JobEnv): Promise<JobOutcome> {
  return new Interpreter(env).run();
}

/** See ActionContext.recordExpression: one copy of the scope per binding, the record set before each call. */
function bindRecordExpression(step: Extract<Step, { kind: 'action' }>, scope: Scope, source: string, name: string): ((record: unknown) => unknown) & { reads: ReadonlySet<string> } {
  const expr = step.records?.[source];
  if (expr === undefined) {
    throw new RecipeError('RECORD_EXPRESSION_UNKNOWN', `Step '${step.id}' evaluates '${source}' per record, but it is not an expression written in the recipe.`, { kind: 'bug', details: { step: step.where } });
  }
  // A copy of the names the expression reads (all of the scope for one that reads `$` itself): a few keys
  // instead of every step's output, so each of 100,000 records costs a look-up in a small object.
  const local: Scope = {};
  if (expr.refs.has(WHOLE_SCOPE)) Object.assign(local, scope);
  else for (const ref of expr.refs) if (ref !== name && Object.prototype.propertyIsEnumerable.call(scope, ref)) local[ref] = scope[ref];
  return Object.assign((record: unknown) => {
    local[name] = record;
    return expr.evaluate(local);
  }, { reads: expr.refs });
}
