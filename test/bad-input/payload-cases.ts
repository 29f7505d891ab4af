/**
 * Malformed GoCo and WIW answers. Each case gives the employees GoCo lists (the first, `good`, is always
 * fine) and the route answers it replaces. `expect`:
 * - `skip`: the job goes on; the bad record is listed in goco's `invalid` and nothing is written for it;
 * - `error`: the job fails with a coded error (`code` when given) and a plain message;
 * - `ok`: the job succeeds (the odd value is acceptable as it is).
 * `sent` (skip/ok): the exact first/last name the create for the second employee must carry, when one is made.
 */
import { readFileSync } from 'node:fs';
import { gocoEmployee, type Reply, type Routes } from './fake-api.js';

export interface PayloadCase {
  name: string;
  /** @default [the good employee] */
  employees?: unknown[];
  routes?: Routes;
  expect: 'skip' | 'error' | 'ok';
  code?: string | RegExp;
  sent?: { first_name: string; last_name: string };
}

const good = gocoEmployee(1);
const bad = (over: Record<string, unknown>): unknown[] => [good, gocoEmployee(2, over)];
const without = (field: string): unknown[] => {
  const e = gocoEmployee(2);
  delete e[field];
  return [good, e];
};

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/bad-payloads/${name}`, import.meta.url), 'utf8');
const html = (status: number): Reply => ({ status, contentType: 'text/html', body: fixture('error-page.html') });
const raw = (body: string, contentType = 'application/json', status = 200): Reply => ({ status, contentType, body });

const MB = 'x'.repeat(1024 * 1024);
const HTML_NAME = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

export const payloadCases: PayloadCase[] = [
  // GoCo records: one bad employee next to a good one.
  { name: 'goco firstName is a number', employees: bad({ firstName: 42 }), expect: 'skip' },
  { name: 'goco firstName is missing', employees: without('firstName'), expect: 'skip' },
  { name: 'goco firstName is null', employees: bad({ firstName: null }), expect: 'skip' },
  { name: 'goco firstName is an object', employees: bad({ firstName: { toString: 'x' } }), expect: 'skip' },
  { name: 'goco lastName is a list', employees: bad({ lastName: ['Last'] }), expect: 'skip' },
  { name: 'goco workEmail is a number', employees: bad({ workEmail: 42 }), expect: 'skip' },
  { name: 'goco status is unknown', employees: bad({ status: 'zombie' }), expect: 'skip' },
  { name: 'goco status is missing', employees: without('status'), expect: 'skip' },
  { name: 'goco updatedAt is not a time', employees: bad({ updatedAt: 'yesterday' }), expect: 'skip' },
  { name: 'goco id is missing', employees: without('id'), expect: 'skip' },
  { name: 'goco id is a number', employees: bad({ id: 5 }), expect: 'skip' },
  { name: 'goco record is a string', employees: [good, 'Bilbo Baggins'], expect: 'skip' },
  { name: 'goco record is null', employees: [good, null], expect: 'skip' },
  { name: 'goco record is a list', employees: [good, [gocoEmployee(2)]], expect: 'skip' },
  { name: 'goco hourlyRate is a number as a string', employees: bad({ hourlyRate: '18.50' }), expect: 'skip' },
  { name: 'goco syncToWhenIWork is "yes"', employees: bad({ syncToWhenIWork: 'yes' }), expect: 'skip' },
  { name: 'goco employeeNumber is a number (kept as text)', employees: bad({ employeeNumber: 1042 }), expect: 'ok', sent: { first_name: 'First2', last_name: 'Last2' } },
  { name: 'goco names in unicode and emoji (sent as they are)', employees: bad({ firstName: 'Zoë 🌻', lastName: '日本語 Ñandú' }), expect: 'ok', sent: { first_name: 'Zoë 🌻', last_name: '日本語 Ñandú' } },
  { name: 'goco HTML in names (sent as plain text, not interpreted)', employees: bad({ firstName: HTML_NAME, lastName: '<b>Bold</b> &amp;' }), expect: 'ok', sent: { first_name: HTML_NAME, last_name: '<b>Bold</b> &amp;' } },
  { name: 'goco 1 MB lastName', employees: bad({ lastName: MB }), expect: 'ok', sent: { first_name: 'First2', last_name: MB } },
  { name: 'goco mobilePhone is not a phone number', employees: bad({ mobilePhone: 'call me maybe' }), expect: 'ok', sent: { first_name: 'First2', last_name: 'Last2' } },
  { name: 'goco workEmail is not an email', employees: bad({ workEmail: 'not-an-email', personalEmail: '@@' }), expect: 'ok', sent: { first_name: 'First2', last_name: 'Last2' } },
  // GoCo envelopes.
  { name: 'goco {"data": null}', routes: { 'GET /goco/employees': { body: { data: null } } }, expect: 'error', code: 'GOCO_BAD_RESPONSE' },
  { name: 'goco data is a string', routes: { 'GET /goco/employees': { body: { data: 'employees' } } }, expect: 'error', code: 'GOCO_BAD_RESPONSE' },
  { name: 'goco a bare list', routes: { 'GET /goco/employees': { body: [gocoEmployee(1)] } }, expect: 'error', code: 'GOCO_BAD_RESPONSE' },
  { name: 'goco truncated JSON', routes: { 'GET /goco/employees': raw('{"data": [{"id": "00000000-0000-4000-8000-0000') }, expect: 'error', code: /^(GOCO|HTTP)_BAD_RESPONSE$/ },
  { name: 'goco an HTML page with 200', routes: { 'GET /goco/employees': html(200) }, expect: 'error', code: /^(GOCO|HTTP)_BAD_RESPONSE$/ },
  { name: 'goco an HTML error page with 500', routes: { 'GET /goco/employees': html(500) }, expect: 'error', code: 'HTTP_STATUS' },
  { name: 'goco an empty body', routes: { 'GET /goco/employees': raw('') }, expect: 'error', code: 'GOCO_BAD_RESPONSE' },
  { name: 'goco JSON sent as text/plain (content type is not trusted either way)', routes: { 'GET /goco/employees': { contentType: 'text/plain', body: { data: [good], pagination: { limit: 100, offset: 0, total: 1 } } } }, expect: 'ok' },
  { name: 'goco pagination.total is a word', routes: { 'GET /goco/employees': { body: { data: [good], pagination: { limit: 'many', offset: 0, total: 'lots' } } } }, expect: 'ok' },
  { name: 'goco 1 MB of garbage', routes: { 'GET /goco/employees': raw(`{"data": "${MB}`) }, expect: 'error', code: /^(GOCO|HTTP)_BAD_RESPONSE$/ },
  // WIW answers.
  { name: 'wiw {"users": null}', routes: { 'GET /wiw/2/users': { body: { users: null } } }, expect: 'error', code: 'WIW_BAD_RESPONSE' },
  { name: 'wiw users list with non-object entries', routes: { 'GET /wiw/2/users': { body: { users: [1, 'x', null, []] } } }, expect: 'error', code: 'INPUT_INVALID' },
  { name: 'wiw user with a non-numeric id and numeric email (matches nobody)', routes: { 'GET /wiw/2/users': { body: { users: [{ id: 'abc', email: 42, first_name: 7, employee_code: { x: 1 } }] } } }, expect: 'ok' },
  { name: 'wiw users is an empty body', routes: { 'GET /wiw/2/users': raw('') }, expect: 'error', code: 'WIW_BAD_RESPONSE' },
  { name: 'wiw users is an HTML page with 200', routes: { 'GET /wiw/2/users': html(200) }, expect: 'error', code: /^(WIW|HTTP)_/ },
  { name: 'wiw login answers without a token', routes: { 'POST /wiw/login': { body: { person: { id: 1 } } } }, expect: 'error', code: 'WIW_BAD_RESPONSE' },
  { name: 'wiw login answers truncated JSON', routes: { 'POST /wiw/login': raw('{"token": "abc') }, expect: 'error', code: /^(WIW|HTTP)_/ },
  { name: 'wiw login answers a token that is a number', routes: { 'POST /wiw/login': { body: { token: 12345 } } }, expect: 'error', code: 'WIW_BAD_RESPONSE' },
  { name: 'wiw /2/login users is null', routes: { 'GET /wiw/2/login': { body: { users: null } } }, expect: 'error', code: 'WIW_BAD_RESPONSE' },
  { name: 'wiw /2/login is an HTML error page (500)', routes: { 'GET /wiw/2/login': html(500) }, expect: 'error', code: /^(WIW|HTTP)_/ },
  { name: 'wiw account is a string', routes: { 'GET /wiw/2/account': { body: { account: 'Fake Co' } } }, expect: 'error', code: 'WIW_BAD_RESPONSE' },
  { name: 'wiw account seats as strings (seats unknown)', routes: { 'GET /wiw/2/account': { body: { account: { id: 7, seats: '100', users_count: '1' } } } }, expect: 'ok' },
  { name: 'wiw create answers {}', routes: { 'POST /wiw/2/users': { body: {} } }, expect: 'error', code: /^(WIW_BAD_RESPONSE|ITEMS_FAILED|[A-Z_]+)$/ },
  { name: 'wiw create answers an HTML page with 200', routes: { 'POST /wiw/2/users': html(200) }, expect: 'error', code: /^[A-Z_]+$/ },
];
