// Settings -> Project properties, each edited by its declared type: a boolean as a switch, an enum as a
// choice, a number as a number field, text with the pencil. A secret is write-only: the page shows "set" or
// "not set" (the server never sends its value) and a new value is sent one way. The server checks every
// value by the rules of `recipes properties set` and answers 400 with the reason.
import { api, fill, h, notice, when } from './dom.js';

async function save(p, value, done) {
  try {
    await api('PUT', `properties/${encodeURIComponent(p.name)}`, { value });
    notice(`${p.title} saved.`, 'ok');
    done();
  } catch (error) {
    notice(error.message, 'error', error.hint);
    return false;
  }
  return true;
}

const fromDefault = (p) => (p.source === 'default' ? h('span', { class: 'muted small' }, ' (default)') : null);

/** On or off at once: a switch applies when flipped. */
function switchControl(p, done) {
  const on = p.source !== 'unset' && p.display === 'true';
  const box = h('input', { type: 'checkbox', role: 'switch', 'aria-label': p.title, checked: on, onchange: async () => {
    box.disabled = true;
    if (!(await save(p, box.checked, done))) {
      box.checked = !box.checked;
      box.disabled = false;
    }
  } });
  return h('label', { class: 'switch' }, box, h('span', { class: 'track' }), ' ', h('span', {}, p.source === 'unset' ? 'not set' : on ? 'On' : 'Off'), fromDefault(p));
}

/** One of the declared values, applied when chosen. */
function choiceControl(p, done) {
  const select = h('select', { 'aria-label': p.title, onchange: () => save(p, select.value, done) },
    p.source === 'unset' ? h('option', { value: '', disabled: true, selected: true }, 'not set: choose') : null,
    (p.values ?? []).map((v) => h('option', { value: String(v), selected: p.source !== 'unset' && String(v) === p.display }, String(v))));
  return h('span', {}, select, fromDefault(p));
}

function valueCell(p, edit) {
  if (p.type === 'boolean') return switchControl(p, edit.done);
  if (p.type === 'enum') return choiceControl(p, edit.done);
  if (p.secret) return h('span', { class: `secret-state ${p.set ? 'set' : 'unset'}` }, p.set ? 'set' : p.required ? 'not set (required)' : 'not set');
  if (p.source === 'unset') return h('span', { class: 'muted' }, p.required ? 'not set (required)' : 'not set');
  return h('span', {}, h('code', {}, p.display), fromDefault(p));
}

/** The pencil's form: a password field for a secret, a number field for a number, else text. */
function editor(p, done) {
  const number = p.type === 'integer' || p.type === 'number';
  const field = h('input', {
    type: p.secret ? 'password' : number ? 'number' : 'text',
    name: p.name,
    autocomplete: p.secret ? 'new-password' : 'off',
    placeholder: p.secret ? (p.set ? 'Type a new value (the current one is never shown)' : 'Type the value') : '',
    'aria-label': p.title,
    step: number ? (p.type === 'integer' ? '1' : 'any') : null,
    min: p.min,
    max: p.max,
  });
  if (!p.secret && p.source !== 'unset') field.value = p.display ?? '';
  // novalidate: the server's message (the rules of `properties set`) says what is wrong and gives an example.
  const form = h('form', { class: 'edit', novalidate: true, onsubmit: (ev) => {
    ev.preventDefault();
    save(p, field.value, done);
  } },
  field, h('button', { type: 'submit', class: 'primary' }, 'Save'), h('button', { type: 'button', onclick: done }, 'Cancel'));
  setTimeout(() => field.focus());
  return form;
}

function bounds(p) {
  if (p.min === undefined && p.max === undefined) return null;
  return h('div', { class: 'muted small' }, [p.min !== undefined ? `at least ${p.min}` : null, p.max !== undefined ? `at most ${p.max}` : null].filter(Boolean).join(', '));
}

export async function settingsPage(main) {
  const render = async () => {
    const props = await api('GET', 'properties');
    const rows = props.map((p) => {
      const row = h('tr', { 'data-property': p.name, 'data-type': p.type });
      const edit = { done: render };
      const cell = h('td', { class: 'value' }, valueCell(p, edit));
      const inline = p.type === 'boolean' || p.type === 'enum';
      const pencil = inline ? null : h('button', { class: 'pencil', title: `Edit ${p.title}`, 'aria-label': `Edit ${p.title}`, onclick: () => fill(cell, editor(p, render)) }, '✎');
      const reset = p.source === 'set' ? h('button', { class: 'link', title: p.default !== undefined ? 'Back to the default' : 'Remove the value', onclick: async () => {
        await api('DELETE', `properties/${encodeURIComponent(p.name)}`).catch((e) => notice(e.message, 'error'));
        render();
      } }, 'clear') : null;
      row.append(
        h('td', {}, h('strong', {}, p.title), p.secret ? h('span', { class: 'tag' }, 'secret') : null, h('div', { class: 'muted small' }, `${p.name} · ${p.type}`),
          p.description ? h('div', { class: 'muted small' }, p.description) : null, bounds(p)),
        cell,
        h('td', { class: 'actions' }, pencil, reset),
        h('td', { class: 'muted small' }, p.updatedAt ? when(p.updatedAt) : ''));
      return row;
    });
    fill(main,
      h('h1', {}, 'Project properties'),
      h('p', { class: 'muted' }, 'Settings of the package. Secrets are encrypted at rest and never shown again once saved: the page says only whether each is set.'),
      h('table', { class: 'props' }, h('thead', {}, h('tr', {}, h('th', {}, 'Property'), h('th', {}, 'Value'), h('th', {}, ''), h('th', {}, 'Updated'))), h('tbody', {}, rows)));
  };
  await render();
}
