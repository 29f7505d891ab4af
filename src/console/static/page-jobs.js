// Job history per recipe, and the job page: summary (the dry-run plan as tables), each step's input and
// output as the store keeps them (redacted), the failing step marked, and a live view while it runs.
import { api, apiUrl, fill, badge, h, jobLabel, notice, secs, when } from './dom.js';
import { runTest } from './page-package.js';

const label = (key) => key.replace(/_/g, ' ');

function summaryCounts(job) {
  return Object.entries(job.summary ?? {}).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${label(k)} ${v}`).join(', ');
}

const OUTCOMES = ['succeeded', 'failed', 'stopped', 'running'];

/** `#/jobs?recipe=NAME&status=failed`, or `#/recipe/NAME?status=...` (a recipe's history, with its test buttons). */
function listHash(recipe, status) {
  const query = status ? `?status=${encodeURIComponent(status)}` : '';
  return recipe ? `#/recipe/${encodeURIComponent(recipe)}${query}` : `#/jobs${query}`;
}

/** The job list, filtered by recipe and outcome (the filters live in the address, so a view can be shared). */
export async function jobsPage(main, [name, query]) {
  const status = new URLSearchParams(query ?? '').get('status') || '';
  const path = () => `${name ? `recipes/${encodeURIComponent(name)}/jobs` : 'jobs'}${status ? `?status=${encodeURIComponent(status)}` : ''}`;
  const [pkg, jobs] = await Promise.all([api('GET', 'package'), api('GET', path())]);
  const recipe = name ? pkg.recipes.find((r) => r.name === name) : null;
  const filters = h('p', { class: 'filters' },
    h('label', {}, 'Recipe ', h('select', { name: 'recipe', onchange: (ev) => (location.hash = listHash(ev.target.value, status)) },
      h('option', { value: '' }, 'All recipes'), pkg.recipes.map((r) => h('option', { value: r.name, selected: r.name === name }, r.name)))), ' ',
    h('label', {}, 'Outcome ', h('select', { name: 'status', onchange: (ev) => (location.hash = listHash(name, ev.target.value)) },
      h('option', { value: '' }, 'Any outcome'), OUTCOMES.map((o) => h('option', { value: o, selected: o === status }, o)))));
  const render = () =>
    fill(main,
      h('p', {}, h('a', { href: '#/' }, '‹ Package')),
      h('h1', {}, recipe?.title ?? (name || 'Jobs')),
      h('p', { class: 'muted' }, `${name ? `${name} · job history` : 'All recipes'}${status ? ` · ${status} only` : ''} (latest 50)`),
      name ? h('p', {}, h('button', { class: 'primary', onclick: () => runTest(name, {}, { recipe }) }, 'Test recipe'), ' ', h('button', { onclick: () => runTest(name, { dryRun: true }) }, 'Plan (dry run)')) : null,
      filters,
      jobs.length === 0 ? h('p', { class: 'muted' }, status || name ? 'No jobs match.' : 'No jobs yet.') :
        h('table', { class: 'jobs' },
          h('thead', {}, h('tr', {}, ['Job', 'Recipe', 'Status', 'Kind', 'Started', 'Took', 'Summary'].map((t) => h('th', {}, t)))),
          h('tbody', {}, jobs.map((j) => h('tr', { 'data-job': j.id },
            h('td', {}, h('a', { href: `#/job/${j.id}` }, `#${j.id}`)), h('td', {}, j.recipe), h('td', {}, badge(j.status)), h('td', {}, jobLabel(j) || 'run'),
            h('td', {}, when(j.startedAt)), h('td', {}, secs(j.durationMs)), h('td', { class: 'small' }, summaryCounts(j)))))));
  render();
  return {
    onEvent: async (type, data) => {
      if ((type === 'job:end' || type === 'job:start') && (!name || data.recipe === name)) {
        jobs.splice(0, jobs.length, ...(await api('GET', path())));
        render();
      }
    },
  };
}

/** Arrays of records in a summary become tables; numbers and strings a two-column table. */
function summaryView(summary, showEmpty) {
  if (!summary || typeof summary !== 'object') return null;
  const entries = Object.entries(summary).filter(([, v]) => showEmpty || !Array.isArray(v) || v.length > 0);
  const scalars = entries.filter(([, v]) => v === null || typeof v !== 'object');
  const lists = entries.filter(([, v]) => Array.isArray(v));
  return h('div', { class: 'summary' },
    h('table', { class: 'counts' }, h('tbody', {}, scalars.map(([k, v]) => h('tr', { 'data-key': k }, h('th', {}, label(k)), h('td', {}, String(v)))))),
    lists.map(([k, items]) => h('section', { class: 'list', 'data-key': k },
      h('h3', {}, `${label(k)} (${items.length})`),
      items.length === 0 ? h('p', { class: 'muted small' }, 'none') : recordTable(items))));
}

function recordTable(items) {
  const cols = [...new Set(items.flatMap((i) => (i && typeof i === 'object' ? Object.keys(i) : ['value'])))];
  return h('table', {},
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, label(c))))),
    h('tbody', {}, items.map((i) => h('tr', {}, cols.map((c) => h('td', {}, fmt(i && typeof i === 'object' ? i[c] : i)))))));
}

const fmt = (v) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A dry run's planned writes, grouped by loop: who would be created, linked, reactivated. */
function plannedView(steps) {
  const planned = steps.filter((s) => s.status === 'planned');
  if (planned.length === 0) return null;
  const groups = new Map();
  for (const s of planned) {
    const key = s.path.replace(/\[\d+\]/g, '[]');
    if (!groups.has(key)) groups.set(key, []);
    // Every field that would be written: lists (locations, positions) and numbers (hourly rate) included.
    groups.get(key).push(s.input && typeof s.input === 'object' ? s.input : { value: s.input });
  }
  return h('section', { class: 'planned' }, h('h2', {}, 'Planned writes'), h('p', { class: 'muted' }, 'What the run would write. Nothing was written.'),
    [...groups].map(([key, rows]) => h('section', { class: 'list', 'data-planned': key },
      h('h3', {}, `${key.split('[')[0]}: ${rows.length} planned `, h('code', { class: 'muted small' }, key)), recordTable(rows))));
}

/** Employees held as possible duplicates, each with the admin's two choices (the `recipes link` of the CLI). */
function heldView(held, rerender) {
  if (!Array.isArray(held) || held.length === 0) return null;
  const decide = (h, body, what) => async (ev) => {
    if (!window.confirm(what)) return;
    ev.target.disabled = true;
    try {
      await api('POST', 'link', { employee: h.employee_key, ...body });
      h.decided = body.create ? 'Will be created by the next all-employees-sync.' : `Linked to When I Work user ${h.wiw_user_id}.`;
      notice(`${h.employee}: ${h.decided}`, 'ok');
      rerender();
    } catch (error) {
      ev.target.disabled = false;
      notice(error.message, 'error', error.hint);
    }
  };
  return h('section', { class: 'held list', 'data-key': 'held-decisions' }, h('h2', {}, `Possible duplicates (${held.length})`),
    h('p', { class: 'muted' }, 'Not created: a When I Work user with no employee code has the same name. Link them if it is the same person, or create the employee anyway.'),
    h('table', {}, h('tbody', {}, held.map((x) => h('tr', { 'data-employee': x.employee_key },
      h('td', {}, x.employee), h('td', { class: 'small' }, x.reason),
      h('td', {}, x.decided ? x.decided : [
        h('button', { class: 'primary', onclick: decide(x, { wiw_user: x.wiw_user_id }, `Link ${x.employee} to When I Work user ${x.wiw_user_id}? This writes the employee code ${x.employee_key} into that user.`) }, `Link to WIW user ${x.wiw_user_id}`), ' ',
        h('button', { onclick: decide(x, { create: true }, `Create ${x.employee} anyway, beside When I Work user ${x.wiw_user_id}? The next all-employees-sync creates them.`) }, 'Create anyway')]))))));
}

/**
 * `recipes jobs rerun ID` from the job page: asks first with the warning the CLI prints, then opens the new
 * job. A recipe another job runs now answers 409 with that job's number.
 */
async function rerun(data, ev) {
  const { job, rerunWarning } = data;
  if (!window.confirm(`Rerun job ${job.id} (${job.recipe}) now?\n\nWarning: ${rerunWarning}`)) return;
  ev.target.disabled = true;
  try {
    const res = await api('POST', `jobs/${job.id}/rerun`);
    location.hash = `#/job/${res.jobId}`;
  } catch (error) {
    ev.target.disabled = false;
    notice(error.message, 'error', error.hint);
  }
}

/** The same files as `recipes test --dry-run --format csv|json --output FILE`, to hand to someone. */
function downloads(job) {
  const what = job.dryRun ? 'the plan' : 'the summary';
  return h('p', { class: 'downloads' }, `Download ${what}: `,
    h('a', { href: apiUrl(`jobs/${job.id}/plan.csv`), download: '', 'data-download': 'csv' }, 'CSV (spreadsheet, one row per person)'), ' · ',
    h('a', { href: apiUrl(`jobs/${job.id}/plan.json`), download: '', 'data-download': 'json' }, 'JSON'));
}

function stepRow(s, firstFailed) {
  const failed = s.status === 'failed';
  const depth = (s.path.match(/\./g) ?? []).length;
  const detail = (name, v) => (v === undefined ? null : h('details', {}, h('summary', {}, name), h('pre', {}, JSON.stringify(v, null, 2))));
  return h('li', { class: `step ${s.status}${s === firstFailed ? ' first-failure' : ''}`, 'data-path': s.path, id: s === firstFailed ? 'failing-step' : null },
    h('div', { class: 'step-head' }, h('span', { class: 'indent' }, ' '.repeat(depth * 2)), h('code', {}, s.path), ' ', badge(s.status), ' ', h('span', { class: 'muted small' }, secs(s.durationMs)),
      failed ? h('strong', { class: 'fail-mark' }, ' ✖ failed here') : null),
    failed && s.error ? h('p', { class: 'error' }, `${s.error.code ?? ''}: ${s.error.message ?? ''}`) : null,
    detail('input', s.input), detail('output', s.output), failed ? detail('error', s.error) : null);
}

export async function jobPage(main, [rawId]) {
  const id = Number(rawId);
  const progress = new Map();
  const liveSteps = [];
  let data = await api('GET', `jobs/${id}`);
  const live = h('section', { class: 'live-view' });

  const renderLive = () => {
    if (data.job.status !== 'running') return fill(live);
    fill(live, h('h2', {}, 'Running…'),
      h('button', { onclick: () => api('POST', `jobs/${id}/cancel`).catch((e) => notice(e.message, 'error')) }, 'Stop this job'),
      [...progress.values()].map((p) => h('div', { class: 'progress', 'data-step': p.step }, h('span', {}, `${p.step}: ${p.done}${p.total ? ` of ${p.total}` : ''}`), p.total ? h('progress', { max: p.total, value: p.done }) : null)),
      h('ol', { class: 'live-steps' }, liveSteps.slice(-15).map((s) => h('li', {}, h('code', {}, s.path), ' ', badge(s.status)))));
  };

  const render = () => {
    const { job, steps } = data;
    const firstFailed = steps.find((s) => s.status === 'failed');
    fill(main, 
      h('p', {}, h('a', { href: `#/recipe/${encodeURIComponent(job.recipe)}` }, `‹ ${job.recipe} history`)),
      h('h1', {}, `Job #${job.id} `, badge(job.status)),
      h('p', { class: 'muted' }, `${job.recipe} · ${jobLabel(job) || 'run'} · started ${when(job.startedAt)} · took ${secs(job.durationMs)}`),
      job.status !== 'running' && !job.dryRun && data.rerunWarning ? h('p', { class: 'rerun' }, h('button', { onclick: (ev) => rerun(data, ev) }, 'Rerun'),
        h('span', { class: 'muted small' }, ' ', data.rerunWarning)) : null,
      job.dryRun ? h('p', { class: 'plan-note' }, h('strong', {}, 'Dry run: '), 'this is the plan. Nothing was written to When I Work. ',
        h('button', { class: 'primary', onclick: () => runTest(job.recipe, {}, { plan: job }) }, 'Run it for real')) : null,
      live,
      job.error ? h('div', { class: 'error-box' }, h('strong', {}, job.error.code ?? 'Error'), ' ', job.error.message ?? '', job.error.hint ? h('div', { class: 'hint' }, job.error.hint) : null,
        firstFailed ? h('div', {}, h('a', { href: `#/job/${id}`, onclick: (ev) => { ev.preventDefault(); document.getElementById('failing-step')?.scrollIntoView(); } }, 'Go to the failing step')) : null) : null,
      job.summary ? [h('h2', {}, job.dryRun ? 'Plan' : 'Summary'), downloads(job), summaryView(job.summary, job.dryRun || job.status === 'succeeded')] : null,
      heldView(job.summary?.held, render),
      job.dryRun ? plannedView(steps) : null,
      h('h2', {}, `Steps (${steps.length})`),
      h('ol', { class: 'steps' }, steps.map((s) => stepRow(s, firstFailed))));
    renderLive();
  };
  render();
  // The event stream can miss the end (it fired while this page was loading, or the stream dropped):
  // while the job runs, ask once a second as well.
  const timer = setInterval(async () => {
    if (data.job.status !== 'running') return;
    const next = await api('GET', `jobs/${id}`).catch(() => data);
    if (next.job.status !== 'running') {
      data = next;
      render();
    }
  }, 1000);
  return {
    dispose: () => clearInterval(timer),
    onEvent: async (type, e) => {
      if (e.jobId !== id && e.id !== id) return;
      if (type === 'progress') progress.set(e.step, e);
      if (type === 'step') liveSteps.push(e);
      if (type === 'job:end') {
        data = await api('GET', `jobs/${id}`);
        return render();
      }
      renderLive();
    },
  };
}
