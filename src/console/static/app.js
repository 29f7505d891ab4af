// The console's router: hash routes, one page at a time, one EventSource shared by all pages.
import { apiUrl, fill, h, clearNotice, notice, project } from './dom.js';
import { packagePage } from './page-package.js';
import { settingsPage } from './page-settings.js';
import { jobsPage, jobPage } from './page-jobs.js';

const routes = [
  [/^#?\/?$/, 'package', packagePage],
  [/^#\/settings$/, 'settings', settingsPage],
  [/^#\/jobs(?:\?(.*))?$/, 'jobs', (main, [query]) => jobsPage(main, [undefined, query])],
  [/^#\/recipe\/([\w.-]+)(?:\?(.*))?$/, 'jobs', jobsPage],
  [/^#\/job\/(\d+)$/, 'package', jobPage],
];

let current = null;

async function show() {
  current?.dispose?.();
  current = null;
  clearNotice();
  const main = document.getElementById('main');
  const hash = location.hash;
  const route = routes.find(([re]) => re.test(hash));
  if (!route) {
    fill(main, h('p', {}, 'No such page. ', h('a', { href: '#/' }, 'Back to the package')));
    return;
  }
  const [re, nav, page] = route;
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
  try {
    current = (await page(main, hash.match(re).slice(1))) ?? null;
  } catch (error) {
    fill(main, h('p', { class: 'error' }, error.message));
    if (error.status === 401) notice('Your session ended: open the address `recipes serve --console` printed again.', 'error');
  }
}

function connectLive() {
  const dot = document.getElementById('live');
  const source = new EventSource(apiUrl('events'));
  source.onopen = () => dot.classList.add('on');
  source.onerror = () => dot.classList.remove('on');
  for (const type of ['job:start', 'step', 'progress', 'job:end']) {
    source.addEventListener(type, (ev) => current?.onEvent?.(type, JSON.parse(ev.data)));
  }
}

/** With more than one project in the store, a picker in the header; a choice reloads the page in that project. */
async function projectPicker() {
  const res = await fetch('/api/projects', { credentials: 'same-origin' });
  if (!res.ok) return;
  const { current, projects } = await res.json();
  if (projects.length < 2) return;
  const shown = project() ?? current;
  const select = h('select', { 'aria-label': 'Project', onchange: () => location.assign(select.value === current ? '/' : `/?project=${encodeURIComponent(select.value)}`) },
    projects.map((name) => h('option', { value: name, selected: name === shown }, name)));
  const picker = document.getElementById('project-picker');
  fill(picker, h('label', {}, 'Project ', select));
  picker.hidden = false;
}

window.addEventListener('hashchange', show);
projectPicker().catch(() => undefined);
connectLive();
show();
