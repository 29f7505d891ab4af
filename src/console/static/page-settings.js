// Settings -> Project properties. Secrets arrive masked (the server never sends them); a new secret is
// sent one way and the row shows the mask again.
import { api, fill, h, notice, when } from './dom.js';

function valueCell(p) {
  if (p.source === 'unset') return h('span', { class: 'muted' }, p.required ? 'not set (required)' : 'not set');
  return h('span', {}, h('code', {}, p.display), p.source === 'default' ? h('span', { class: 'muted' }, ' (default)') : null);
}

function editor(p, done) {
  const field = h('input', {
    type: p.secret ? 'password' : 'text',
    name: p.name,
    autocomplete: p.secret ? 'new-password' : 'off',
    placeholder: p.secret ? 'Type a new value (the current one is never shown)' : '',
    'aria-label': p.title,
  });
  if (!p.secret && p.source === 'set') field.value = p.display ?? '';
  const form = h('form', { class: 'edit', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('PUT', `properties/${encodeURIComponent(p.name)}`, { value: field.value });
      notice(`${p.title} saved.`, 'ok');
      done();
    } catch (error) {
      notice(error.message, 'error', error.hint);
    }
  } },
  field, h('button', { type: 'submit', class: 'primary' }, 'Save'), h('button', { type: 'button', onclick: done }, 'Cancel'));
  setTimeout(() => field.focus());
  return form;
}

export async function settingsPage(main) {
  const render = async () => {
    const props = await api('GET', 'properties');
    const rows = props.map((p) => {
      const row = h('tr', { 'data-property': p.name });
      const cell = h('td', { class: 'value' }, valueCell(p));
      const pencil = h('button', { class: 'pencil', title: `Edit ${p.title}`, 'aria-label': `Edit ${p.title}`, onclick: () => fill(cell, editor(p, render)) }, '✎');
      const reset = p.source === 'set' ? h('button', { class: 'link', title: 'Remove the value', onclick: async () => {
        await api('DELETE', `properties/${encodeURIComponent(p.name)}`).catch((e) => notice(e.message, 'error'));
        render();
      } }, 'clear') : null;
      row.append(
        h('td', {}, h('strong', {}, p.title), p.secret ? h('span', { class: 'tag' }, 'secret') : null, h('div', { class: 'muted small' }, p.name), p.description ? h('div', { class: 'muted small' }, p.description) : null),
        cell,
        h('td', { class: 'actions' }, pencil, reset),
        h('td', { class: 'muted small' }, p.updatedAt ? when(p.updatedAt) : ''));
      return row;
    });
    fill(main, 
      h('h1', {}, 'Project properties'),
      h('p', { class: 'muted' }, 'Settings of the package. Secrets are encrypted at rest and never shown again once saved.'),
      h('table', { class: 'props' }, h('thead', {}, h('tr', {}, h('th', {}, 'Property'), h('th', {}, 'Value'), h('th', {}, ''), h('th', {}, 'Updated'))), h('tbody', {}, rows)));
  };
  await render();
}
