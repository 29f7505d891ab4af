// Tiny DOM and API helpers shared by the pages. Text always goes in as text nodes: nothing the server
// sends is parsed as HTML.

/** h('div', { class: 'x', onclick: fn }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children; arrays (and nested arrays) are flattened, null and false dropped. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return el;
}

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code;
    this.hint = error?.hint;
  }
}

/** The project the page shows (`/?project=NAME`), or null for the console's own. */
export function project() {
  return new URLSearchParams(location.search).get('project');
}

/** The API address of `path` in the page's project: /api/PATH, or /api/projects/NAME/PATH. */
export function apiUrl(path) {
  const p = project();
  return p ? `/api/projects/${encodeURIComponent(p)}/${path}` : `/api/${path}`;
}

export async function api(method, path, body) {
  const res = await fetch(apiUrl(path), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data.error);
  return data;
}

export function notice(text, kind = 'info', hint) {
  const el = document.getElementById('notice');
  fill(el, h('span', {}, text), hint ? h('span', { class: 'hint' }, ' ', hint) : null, h('button', { class: 'link', onclick: () => (el.hidden = true) }, 'Dismiss'));
  el.className = `notice ${kind}`;
  el.hidden = false;
}

export function clearNotice() {
  document.getElementById('notice').hidden = true;
}

export function when(iso) {
  if (!iso) return '-';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function secs(ms) {
  return ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(2)}s`;
}

export function badge(status) {
  return h('span', { class: `badge ${status}` }, status);
}

export function jobLabel(job) {
  return [job.test ? 'test' : null, job.dryRun ? 'dry run' : null, job.rerunOf ? `rerun of ${job.rerunOf}` : null].filter(Boolean).join(', ');
}
