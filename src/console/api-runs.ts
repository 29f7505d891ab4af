/**
 * The API's runs: a test run, a rerun and the admin's link decision. A run answers once its job exists
 * (202 with the id, so the page can show it live), or with the reason it was refused before a job was made.
 */
import { RecipeError } from '../engine/errors.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { JobRecord } from '../engine/store/index.js';
import type { ApiReply, ConsoleState } from './api.js';
import { errorReply } from './api-errors.js';

const ok = (body: unknown, status = 200): ApiReply => ({ status, body });

/**
 * Starts `run` and answers with the first job of `recipe` that `ours` accepts, or with the run's refusal
 * (needs unmet: 400; the recipe busy in any process: 409). A job that fails before its steps (a property
 * missing) exists: 202, and the live view shows it failed with its reason.
 */
async function answerOnStart(
  rt: Runtime,
  recipe: string,
  run: Promise<JobRecord | undefined>,
  ours: (e: { jobId: number; test: boolean }) => boolean | Promise<boolean>,
  none: string,
): Promise<ApiReply> {
  let onStart: ((e: { jobId: number; recipe: string; test: boolean }) => void) | undefined;
  const started = new Promise<number>((resolve) => {
    onStart = (e) => {
      if (e.recipe !== recipe) return;
      void Promise.resolve(ours(e)).then((yes) => yes && resolve(e.jobId), () => undefined);
    };
    rt.on('job:start', onStart);
  });
  try {
    const first = await Promise.race([started.then((id) => ({ id })), run.then((job) => ({ job }))]);
    if ('id' in first) return ok({ jobId: first.id }, 202);
    return first.job ? ok({ jobId: first.job.id }, 202) : ok({ jobId: null, message: none });
  } catch (error) {
    return errorReply(error);
  } finally {
    if (onStart) rt.off('job:start', onStart);
  }
}

export async function startTest(rt: Runtime, state: ConsoleState, name: string, body: { dryRun?: boolean; force?: boolean }): Promise<ApiReply> {
  rt.recipe(name);
  if (state.testing.has(name)) return { status: 409, body: { error: { code: 'TEST_RUNNING', message: `A test run of ${name} is already running.` } } };
  const run = rt.test(name, { dryRun: body.dryRun === true, force: body.force === true });
  const settled = run.finally(() => state.testing.delete(name));
  state.testing.set(name, settled.catch(() => undefined));
  return answerOnStart(rt, name, settled, (e) => e.test, `${name}: no unprocessed event after the cursor; no job was created.`);
}

/** `recipes jobs rerun ID`: the past job's trigger data through the current recipe, test or not as it was. */
export async function rerun(rt: Runtime, id: number): Promise<ApiReply> {
  const past = await rt.job(id);
  rt.recipe(past.recipe);
  const run = rt.rerun(id);
  // Ends in the job record; a refusal (busy) is answered by answerOnStart, the rest is the job's own story.
  run.catch(() => undefined);
  return answerOnStart(rt, past.recipe, run, async (e) => (await rt.job(e.jobId)).rerunOf === id, '');
}

/** The admin's decision on an employee held as a possible duplicate: the package's `link` recipe, as `recipes link`. */
export async function link(rt: Runtime, body: unknown): Promise<ApiReply> {
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

export function stringBody(body: unknown, key: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string') throw new RecipeError('BODY_INVALID', `The request body must be JSON with a string '${key}'.`, { kind: 'user' });
  return value;
}
