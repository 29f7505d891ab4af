/**
 * A package checked once by a build loads from dist/.package-cache without YAML or expressions, and the model
 * is the one the full load builds; anything new or changed is checked in full, so an invalid package is
 * refused exactly as before.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectors } from '../../../src/connectors/index.js';
import { isRecipeError } from '../../../src/engine/errors.js';
import { loadCheckedPackage, type PackageCache } from '../../../src/engine/loader/checked-package.js';
import { loadPackageOrThrow } from '../../../src/engine/loader/load-package.js';
import type { ConnectorRegistry } from '../../../src/engine/types.js';
import { testRegistry } from '../../fixtures/connectors/test-connector.js';

/** Plain data for comparing models: getters read, sets as lists, functions (compiled evaluators) by name. */
function plain(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value === 'function') return `[function ${value.name}]`;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[seen]'; // connector definitions are shared by every connection and step
  seen.add(value);
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return value.map((v) => plain(v, seen));
  if (typeof (value as { has?: unknown }).has === 'function' && Symbol.iterator in value) return [...(value as Iterable<unknown>)].map((v) => plain(v, seen));
  return Object.fromEntries(Object.keys(value).map((k) => [k, plain((value as Record<string, unknown>)[k], seen)]));
}

describe('loadCheckedPackage: packages checked once by this build', () => {
  let dir: string;
  let cache: PackageCache;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checked-package-'));
    cache = { dir: join(dir, 'cache'), buildId: 'test-build' };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string, ConnectorRegistry][] = [
    ['the shipped package', 'recipes/wiw-provisioning', connectors],
    ['the valid fixture', 'test/fixtures/packages/valid', testRegistry],
  ];
  for (const [what, pkg, registry] of cases) {
    it(`${what}: the remembered model is the full load's (every recipe, trigger, step and connection)`, () => {
      const first = loadCheckedPackage(pkg, registry, cache);
      expect(readdirSync(cache.dir)).to.have.length(1);
      const again = loadCheckedPackage(pkg, registry, cache);
      expect(plain(again)).to.deep.equal(plain(loadPackageOrThrow(pkg, registry)));
      expect(plain(first)).to.deep.equal(plain(again));
      expect(Object.isFrozen(again.recipes[again.recipeOrder[0]!])).to.equal(true);
    });
  }

  it('checks a changed package in full: an edit that breaks an expression is refused with its problem, and not remembered', () => {
    const pkg = join(dir, 'pkg');
    cpSync('test/fixtures/packages/valid', pkg, { recursive: true });
    loadCheckedPackage(pkg, testRegistry, cache);
    const recipe = join(pkg, 'manual.yaml');
    const text = readFileSync(recipe, 'utf8');
    const broken = text.replace('"=$count(people.items) > 0"', '"=$count(people.items) >"');
    expect(broken).to.not.equal(text);
    writeFileSync(recipe, broken);
    let error: unknown;
    try {
      loadCheckedPackage(pkg, testRegistry, cache);
    } catch (e) {
      error = e;
    }
    expect(isRecipeError(error) && error.code).to.equal('PACKAGE_INVALID');
    expect((error as Error).message).to.match(/manual\.yaml:\d+:\d+/);
    expect(readdirSync(cache.dir)).to.have.length(1);
    writeFileSync(recipe, text);
    loadCheckedPackage(pkg, testRegistry, cache);
    expect(readdirSync(cache.dir)).to.have.length(1);
  });

  it('another build checks again', () => {
    loadCheckedPackage('test/fixtures/packages/valid', testRegistry, cache);
    loadCheckedPackage('test/fixtures/packages/valid', testRegistry, { ...cache, buildId: 'next-build' });
    expect(readdirSync(cache.dir)).to.have.length(2);
  });

  it('a cache folder that cannot be written only means a full load each time', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const model = loadCheckedPackage('test/fixtures/packages/valid', testRegistry, { dir: join(file, 'cache'), buildId: 'b' });
    expect(model.recipeOrder).to.deep.equal(['manual', 'poll', 'after']);
  });

  it('with the build: `recipes list` on a remembered package loads neither yaml, JSONata nor ajv', function () {
    const main = 'dist/src/cli/main.js';
    if (!existsSync(main) || !existsSync('dist/build-id')) throw new Error('run `npm run build` first: this test runs the compiled CLI');
    const script = `
      const { createRequire } = await import('node:module');
      const { main } = await import('./${main}');
      await main(['--data-dir', process.argv[1], 'list']);
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules\\/(yaml|jsonata|ajv)\\//.test(f));
      process.stderr.write(JSON.stringify(loaded));`;
    const setup = spawnSync(process.execPath, ['bin/recipes.js', '--data-dir', dir, 'properties', 'set', 'name_match', 'create'], { encoding: 'utf8' });
    expect(setup.status, setup.stderr).to.equal(0);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('employee-sync');
    expect(JSON.parse(r.stderr)).to.deep.equal([]);
  });
});
