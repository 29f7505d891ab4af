import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { isRecipeError } from '../../../src/engine/errors.js';
import { loadPackage, loadPackageOrThrow } from '../../../src/engine/loader/load-package.js';
import { formatProblem } from '../../../src/engine/loader/problem.js';
import type { PackageModel } from '../../../src/engine/model.js';
import { testConnector, testRegistry } from '../../fixtures/connectors/test-connector.js';

const validDir = 'test/fixtures/packages/valid';

describe('loadPackage: the valid fixture', () => {
  let model: PackageModel;

  before(() => {
    const result = loadPackage(validDir, testRegistry);
    expect(result.problems.map(formatProblem)).to.deep.equal([]);
    model = result.model as PackageModel;
  });

  it('keeps the recipes in package.yaml order', () => {
    expect(model.recipeOrder).to.deep.equal(['manual', 'poll', 'after']);
  });

  it('reads property declarations with their secret flag and defaults', () => {
    expect(model.properties.token).to.include({ secret: true, required: true, type: 'string' });
    expect(model.properties.limit).to.include({ type: 'integer', default: 3, secret: false });
  });

  it('adds the properties every project has (the runtime declares them): job_retention_days, an integer, 90 by default', () => {
    expect(model.properties.job_retention_days).to.include({ type: 'integer', default: 90, min: 1, secret: false, required: false });
  });

  it('binds the connection to the test connector and records the properties its settings read', () => {
    const main = model.connections.main!;
    expect(main.connector).to.equal(testConnector);
    expect([...main.properties].sort()).to.deep.equal(['prefix', 'token']);
  });

  it('compiles every step kind of the manual recipe, nested steps included', () => {
    const steps = model.recipes.manual!.steps;
    expect(steps.map((s) => `${s.id}:${s.kind}`)).to.deep.equal(['people:action', 'check:if', 'each:foreach', 'guarded:try', 'totals:set', 'done:stop']);
    const loop = steps[2]!;
    expect(loop.kind === 'foreach' && loop.steps[0]).to.include({ id: 'remember', kind: 'action', connection: '', actionName: 'mappings.put' });
  });

  it('gives each step its file:line:col', () => {
    expect(model.recipes.manual!.steps[1]!.where).to.equal(`${validDir}/manual.yaml:9:5`);
  });

  it('counts the properties read through the connections a recipe uses', () => {
    expect([...model.recipes.manual!.properties].sort()).to.deep.equal(['limit', 'prefix', 'token']);
  });

  it('resolves a poll trigger to its connector trigger and the only matching connection', () => {
    const trigger = model.recipes.poll!.trigger;
    expect(trigger).to.include({ type: 'poll', connection: 'main', source: 'test.counter', everyMs: 1000, batch: 5 });
    expect(trigger.type === 'poll' && trigger.trigger).to.equal(testConnector.triggers!.counter);
  });

  it('keeps needs and a schedule trigger', () => {
    expect(model.recipes.after).to.deep.include({ needs: ['manual'], trigger: { type: 'schedule', everyMs: 3_600_000 } });
  });

  it('declares the mappings', () => {
    expect(model.mappings).to.deep.equal(['thing']);
  });

  it('returns a frozen model', () => {
    expect(Object.isFrozen(model)).to.equal(true);
    expect(Object.isFrozen(model.recipes.manual!.steps)).to.equal(true);
  });
});

describe('loadPackage: missing folders and files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loader-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a folder that does not exist', () => {
    const { problems } = loadPackage(join(dir, 'nope'), testRegistry);
    expect(problems.map((p) => [p.code, p.message])).to.deep.equal([['PACKAGE_MISSING', 'no such package folder']]);
  });

  it('reports a folder without package.yaml', () => {
    const { problems } = loadPackage(dir, testRegistry);
    expect(problems.map((p) => [p.code, p.message])).to.deep.equal([['PACKAGE_MISSING', 'the package has no package.yaml']]);
  });

  it('reports a YAML file whose kind is neither connection nor recipe', async () => {
    const pkg = join(dir, 'kindless');
    await mkdir(pkg);
    await writeFile(join(pkg, 'package.yaml'), 'kind: package\nname: k\ntitle: K\nproperties: {}\nconnections: []\nrecipes: []\n');
    await writeFile(join(pkg, 'notes.yaml'), 'kind: note\n');
    const { problems } = loadPackage(pkg, testRegistry);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).to.deep.equal([
      `1:7 /kind: 'kind' must be "connection" or "recipe" (package.yaml is the only package file)`,
    ]);
  });
});

describe('loadPackage: a runtime property declared by a package', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loader-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused: its meaning is the runtime\'s', async () => {
    await writeFile(join(dir, 'package.yaml'), 'kind: package\nname: k\ntitle: K\nproperties:\n  job_retention_days: { title: Keep, type: string }\nconnections: []\nrecipes: []\n');
    const { problems } = loadPackage(dir, testRegistry);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).to.deep.equal([
      "5:3 /properties/job_retention_days: 'job_retention_days' is a property every project has (the runtime declares it); remove it from package.yaml",
    ]);
  });
});

describe('loadPackageOrThrow', () => {
  it('returns the model of a valid package', () => {
    expect(loadPackageOrThrow(validDir, testRegistry).name).to.equal('valid');
  });

  it('throws PACKAGE_INVALID listing every problem line', () => {
    const dir = 'test/fixtures/packages/invalid/unknown-action';
    let caught: unknown;
    try {
      loadPackageOrThrow(dir, testRegistry);
    } catch (error) {
      caught = error;
    }
    expect(isRecipeError(caught, 'PACKAGE_INVALID')).to.equal(true);
    expect((caught as Error).message).to.equal(
      `The package at ${dir} is invalid:\n${dir}/recipe.yaml:7:13 /steps/0/action: connector 'test' has no action 'ecko' (actions: echo, write, fail, flaky, wait, list, whoami)`,
    );
  });
});
