/**
 * The console's JSON API: each route is one call into the engine's `Runtime`, the same API the CLI
 * uses. Nothing here plans, matches or syncs. Secret property values never leave: the Runtime's property
 * views are already masked, and a secret is only ever written (PUT), never read back.
 */
import { RecipeError, serializeError } from '../engine/errors.js';
import { authLabel } from '../engine/runtime/connections.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { Step } from '../engine/model.js';
import type { JobStatus } from '../engine/store/index.js';
import { exportFileName, planOf, renderPlan, type ExportFormat } from '../reports/plan-export.js';
import { rerunWarning } from '../reports/rerun-warning.js';
import { errorReply } from './api-errors.js';
import { listProperties, setProperty, typed } from './api-properties.js';
import { link, rerun, startTest } from './api-runs.js';
import type { ProjectContext } from './projects.js';

export { errorReply };

export interface ApiRequest {
  method: string;
  /** Path segments after /api/ (or /api/projects/NAME/), decoded. */
  parts: string[];
  query?: URLSearchParams;
  body: unknown;
}

export interface ApiReply {
  status: number;
  body: unknown;
  /** A download instead of JSON: sent with Content-Disposition: attachment. */
  file?: { name: string; type: string; text: string };
}

export interface ConnectionStatus {
  ok: boolean;
  message: string;
  code?: string;
  hint?: string;
  at: string;
}

/** Per-console memory the engine does not keep: the last connection test, the test runs in flight. */
export class ConsoleState {
  readonly connections = new Map<string, ConnectionStatus>();
  readonly testing = new Map<string, Promise<unknown>>();
}

const ok = (body: unknown, status = 200): ApiReply => ({ status, body });

/** Whether running these steps for real may write (an action flagged `writes`, at any depth). */
function writes(steps: readonly Step[]): boolean {
  return steps.some((s) =>
    s.kind === 'action' ? s.action.writes === true
    : s.kind === 'if' ? writes(s.then) || writes(s.else)
    : s.kind === 'foreach' ? writes(s.steps)
    : s.kind === 'try' ? writes(s.body) || writes(s.catch)
    : false);
}

/** Whether a condition reads the trigger's data: a manual recipe that does wants input (link's employee). */
function readsTrigger(steps: readonly Step[]): boolean {
  return steps.some((s) =>
    s.kind === 'if' ? s.condition.refs.has('trigger') || readsTrigger(s.then) || readsTrigger(s.else)
    : s.kind === 'foreach' ? readsTrigger(s.steps)
    : s.kind === 'try' ? readsTrigger(s.body) || readsTrigger(s.catch)
    : false);
}

const STATUSES: readonly JobStatus[] = ['running', 'succeeded', 'failed', 'stopped'];

/** `GET jobs?recipe=NAME&status=failed`: the latest 50 that match. */
async function jobList(rt: Runtime, recipe: string | undefined, query: URLSearchParams | undefined): Promise<ApiReply> {
  const name = recipe ?? (query?.get('recipe') || undefined);
  const status = query?.get('status') || undefined;
  if (status !== undefined && !STATUSES.includes(status as JobStatus)) {
    throw new RecipeError('JOB_STATUS_INVALID', `'${status}' is not an outcome: use one of ${STATUSES.join(', ')}.`, { kind: 'user' });
  }
  return ok(await rt.jobs(name, 50, status as JobStatus | undefined));
}

/** A job with its steps and what a rerun of it would do (the warning `recipes jobs rerun` prints). */
async function jobView(rt: Runtime, id: number) {
  const job = await rt.job(id);
  let warning: string | null = null;
  try {
    warning = rerunWarning(rt, job);
  } catch {
    warning = null; // the recipe left the package: a rerun is refused with the reason
  }
  return { job, steps: await rt.steps(id), rerunWarning: warning };
}

async function recipesView(rt: Runtime) {
  const views = [];
  for (const r of await rt.recipes()) {
    const recipe = rt.recipe(r.name);
    views.push({
      ...r,
      manual: recipe.trigger.type === 'manual',
      /** A test run of a recipe that writes asks first. */
      writes: writes(recipe.steps),
      /** The card's "Test with dry run": a manual recipe that writes and needs no input shows its plan first. */
      planFirst: recipe.trigger.type === 'manual' && writes(recipe.steps) && !readsTrigger(recipe.steps),
      /** A recipe with `needs` runs after them; the card says so and why. */
      runLast: r.needs.length > 0 ? `Run last: it needs ${r.needs.join(' and ')} to have succeeded first.` : null,
      unmetNeeds: await rt.unmetNeeds(r.name),
    });
  }
  return views;
}

async function packageView(rt: Runtime, state: ConsoleState) {
  return {
    name: rt.package.name,
    title: rt.package.title,
    description: rt.package.description,
    connections: Object.values(rt.package.connections).map((c) => ({ name: c.name, title: c.title, description: c.description, auth: c.auth, authLabel: authLabel(c), status: state.connections.get(c.name) ?? null })),
    recipes: await recipesView(rt),
  };
}

function jobId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new RecipeError('JOB_UNKNOWN', `There is no job ${String(raw)}.`, { kind: 'user' });
  return id;
}

async function testConnection(rt: Runtime, state: ConsoleState, name: string): Promise<ApiReply> {
  if (!rt.package.connections[name]) throw new RecipeError('CONNECTION_UNKNOWN', `The package has no connection '${name}'.`, { kind: 'user' });
  const at = new Date().toISOString();
  let status: ConnectionStatus;
  try {
    status = { ok: true, message: (await rt.testConnection(name)).message, at };
  } catch (error) {
    const e = serializeError(error);
    status = { ok: false, message: e.message, code: e.code, ...(e.hint ? { hint: e.hint } : {}), at };
  }
  state.connections.set(name, status);
  return ok(status);
}

/** The job's plan (or summary) as `recipes test --format F --output FILE` writes it. */
async function download(rt: Runtime, id: number, format: ExportFormat): Promise<ApiReply> {
  const job = await rt.job(id);
  const type = format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8';
  return { status: 200, body: null, file: { name: exportFileName(job, format), type, text: renderPlan(planOf(job), format) } };
}

export async function handleApi({ rt, state }: Pick<ProjectContext, 'rt' | 'state'>, req: ApiRequest): Promise<ApiReply> {
  const [a, b, c] = req.parts;
  const route = `${req.method} ${a ?? ''}${b === undefined ? '' : '/:'}${c === undefined ? '' : '/' + c}`;
  try {
    switch (route) {
      case 'GET package':
        return ok(await packageView(rt, state));
      case 'GET properties':
        return ok(await listProperties(rt));
      case 'PUT properties/:':
        return ok(await setProperty(rt, b!, req.body));
      case 'DELETE properties/:':
        await rt.properties.unset(b!);
        return ok(typed(rt, await rt.properties.get(b!)));
      case 'POST connections/:/test':
        return await testConnection(rt, state, b!);
      case 'GET jobs':
        return await jobList(rt, undefined, req.query);
      case 'GET recipes/:/jobs':
        return await jobList(rt, b!, req.query);
      case 'POST recipes/:/start':
      case 'POST recipes/:/stop':
        await rt[c as 'start' | 'stop'](b!);
        return ok((await recipesView(rt)).find((r) => r.name === b));
      case 'POST recipes/:/test':
        return await startTest(rt, state, b!, (req.body ?? {}) as { dryRun?: boolean; force?: boolean });
      case 'GET jobs/:':
        return ok(await jobView(rt, jobId(b)));
      case 'POST jobs/:/rerun':
        return await rerun(rt, jobId(b));
      case 'GET jobs/:/plan.csv':
      case 'GET jobs/:/plan.json':
        return download(rt, jobId(b), c === 'plan.csv' ? 'csv' : 'json');
      case 'POST link':
        return await link(rt, req.body);
      case 'POST jobs/:/cancel':
        return ok({ cancelled: rt.cancel(jobId(b)) });
      default:
        return { status: 404, body: { error: { code: 'NOT_FOUND', message: `No such API route: ${req.method} /api/${req.parts.join('/')}` } } };
    }
  } catch (error) {
    return errorReply(error);
  }
}
