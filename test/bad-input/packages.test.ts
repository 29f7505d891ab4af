/**
 * Malformed packages (one mutation each of the valid fixture, see ./package-mutations.ts): `loadPackage`
 * answers each with problems that point at a file:line:col and say what is wrong in a short sentence, or
 * with a model - never an exception, never a long wait, never a change to Object.prototype.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadPackage, type LoadResult } from '../../src/engine/loader/load-package.js';
import { testRegistry } from '../fixtures/connectors/test-connector.js';
import { mutations } from './package-mutations.js';

const VALID = 'test/fixtures/packages/valid';
/** Wall-clock budget of one load; the loader is synchronous, so this is checked after it returns. */
const BUDGET_MS = 5_000;
/** A problem quotes at most a little of the user's text: a 1 MB value must not come back in a message. */
const MAX_MESSAGE = 1_000;

describe('bad input: malformed packages', function () {
  this.timeout(30_000);
  let root: string;
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'recipes-bad-packages-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it(`has at least 30 mutations`, () => {
    expect(mutations.length).to.be.at.least(30);
  });

  it('loads the unmutated fixture (the mutations start from a valid package)', () => {
    const dir = join(root, 'unmutated');
    cpSync(VALID, dir, { recursive: true });
    expect(loadPackage(dir, testRegistry).problems).to.deep.equal([]);
  });

  mutations.forEach((m, i) => {
    it(`${m.name}: ${m.expect === 'either' ? 'a model or clear problems' : m.expect === 'ok' ? 'a model' : 'clear problems'}`, () => {
      const dir = join(root, `case-${i}`);
      cpSync(VALID, dir, { recursive: true });
      m.apply(dir);
      const started = performance.now();
      let result: LoadResult;
      try {
        result = loadPackage(dir, testRegistry);
      } catch (error) {
        throw new Error(`loadPackage threw on '${m.name}': ${(error as Error).stack ?? String(error)}`);
      }
      const elapsed = performance.now() - started;
      expect(elapsed, 'load time in ms').to.be.below(m.budgetMs ?? BUDGET_MS);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(protoKeys);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);

      if (m.expect === 'ok') expect(result.problems.map((p) => `${p.line}:${p.col} ${p.message.slice(0, 200)}`)).to.deep.equal([]);
      if (m.expect === 'error') expect(result.problems, 'problems').to.not.be.empty;
      if (m.code) expect(result.problems.map((p) => p.code)).to.include(m.code);
      expect(result.model === undefined).to.equal(result.problems.length > 0);
      for (const p of result.problems) {
        expect(p.file, 'problem file').to.be.a('string').and.include(dir.split('/').pop());
        expect(p.line, 'problem line').to.be.a('number').and.at.least(1);
        expect(p.col, 'problem col').to.be.a('number').and.at.least(1);
        expect(p.message, 'problem message').to.be.a('string').and.not.equal('');
        expect(p.message.length, `message length of '${p.message.slice(0, 120)}...'`).to.be.at.most(MAX_MESSAGE);
        expect(p.path.length, 'problem path length').to.be.at.most(MAX_MESSAGE);
        expect(p.code, 'problem code').to.match(/^[A-Z][A-Z_]+$/);
      }
    });
  });
});
