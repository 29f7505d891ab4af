// The package page: connection cards (Connected, or why not) and a card per recipe with its menu.
import { api, fill, badge, h, jobLabel, notice, when } from './dom.js';

function connectionCard(conn, refresh) {
  const s = conn.status;
  const state = !s ? h('p', { class: 'status pending' }, 'Testing…')
    : s.ok ? h('p', { class: 'status ok' }, h('strong', {}, 'Connected'), ' ', s.message.replace(/^Connected\s*/, ''))
    : h('p', { class: 'status bad' }, h('strong', {}, 'Not connected'), ' ', s.message, s.hint ? h('span', { class: 'hint' }, ' ', s.hint) : null);
  const test = async (ev) => {
    ev.target.disabled = true;
    ev.target.textContent = 'Testing…';
    try {
      await api('POST', `connections/${encodeURIComponent(conn.name)}/test`);
    } finally {
      refresh();
    }
  };
  return h('section', { class: 'card connection', 'data-connection': conn.name },
    h('h3', {}, conn.title),
    h('p', { class: 'muted' }, `${conn.name} · authentication: ${conn.authLabel ?? conn.auth}`),
    state,
    s ? h('p', { class: 'muted small' }, `Tested ${when(s.at)}`) : null,
    h('button', { class: 'primary', onclick: test }, s?.ok ? 'Test connection' : 'Connect'));
}

/** Long platform-style titles (WIW_PROVISIONING_...) may wrap after each underscore, not mid-word. */
function breakable(title) {
  return title.split('_').flatMap((part, i) => (i === 0 ? [part] : ['_', h('wbr'), part]));
}

/**
 * A test run writes for real: a recipe that writes asks first (`recipe.writes`), and so does running a plan
 * for real (`plan`: the dry-run job; one that is not the recipe's latest job, or an hour old, may be out of date).
 */
export async function confirmRun(recipe, plan) {
  if (!plan && !recipe?.writes) return true;
  const title = recipe?.title ?? plan?.recipe;
  const lines = [`Run ${title} for real? It writes to the connected systems now; this cannot be undone from here.`];
  if (plan) {
    const jobs = await api('GET', `recipes/${encodeURIComponent(plan.recipe)}/jobs`).catch(() => []);
    const later = jobs.some((j) => j.id > plan.id);
    const age = Date.now() - new Date(plan.startedAt).getTime();
    if (later || age > 60 * 60 * 1000) {
      lines.push(`This plan is from ${when(plan.startedAt)}${later ? ' and other jobs ran since' : ''}: the data may have changed since. `
        + 'The run works from the data as it is now, not from this plan.');
    } else lines.push('The run works from the data as it is now, which is what this plan showed unless something changed since.');
  } else lines.push('Plan (dry run) shows what it would write without writing anything.');
  return window.confirm(lines.join('\n\n'));
}

export async function runTest(name, options, ask) {
  if (!options.dryRun && ask && !(await confirmRun(ask.recipe, ask.plan))) return;
  try {
    const res = await api('POST', `recipes/${encodeURIComponent(name)}/test`, options);
    if (res.jobId) location.hash = `#/job/${res.jobId}`;
    else notice(res.message);
  } catch (error) {
    if (error.code === 'NEEDS_UNMET') {
      notice(error.message, 'warn', 'Test those first, or run it anyway.');
      document.getElementById('notice').append(h('button', { class: 'link', onclick: () => runTest(name, { ...options, force: true }) }, 'Run anyway'));
    } else notice(error.message, 'error', error.hint);
  }
}

function recipeCard(r, refresh) {
  const act = (verb) => async () => {
    try {
      await api('POST', `recipes/${encodeURIComponent(r.name)}/${verb}`);
      notice(`${r.title} ${verb === 'start' ? 'started' : 'stopped'}.`, 'ok');
    } catch (error) {
      notice(error.message, 'error', error.hint);
    }
    refresh();
  };
  const state = r.running ? 'running' : 'stopped';
  const last = r.lastJob;
  // A chosen item closes the menu (a declined confirmation leaves the page as it was, menu included).
  const menu = h('details', { class: 'menu' },
    h('summary', { 'aria-label': `Actions for ${r.title}` }, 'Actions ▾'),
    h('div', { class: 'menu-items', onclick: (ev) => { if (ev.target.closest('button')) ev.currentTarget.closest('details').open = false; } },
      h('button', { onclick: act('start'), disabled: r.running }, 'Start recipe'),
      h('button', { onclick: act('stop'), disabled: !r.running }, 'Stop recipe'),
      h('button', { onclick: () => runTest(r.name, {}, { recipe: r }) }, 'Test recipe'),
      h('button', { onclick: () => runTest(r.name, { dryRun: true }) }, 'Plan (dry run)'),
      h('a', { href: `#/recipe/${encodeURIComponent(r.name)}` }, 'Job history')));
  return h('section', { class: `card recipe ${r.runLast ? 'run-last' : ''}`, 'data-recipe': r.name },
    h('div', { class: 'card-head' }, h('h3', {}, breakable(r.title)), menu),
    h('p', { class: 'muted' }, r.name, ' · trigger: ', r.trigger),
    r.description ? h('p', { class: 'desc' }, r.description) : null,
    r.runLast ? h('p', { class: 'run-last-note' }, h('strong', {}, 'Run last. '), r.runLast.replace(/^Run last: it/, 'It'),
      r.unmetNeeds.length ? h('span', { class: 'hint' }, ` Not yet succeeded: ${r.unmetNeeds.join(', ')}.`) : h('span', { class: 'hint' }, ' Both have succeeded.')) : null,
    h('p', { class: 'state' }, r.manual && !r.running ? [badge('manual'), h('span', { class: 'hint' }, ' runs when you test it')] : badge(state), r.stoppedReason && !r.running ? h('span', { class: 'hint' }, ' ', r.stoppedReason) : null),
    // The bulk sync is planned before it runs: one click to the plan (who would be created, linked, held).
    r.planFirst ? h('p', { class: 'plan-first' }, h('button', { class: 'primary', onclick: () => runTest(r.name, { dryRun: true }) }, 'Test with dry run'),
      h('span', { class: 'hint' }, ' shows the plan; nothing is written')) : null,
    h('p', { class: 'last-job' }, 'Last job: ', last
      ? [h('a', { href: `#/job/${last.id}` }, `#${last.id}`), ' ', badge(last.status), ' ', jobLabel(last), ' · ', when(last.startedAt)]
      : 'none yet'));
}

export async function packagePage(main) {
  let disposed = false;
  const render = async () => {
    const pkg = await api('GET', 'package');
    if (disposed) return;
    fill(main, 
      h('h1', {}, pkg.title),
      pkg.description ? h('p', { class: 'desc' }, pkg.description) : null,
      h('h2', {}, 'Connections'),
      h('div', { class: 'grid' }, pkg.connections.map((c) => connectionCard(c, render))),
      h('h2', {}, 'Recipes'),
      h('div', { class: 'grid' }, pkg.recipes.map((r) => recipeCard(r, render))));
    // A connection nobody has tested in this console yet is tested once, so the card says Connected or why not.
    const untested = pkg.connections.filter((c) => !c.status);
    if (untested.length) {
      await Promise.all(untested.map((c) => api('POST', `connections/${encodeURIComponent(c.name)}/test`).catch(() => undefined)));
      if (!disposed) await render();
    }
  };
  await render();
  return {
    onEvent: (type) => {
      if (type === 'job:end' || type === 'job:start') render().catch(() => undefined);
    },
    dispose: () => (disposed = true),
  };
}
