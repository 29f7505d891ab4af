import { expect } from 'chai';
import { connectors } from '../../../src/connectors/index.js';
import { loadPackage } from '../../../src/engine/loader/load-package.js';
import { formatProblem } from '../../../src/engine/loader/problem.js';
import type { PackageModel } from '../../../src/engine/model.js';
import type { ConnectorRegistry } from '../../../src/engine/types.js';
import { testRegistry } from '../../fixtures/connectors/test-connector.js';

/** Every object and array reachable from `root` through own enumerable values. */
function reachable(root: unknown, into = new Set<object>()): Set<object> {
  if (!root || typeof root !== 'object' || into.has(root)) return into;
  into.add(root);
  for (const v of Object.values(root)) reachable(v, into);
  return into;
}

/** A compiled expression or value: owned by the expression compiler, which the loader only references. */
function isCompiled(v: object): boolean {
  return typeof (v as { evaluate?: unknown }).evaluate === 'function';
}

/**
 * Walks what the loader built: every object reachable from the model, except connector-owned objects
 * (recognised by identity) and compiled expressions. Returns the path of each one that is not frozen.
 */
function unfrozenModelObjects(model: PackageModel, connectorOwned: ReadonlySet<object>): string[] {
  const bad: string[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, path: string) => {
    if (!v || typeof v !== 'object' || seen.has(v) || connectorOwned.has(v) || isCompiled(v)) return;
    seen.add(v);
    if (!Object.isFrozen(v)) bad.push(path);
    if (v instanceof Set || v instanceof Map || typeof (v as { add?: unknown }).add === 'function') bad.push(`${path} (a mutable collection)`);
    const members = Symbol.iterator in v && !Array.isArray(v) ? [...(v as Iterable<unknown>)].entries() : Object.entries(v);
    for (const [k, child] of members) walk(child, `${path}.${k}`);
  };
  walk(model, 'model');
  return bad;
}

function load(dir: string, registry: ConnectorRegistry): PackageModel {
  const result = loadPackage(dir, registry);
  expect(result.problems.map(formatProblem)).to.deep.equal([]);
  return result.model as PackageModel;
}

for (const [name, dir, registry] of [
  ['the WIW Provisioning package', 'recipes/wiw-provisioning', connectors],
  ['the valid fixture', 'test/fixtures/packages/valid', testRegistry],
] as const) {
  describe(`loadPackage freezes what it built, and only that: ${name}`, () => {
    let model: PackageModel;
    let owned: Set<object>;
    before(() => {
      model = load(dir, registry);
      owned = reachable(registry);
    });

    it("leaves the connectors' own objects (definitions, triggers, actions, schemas) unfrozen", () => {
      const frozen = [...owned].filter((o) => Object.isFrozen(o));
      expect(frozen.map((o) => JSON.stringify(o).slice(0, 80))).to.deep.equal([]);
    });

    it('references connector definitions by identity, not as copies', () => {
      for (const conn of Object.values(model.connections)) expect(registry).to.include(conn.connector);
      for (const recipe of Object.values(model.recipes)) {
        if (recipe.trigger.type !== 'poll') continue;
        const [connector, op] = recipe.trigger.source.split('.') as [string, string];
        expect(recipe.trigger.trigger).to.equal(registry.find((c) => c.name === connector)?.triggers?.[op]);
      }
    });

    it('freezes every object the model holds that the loader built, sets included', () => {
      // The built-in mappings connector is a connector too; its action definitions are skipped like the others.
      const mappingsDefs = new Set<object>();
      const collect = (steps: readonly unknown[]) => {
        for (const s of steps as Record<string, unknown>[]) {
          if (s.kind === 'action' && s.connection === '') reachable(s.action, mappingsDefs);
          for (const key of ['then', 'else', 'steps', 'body', 'catch']) if (Array.isArray(s[key])) collect(s[key] as unknown[]);
        }
      };
      for (const recipe of Object.values(model.recipes)) collect(recipe.steps);
      expect(unfrozenModelObjects(model, new Set([...owned, ...mappingsDefs]))).to.deep.equal([]);
    });
  });
}
