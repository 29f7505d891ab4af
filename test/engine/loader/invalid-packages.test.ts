/**
 * Each folder under test/fixtures/packages/invalid/ breaks one thing in an otherwise tiny valid package;
 * the loader must report exactly these lines (`file:line:col /json/path: message`), in this order.
 */
import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import { loadPackage } from '../../../src/engine/loader/load-package.js';
import { formatProblem } from '../../../src/engine/loader/problem.js';
import { testRegistry } from '../../fixtures/connectors/test-connector.js';

const root = 'test/fixtures/packages/invalid';

/** Case folder -> the report, with `@` standing for the case's folder. */
const cases: Record<string, { about: string; lines: string[] }> = {
  'yaml-syntax': {
    about: 'a YAML syntax error, without a cascade of "no file defines it"',
    lines: ['@/recipe.yaml:5:1 /: YAML: Flow map in block collection must be sufficiently indented and end with a }'],
  },
  'unknown-top-level-key': {
    about: 'an unknown top-level key, with a suggestion',
    lines: ["@/recipe.yaml:4:1 /descripton: unknown key 'descripton' (did you mean 'description'?)"],
  },
  'unknown-key': {
    about: 'a misspelt step kind key, with a suggestion',
    lines: ["@/recipe.yaml:7:5 /steps/0/actoin: unknown key 'actoin' (did you mean 'action'?)"],
  },
  'missing-trigger': {
    about: 'a missing required key',
    lines: ["@/recipe.yaml:1:1 /: missing required key 'trigger'"],
  },
  'wrong-type': {
    about: 'a value of the wrong type',
    lines: ['@/recipe.yaml:9:18 /steps/0/concurrency: must be an integer'],
  },
  'step-without-kind': {
    about: 'a step with no kind',
    lines: ['@/recipe.yaml:6:5 /steps/0: a step needs one of the keys: action, if, foreach, try, stop, set'],
  },
  'step-two-kinds': {
    about: 'a step with two kinds',
    lines: ["@/recipe.yaml:6:5 /steps/0: a step has one kind, but this one has 'action' and 'set'"],
  },
  'unknown-connector': {
    about: 'an action of an unknown connector',
    lines: ["@/recipe.yaml:7:13 /steps/0/action: unknown connector 'tset' (known: mappings, records, test)"],
  },
  'unknown-action': {
    about: 'an unknown action, listing the known ones',
    lines: ["@/recipe.yaml:7:13 /steps/0/action: connector 'test' has no action 'ecko' (actions: echo, write, fail, flaky, wait, list, whoami)"],
  },
  'input-wrong-type': {
    about: "a literal input of the wrong type for the action's schema",
    lines: ['@/recipe.yaml:8:20 /steps/0/input/text: must be a string'],
  },
  'input-unknown-key': {
    about: "an input key the action's schema does not know, with a suggestion",
    lines: ["@/recipe.yaml:8:14 /steps/0/input/txt: unknown key 'txt' (did you mean 'text'?)"],
  },
  'duplicate-step-id': {
    about: 'a duplicate step id, naming the first use',
    lines: ["@/recipe.yaml:9:9 /steps/1/id: duplicate step id 'hello' (first used at line 6)"],
  },
  'later-step-output': {
    about: 'a step reading the output of a later step',
    lines: ["@/recipe.yaml:8:20 /steps/0/input/text: uses the output of step 'later', which does not run before this step"],
  },
  'unknown-name': {
    about: 'an unknown name in an expression, listing the known ones',
    lines: ["@/recipe.yaml:8:20 /steps/0/input/text: unknown name 'helo' (known here: job, mappings, properties, trigger, vars)"],
  },
  'undeclared-property': {
    about: 'a property that package.yaml does not declare',
    lines: ["@/recipe.yaml:8:20 /steps/0/input/text: property 'prefx' is not declared in package.yaml"],
  },
  'malformed-expression': {
    about: 'a syntax error in an expression, at the column of the bad token',
    lines: ["@/recipe.yaml:8:46 /steps/0/input/text: unexpected token ')'"],
  },
  'forbidden-name': {
    about: 'a forbidden name in an expression, at its column',
    lines: ["@/recipe.yaml:8:34 /steps/0/input/value: the name 'constructor' cannot be used"],
  },
  'regex-backreference': {
    about: 'a regular expression the linear-time engine cannot run, at its column',
    lines: ["@/recipe.yaml:8:51 /steps/0/input/value: the regular expression /(a)\\1/ is not supported (invalid escape sequence: `\\1`; recipes run regular expressions on a linear-time engine, without backreferences or lookaround)"],
  },
  'secret-read': {
    about: 'recipe expressions that read a secret property, or properties/the scope as a whole (a webhook secret and connection settings may)',
    lines: [
      "@/recipe.yaml:8:20 /steps/0/input/text: reads the secret property 'token'; secret properties may only be used in connection settings",
      "@/recipe.yaml:10:9 /steps/1/if: reads the secret property 'token'; secret properties may only be used in connection settings",
      "@/recipe.yaml:13:14 /steps/2/foreach: reads the secret property 'token'; secret properties may only be used in connection settings",
      "@/recipe.yaml:17:15 /steps/3/set/a: reads 'properties' as a whole or by a computed name; name each property (properties.NAME): secret properties may only be used in connection settings",
      "@/recipe.yaml:17:56 /steps/3/set/b: reads 'properties' as a whole or by a computed name; name each property (properties.NAME): secret properties may only be used in connection settings",
      "@/recipe.yaml:17:76 /steps/3/set/c: reads the whole scope ($, $$, * or **), which holds the properties; name each property (properties.NAME): secret properties may only be used in connection settings",
      "@/recipe.yaml:17:95 /steps/3/set/d: reads 'properties' as a whole or by a computed name; name each property (properties.NAME): secret properties may only be used in connection settings",
      "@/recipe.yaml:19:41 /steps/4/stop/message: reads the secret property 'token'; secret properties may only be used in connection settings",
      "@/recipe.yaml:19:41 /steps/4/stop/message: reads 'properties' as a whole or by a computed name; name each property (properties.NAME): secret properties may only be used in connection settings",
      "@/recipe.yaml:21:10 /summary/shown: reads the secret property 'token'; secret properties may only be used in connection settings",
    ],
  },
  'needs-unknown': {
    about: 'needs naming an unknown recipe',
    lines: ["@/recipe.yaml:4:9 /needs/0: needs unknown recipe 'setup'"],
  },
  'needs-cycle': {
    about: 'a needs cycle, reported once',
    lines: ['@/other.yaml:4:8 /needs: needs form a cycle: other -> demo -> other'],
  },
  'unlisted-recipe': {
    about: 'a recipe file that package.yaml does not list',
    lines: ["@/extra.yaml:2:7 /name: recipe 'extra' is not listed under 'recipes' in package.yaml"],
  },
  'listed-without-file': {
    about: 'a listed recipe that no file defines',
    lines: ["@/package.yaml:7:17 /recipes/1: lists recipe 'ghost', but no file in the package defines it"],
  },
  'connection-unknown-connector': {
    about: 'a connection with an unknown connector (and the recipe left without a connection)',
    lines: [
      "@/main-connection.yaml:4:12 /connector: unknown connector 'tset' (known: mappings, records, test)",
      "@/recipe.yaml:6:5 /steps/0: the package has no connection for connector 'test'",
    ],
  },
  'connection-bad-settings': {
    about: "connection settings that do not fit the connector's schema",
    lines: ["@/main-connection.yaml:5:43 /settings/tokn: unknown key 'tokn' (did you mean 'token'?)"],
  },
  'poll-unknown-trigger': {
    about: 'a poll trigger the connector does not have',
    lines: ["@/recipe.yaml:4:32 /trigger/source: connector 'test' has no trigger 'countr' (triggers: counter)"],
  },
  'reserved-step-id': {
    about: 'a step id that shadows a reserved name',
    lines: ["@/recipe.yaml:6:9 /steps/0/id: 'properties' is a reserved name; choose another step id"],
  },
  'several-problems': {
    about: 'several problems in several files, all in one pass, by file then position',
    lines: [
      "@/package.yaml:7:17 /recipes/1: lists recipe 'ghost', but no file in the package defines it",
      "@/recipe.yaml:7:13 /steps/0/action: connector 'test' has no action 'ecko' (actions: echo, write, fail, flaky, wait, list, whoami)",
      "@/recipe.yaml:11:20 /steps/1/input/text: property 'nope' is not declared in package.yaml",
      "@/recipe.yaml:11:40 /steps/1/input/txt: unknown key 'txt' (did you mean 'text'?)",
      "@/recipe.yaml:12:9 /steps/2/id: duplicate step id 'hello' (first used at line 6)",
      "@/recipe.yaml:13:18 /steps/2/set/last: unknown name 'missing' (known here: bye, job, mappings, properties, trigger, vars)",
    ],
  },
};

describe('loadPackage: invalid packages', () => {
  it('has an expected report for every fixture folder', () => {
    expect(readdirSync(root).sort()).to.deep.equal(Object.keys(cases).sort());
  });

  for (const [name, { about, lines }] of Object.entries(cases)) {
    it(`reports ${about} (${name})`, () => {
      const dir = `${root}/${name}`;
      const result = loadPackage(dir, testRegistry);
      expect(result.problems.map(formatProblem)).to.deep.equal(lines.map((l) => l.replace('@', dir)));
      expect(result.model).to.equal(undefined);
    });
  }
});
