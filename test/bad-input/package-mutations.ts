/**
 * One mutation each of the valid fixture package (test/fixtures/packages/valid/). A mutation edits a copy in a
 * temp dir; `expect` says what the loader must answer: `error` (at least one problem), `ok` (a model), or
 * `either` (a model or problems - only "no exception, no hang, clear problems" is asserted).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Mutation {
  name: string;
  expect: 'error' | 'ok' | 'either';
  /** A problem code that must be among the problems. */
  code?: string;
  /** Wall-clock budget when the default (5 s) is too tight for a 2-core CI machine. */
  budgetMs?: number;
  apply(dir: string): void;
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
const write = (dir: string, file: string, text: string | Buffer): void => writeFileSync(join(dir, file), text);
/** Replaces the first `from` in `file`, failing loudly when the fixture no longer has it. */
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const text = read(dir, file);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`mutation found no ${String(from)} in ${file}`);
  write(dir, file, next);
}

const MB = 1024 * 1024;
const huge = (n = MB): string => 'x'.repeat(n);

/** A recipe with `depth` nested `try` steps (written as JSON, which is YAML). */
function nestedRecipe(depth: number): string {
  let steps: unknown[] = [{ id: 'leaf', action: 'test.echo', input: { text: 'deep' } }];
  for (let i = depth; i > 0; i--) steps = [{ id: `level_${i}`, try: steps }];
  return JSON.stringify({ kind: 'recipe', name: 'deep', title: 'Deep', trigger: { type: 'manual' }, steps });
}

function manySteps(n: number): string {
  const lines = ['kind: recipe', 'name: wide', 'title: Wide', 'trigger: { type: manual }', 'steps:'];
  for (let i = 0; i < n; i++) lines.push(`  - { id: s${i}, action: test.echo, input: { text: "=$string(${i})" } }`);
  return lines.join('\n') + '\n';
}

/** Adds a recipe file and lists it in package.yaml. */
function addRecipe(dir: string, name: string, text: string): void {
  write(dir, `${name}.yaml`, text);
  edit(dir, 'package.yaml', 'recipes: [manual, poll, after]', `recipes: [manual, poll, after, ${name}]`);
}

export const mutations: Mutation[] = [
  { name: 'empty package.yaml', expect: 'error', apply: (d) => write(d, 'package.yaml', '') },
  { name: 'empty recipe file', expect: 'error', apply: (d) => write(d, 'manual.yaml', '') },
  { name: 'binary garbage as package.yaml', expect: 'error', code: 'FILE_UNREADABLE',
    apply: (d) => write(d, 'package.yaml', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))) },
  { name: 'non-UTF-8 byte (latin-1 e-acute) in a title', expect: 'error', code: 'FILE_UNREADABLE',
    apply: (d) => write(d, 'manual.yaml', Buffer.concat([Buffer.from(read(d, 'manual.yaml').replace('title: Manual recipe', 'title: Caf')), Buffer.from([0xe9, 0x0a])])) },
  { name: 'a NUL byte in a file', expect: 'error', apply: (d) => write(d, 'manual.yaml', `${read(d, 'manual.yaml')}\u0000\n`) },
  { name: 'a folder named like a yaml file', expect: 'error', code: 'FILE_UNREADABLE', apply: (d) => mkdirSync(join(d, 'extra.yaml')) },
  { name: 'package.yaml is a folder', expect: 'error', code: 'FILE_UNREADABLE',
    apply: (d) => { rmSync(join(d, 'package.yaml')); mkdirSync(join(d, 'package.yaml')); } },
  { name: 'a YAML alias bomb (billion laughs)', expect: 'error', code: 'YAML_SYNTAX', apply: (d) => write(d, 'bomb.yaml', [
    'a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]', 'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]', ''].join('\n')) },
  { name: 'a few harmless aliases', expect: 'ok', apply: (d) => edit(d, 'after.yaml', 'input: { key: fixed, value: 1 }', 'input: &in { key: fixed, value: 1 }\n  - { id: again, action: test.write, connection: main, input: *in }') },
  { name: 'a byte-order mark before package.yaml', expect: 'ok', apply: (d) => write(d, 'package.yaml', `\uFEFF${read(d, 'package.yaml')}`) },
  { name: 'CRLF line endings', expect: 'ok', apply: (d) => write(d, 'manual.yaml', read(d, 'manual.yaml').replace(/\n/g, '\r\n')) },
  { name: 'tabs as indentation', expect: 'error', code: 'YAML_SYNTAX', apply: (d) => write(d, 'manual.yaml', read(d, 'manual.yaml').replace(/^ {2}/gm, '\t')) },
  { name: 'a duplicate key', expect: 'error', code: 'YAML_SYNTAX', apply: (d) => edit(d, 'manual.yaml', 'title: Manual recipe', 'title: Manual recipe\ntitle: Again') },
  { name: 'JSON in a .yaml file', expect: 'ok', apply: (d) => write(d, 'after.yaml', JSON.stringify({
    kind: 'recipe', name: 'after', title: 'After', needs: ['manual'], trigger: { type: 'schedule', every: '1h' },
    steps: [{ id: 'write', action: 'test.write', connection: 'main', input: { key: 'fixed', value: 1 } }] })) },
  { name: 'truncated JSON in a .yaml file', expect: 'error', code: 'YAML_SYNTAX', apply: (d) => write(d, 'after.yaml', '{"kind": "recipe", "name": "after", "steps": [{"id": ') },
  { name: 'two YAML documents in one file', expect: 'error', apply: (d) => write(d, 'manual.yaml', `${read(d, 'manual.yaml')}---\nkind: recipe\n`) },
  { name: 'the document is a list', expect: 'error', apply: (d) => write(d, 'manual.yaml', '- kind: recipe\n- name: manual\n') },
  { name: 'the document is a scalar', expect: 'error', apply: (d) => write(d, 'manual.yaml', 'just some words\n') },
  { name: 'package.yaml is a number', expect: 'error', apply: (d) => write(d, 'package.yaml', '42\n') },
  { name: '1 MB recipe title', expect: 'ok', apply: (d) => edit(d, 'manual.yaml', 'title: Manual recipe', `title: ${huge()}`) },
  { name: '1 MB recipe name', expect: 'error', apply: (d) => edit(d, 'manual.yaml', 'name: manual', `name: ${huge()}`) },
  { name: '1 MB step id', expect: 'error', apply: (d) => edit(d, 'manual.yaml', 'id: people', `id: p${'e'.repeat(MB)}`) },
  { name: '1 MB expression', expect: 'either', budgetMs: 15_000, apply: (d) => edit(d, 'manual.yaml', '"=properties.limit"', `"=${'1 + '.repeat(MB / 4)}1"`) },
  { name: '1 MB key in an action input', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'input: { key: fixed', `input: { ${huge()}: 1, key: fixed`) },
  { name: 'an expression nested 2,000 parentheses deep', expect: 'either', apply: (d) => edit(d, 'manual.yaml', '"=properties.limit"', `"=${'('.repeat(2000)}1${')'.repeat(2000)}"`) },
  { name: 'unicode and emoji in titles', expect: 'ok', apply: (d) => { edit(d, 'manual.yaml', 'title: Manual recipe', 'title: "Ünïcødé 日本語 🚀🔥 \u200d\u202e reversed"'); edit(d, 'package.yaml', 'title: Valid test package', 'title: Paquete ✓ 📦'); } },
  { name: 'emoji in a recipe name', expect: 'error', apply: (d) => { edit(d, 'manual.yaml', 'name: manual', 'name: manual🚀'); edit(d, 'package.yaml', 'recipes: [manual,', 'recipes: [manual🚀,'); } },
  { name: 'HTML in a title', expect: 'ok', apply: (d) => edit(d, 'manual.yaml', 'title: Manual recipe', `title: "<script>alert('x')</script><b>bold</b>"`) },
  { name: 'HTML in a recipe name', expect: 'error', apply: (d) => edit(d, 'manual.yaml', 'name: manual', 'name: "<img src=x onerror=alert(1)>"') },
  { name: 'steps is a string', expect: 'error', apply: (d) => edit(d, 'after.yaml', /steps:[\s\S]*$/, 'steps: "write everything"\n') },
  { name: 'steps is an empty list', expect: 'error', apply: (d) => edit(d, 'after.yaml', /steps:[\s\S]*$/, 'steps: []\n') },
  { name: 'a step id that is a number', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'id: write', 'id: 42') },
  { name: 'trigger is null', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'trigger: { type: schedule, every: 1h }', 'trigger: null') },
  { name: 'an unknown trigger type', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'type: schedule', 'type: cron') },
  { name: 'a duration that is not one', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'every: 1h', 'every: forever') },
  { name: 'a duration of 10^30 hours', expect: 'either', apply: (d) => edit(d, 'after.yaml', 'every: 1h', `every: 1${'0'.repeat(30)}h`) },
  { name: 'kind missing', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'kind: recipe\n', '') },
  { name: 'kind is a number', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'kind: recipe', 'kind: 42') },
  { name: 'properties is a list', expect: 'error', apply: (d) => edit(d, 'package.yaml', /properties:[\s\S]*?connections:/, 'properties: [prefix, token]\nconnections:') },
  { name: 'recipes is a string', expect: 'error', apply: (d) => edit(d, 'package.yaml', 'recipes: [manual, poll, after]', 'recipes: manual') },
  { name: 'concurrency is a word', expect: 'error', apply: (d) => edit(d, 'manual.yaml', 'concurrency: 2', 'concurrency: two') },
  { name: 'concurrency is negative', expect: 'error', apply: (d) => edit(d, 'manual.yaml', 'concurrency: 2', 'concurrency: -1') },
  { name: 'retry attempts is 1e308', expect: 'either', apply: (d) => edit(d, 'manual.yaml', 'attempts: 3', 'attempts: 1e308') },
  { name: 'an unknown YAML tag', expect: 'either', apply: (d) => edit(d, 'after.yaml', 'value: 1', 'value: !!js/function "function () { process.exit(1) }"') },
  { name: 'a __proto__ key in an input', expect: 'either', apply: (d) => edit(d, 'after.yaml', 'input: { key: fixed', 'input: { __proto__: { polluted: yes }, key: fixed') },
  { name: 'a __proto__ key at the top of package.yaml', expect: 'error', apply: (d) => write(d, 'package.yaml', `__proto__: { kind: package }\n${read(d, 'package.yaml')}`) },
  { name: 'an emoji key', expect: 'error', apply: (d) => edit(d, 'after.yaml', 'kind: recipe', 'kind: recipe\n🔑: value') },
  { name: 'steps nested 1,000 levels deep', expect: 'either', apply: (d) => addRecipe(d, 'deep', nestedRecipe(1000)) },
  { name: '10,000 steps', expect: 'ok', budgetMs: 15_000, apply: (d) => addRecipe(d, 'wide', manySteps(10_000)) },
  { name: 'a flow list of 50,000 items', expect: 'error', budgetMs: 15_000, apply: (d) => edit(d, 'after.yaml', 'needs: [manual]', `needs: [${Array.from({ length: 50_000 }, () => 'manual').join(', ')}]`) },
  { name: 'needs names a recipe twice', expect: 'either', apply: (d) => edit(d, 'after.yaml', 'needs: [manual]', 'needs: [manual, manual]') },
  { name: 'an unterminated quoted string', expect: 'error', code: 'YAML_SYNTAX', apply: (d) => edit(d, 'after.yaml', 'title: Recipe that needs the manual one', 'title: "Recipe that never ends') },
];
