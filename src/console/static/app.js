// The console's router: hash routes, one page at a time, one EventSource shared by all pages.
import { fill, h, clearNotice, notice } from './dom.js';
import { packagePage } from './page-package.js';
import { settingsPage } from './page-settings.js';
import { historyPage, jobPage } from './page-jobs.js';

const routes = [
  [/^#?\/?$/, 'package', packagePage],
  [/^#\/settings$/, 'settings', settingsPage],
  [/^#\/recipe\/([\w.-]+)$/, 'package', historyPage],
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
  const source = new EventSource('/api/events');
  source.onopen = () => dot.classList.add('on');
  source.onerror = () => dot.classList.remove('on');
  for (const type of ['job:start', 'step', 'progress', 'job:end']) {
    source.addEventListener(type, (ev) => current?.onEvent?.(type, JSON.parse(ev.data)));
  }
}

window.addEventListener('hashchange', show);
connectLive();
show();
