/**
 * The console's JSON API: each route is one call into the engine's `Runtime`, the same API the CLI
 * uses. Nothing here plans, matches or syncs. Secret property values never leave: the Runtime's property
 * views are already masked, and a secret is only ever written (PUT), never read back.
 */
import { RecipeError, serializeError, type SerializedError } from '../engine/errors.js';
import { authLabel } from '../engine/runtime/connections.js';
import { RunRefused } from '../engine/runtime/lease.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { Step } from '../engine/model.js';
import type { JobRecord } from '../engine/store/index.js';
import { exportFileName, planOf, renderPlan, type ExportFormat } from '../reports/plan-export.js';

export interface ApiRequest {
  method: string;
  /** Path segments after /api/, decoded. */
  parts: string[];
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

/** Another process runs the recipe: a conflict with the present state, not a failure of a service. */
const BUSY_CODES = new Set<string>([RunRefused.BUSY, RunRefused.EVENT_DONE]);

export function errorReply(error: unknown): ApiReply {
  const e = serializeError(error);
  const status =
    BUSY_CODES.has(e.code) ? 409
    : e.kind === 'user' ? (e.code.endsWith('_UNKNOWN') ? 404 : 400)
    : e.kind === 'bug' ? 500
    : 502;
  return { status, body: { error: publicError(e) } };
}

/** Code, message and hint only: details may hold values the admin did not ask to see in a browser. */
function publicError(e: SerializedError): { code: string; message: string; hint?: string } {
  return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}

/** Whether running these steps for real may write (an action flagged `writes`, at any depth). */
function writes(steps: readonly Step[]): boolean {
  return steps.some((s) =>
    s.kind === 'action' ? s.action.writes === true
    : s.kind === 'if' ? writes(s.then) || writes(s.else)
    : s.kind === 'foreach' ? writes(s.steps)
    : s.kind === 'try' ? writes(s.body) || writes(s.catch)
    : false);
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

/**
 * Starts a test run and answers once the job exists (202 with its id, for the live view) or the run
 * was refused before a job was made (needs unmet: 400; no event to process: 200). A job that fails before
 * its steps (a property missing) exists: 202, and the live view shows it failed with its reason.
 */
async function startTest(rt: Runtime, state: ConsoleState, name: string, body: { dryRun?: boolean; force?: boolean }): Promise<ApiReply> {
  rt.recipe(name);
  if (state.testing.has(name)) return { status: 409, body: { error: { code: 'TEST_RUNNING', message: `A test run of ${name} is already running.` } } };
  let onStart: ((e: { jobId: number; recipe: string; test: boolean }) => void) | undefined;
  const started = new Promise<number>((resolve) => {
    onStart = (e) => {
      if (e.recipe === name && e.test) resolve(e.jobId);
    };
    rt.on('job:start', onStart);
  });
  const run = rt.test(name, { dryRun: body.dryRun === true, force: body.force === true });
  const settled = run.finally(() => state.testing.delete(name));
  state.testing.set(name, settled.catch(() => undefined));
  try {
    const first = await Promise.race([started.then((id) => ({ id })), settled.then((job: JobRecord | undefined) => ({ job }))]);
    if ('id' in first) return ok({ jobId: first.id }, 202);
    return first.job ? ok({ jobId: first.job.id }, 202) : ok({ jobId: null, message: `${name}: no unprocessed event after the cursor; no job was created.` });
  } catch (error) {
    return errorReply(error);
  } finally {
    if (onStart) rt.off('job:start', onStart);
  }
}

/** The admin's decision on an employee held as a possible duplicate: the package's `link` recipe, as `recipes link`. */
async function link(rt: Runtime, body: unknown): Promise<ApiReply> {
  const b = (body && typeof body === 'object' ? body : {}) as { employee?: unknown; wiw_user?: unknown; create?: unknown };
  const employee = stringBody(body, 'employee');
  const create = b.create === true;
  if (create === (b.wiw_user !== undefined) || (!create && !Number.isSafeInteger(b.wiw_user))) {
    throw new RecipeError('BODY_INVALID', "Give either a When I Work user id ('wiw_user', a whole number) or 'create: true'.", { kind: 'user' });
  }
  const job = await rt.execute(rt.recipe('link'), create ? { employee, create } : { employee, wiw_user: b.wiw_user }, { test: true });
  if (job.status === 'succeeded') return ok({ job });
  const e = (job.error ?? {}) as { code?: string; message?: string };
  return { status: 400, body: { error: { code: e.code ?? 'LINK_FAILED', message: e.code === 'WIW_NOT_FOUND' ? `When I Work has no user ${String(b.wiw_user)}.` : e.message ?? 'The decision could not be applied.' }, job } };
}

function stringBody(body: unknown, key: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string') throw new RecipeError('BODY_INVALID', `The request body must be JSON with a string '${key}'.`, { kind: 'user' });
  return value;
}

/** The job's plan (or summary) as `recipes test --format F --output FILE` writes it. */
async function download(rt: Runtime, id: number, format: ExportFormat): Promise<ApiReply> {
  const job = await rt.job(id);
  const type = format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8';
  return { status: 200, body: null, file: { name: exportFileName(job, format), type, text: renderPlan(planOf(job), format) } };
}

export async function handleApi(rt: Runtime, state: ConsoleState, req: ApiRequest): Promise<ApiReply> {
  const [a, b, c] = req.parts;
  const route = `${req.method} ${a ?? ''}${b === undefined ? '' : '/:'}${c === undefined ? '' : '/' + c}`;
  try {
    switch (route) {
      case 'GET package':
        return ok(await packageView(rt, state));
      case 'GET properties':
        return ok(await rt.properties.list());
      case 'PUT properties/:':
        return ok(await rt.properties.set(b!, stringBody(req.body, 'value')));
      case 'DELETE properties/:':
        await rt.properties.unset(b!);
        return ok(await rt.properties.get(b!));
      case 'POST connections/:/test':
        return await testConnection(rt, state, b!);
      case 'GET jobs':
        return ok(await rt.jobs(undefined, 50));
      case 'GET recipes/:/jobs':
        return ok(await rt.jobs(b!, 50));
      case 'POST recipes/:/start':
      case 'POST recipes/:/stop':
        await rt[c as 'start' | 'stop'](b!);
        return ok((await recipesView(rt)).find((r) => r.name === b));
      case 'POST recipes/:/test':
        return await startTest(rt, state, b!, (req.body ?? {}) as { dryRun?: boolean; force?: boolean });
      case 'GET jobs/:': {
        const id = jobId(b);
        return ok({ job: await rt.job(id), steps: await rt.steps(id) });
      }
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
