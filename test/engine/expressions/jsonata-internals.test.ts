/**
 * The sandbox leans on JSONata internals that are not its public API. Each hook is asserted by name here, so
 * a JSONata upgrade that removes or reshapes one fails this file loudly instead of silently opening the
 * sandbox. On an upgrade: read each failing message, check the named file against the new jsonata.js, then
 * move the exact pin in package.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import jsonata from 'jsonata';
import type { AstNode } from '../../../src/engine/expressions/ast.js';
import { BUILTIN_FUNCTIONS } from '../../../src/engine/expressions/functions.js';
import { compileExpression } from '../../../src/engine/expressions/index.js';
import { SANDBOX_FUNCTIONS } from '../../../src/engine/expressions/sandbox.js';

const require = createRequire(import.meta.url);
const jsonataFile = require.resolve('jsonata');
const jsonataSource = readFileSync(jsonataFile, 'utf8');
const UPGRADE = 'JSONata internals changed (see test/engine/expressions/jsonata-internals.test.ts):';

describe('expressions: the JSONata internals the sandbox relies on', () => {
  it('jsonata is exactly the version these hooks were checked against (2.2.2)', () => {
    const pkg = JSON.parse(readFileSync(require.resolve('jsonata/package.json'), 'utf8')) as { version: string };
    expect(pkg.version, `${UPGRADE} re-check every hook below, then update this version`).to.equal('2.2.2');
  });

  it("hook 'jsonata.__evaluate_entry' is called before each node with node.position and environment.base.depth (limits.ts)", async () => {
    const seen: { position: unknown; depth: unknown }[] = [];
    const expr = jsonata('a + 1');
    expr.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, ((node: { position?: unknown }, _input: unknown, env: { base?: { depth?: unknown } }) => {
      seen.push({ position: node.position, depth: env.base?.depth });
    }) as never);
    expect(await expr.evaluate({ a: 1 })).to.equal(2);
    expect(seen.length, `${UPGRADE} the step/time/depth limits no longer run (limits.ts limitHook)`).to.be.at.least(2);
    expect(seen.every((s) => typeof s.depth === 'number'), `${UPGRADE} environment.base.depth is gone: the depth limit no longer holds (limits.ts)`).to.equal(true);
    expect(seen.some((s) => typeof s.position === 'number'), `${UPGRADE} nodes no longer carry .position: limit errors lose their place (limits.ts)`).to.equal(true);
    expect(jsonataSource, `${UPGRADE} the entry hook symbol is gone`).to.include("Symbol.for('jsonata.__evaluate_entry')");
  });

  it('an error thrown by the entry hook ends the evaluation unchanged (limits.ts)', async () => {
    const expr = jsonata('[1..10].($ * 2)');
    const mine = new Error('stop');
    expr.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, (() => {
      throw mine;
    }) as never);
    let caught: unknown;
    await expr.evaluate({}).catch((e: unknown) => (caught = e));
    expect(caught, `${UPGRADE} JSONata wraps or swallows the limit error thrown by the entry hook`).to.equal(mine);
  });

  it("'keepSingletonArray' is on the path node of `a[]`, and `keepArray` on a path node keeps a one-item list (ast.ts moveKeepArrayToPathNodes)", async () => {
    const ast = jsonata('a.b[]').ast() as AstNode & { keepSingletonArray?: boolean };
    expect(ast.type).to.equal('path');
    expect(ast.keepSingletonArray, `${UPGRADE} the parser no longer marks \`[]\` with keepSingletonArray`).to.equal(true);
    const input = { a: { b: [1] } };
    expect(await compileExpression('a.b[]').evaluate(input), `${UPGRADE} keepArray on the path node no longer keeps singletons`).to.deep.equal([1]);
    expect(Object.keys(input.a.b), 'the input array was marked').to.deep.equal(['0']);
  });

  it("the sequence flags 'sequence', 'keepSingleton', 'tupleStream' and 'outerWrapper' still exist (sandbox.ts toPlain, sequence)", async () => {
    const result = (await jsonata('a.b').evaluate({ a: [{ b: 1 }, { b: 2 }] })) as unknown[] & { sequence?: boolean };
    expect(result.sequence, `${UPGRADE} sequences are no longer marked with .sequence`).to.equal(true);
    const kept = (await jsonata('a.b[]').evaluate({ a: [{ b: 1 }] })) as unknown[] & { keepSingleton?: boolean };
    expect(kept.keepSingleton, `${UPGRADE} kept singletons are no longer marked with .keepSingleton`).to.equal(true);
    for (const flag of ['tupleStream', 'outerWrapper', 'keepSingleton', 'sequence']) {
      expect(jsonataSource, `${UPGRADE} the flag '${flag}' is gone: toPlain's list of internal array flags is stale`).to.match(new RegExp(`\\.${flag}\\b`));
    }
    const unwrapped = await jsonata('$f()').evaluate({}, { f: () => Object.assign([7], { sequence: true }) });
    expect(unwrapped, `${UPGRADE} a one-item array marked .sequence is no longer unwrapped ($lookup, $spread return such)`).to.equal(7);
  });

  it("BUILTIN_FUNCTIONS is exactly JSONata's built-ins (functions.ts)", () => {
    const bound = [...jsonataSource.matchAll(/staticFrame\.bind\('(\w+)'/g)].map((m) => m[1]!);
    const env = [...jsonataSource.matchAll(/environment\.bind\('(\w+)', defineFunction/g)].map((m) => m[1]!);
    expect(bound.length, `${UPGRADE} built-ins are no longer bound with staticFrame.bind`).to.be.above(50);
    expect(new Set([...bound, ...env].filter((n) => n !== 'eval')), `${UPGRADE} the built-in list in functions.ts is stale`).to.deep.equal(BUILTIN_FUNCTIONS);
  });

  it("the sandbox's replacements keep JSONata's signatures (sandbox.ts SANDBOX_FUNCTIONS)", () => {
    for (const f of SANDBOX_FUNCTIONS) {
      const m = new RegExp(`staticFrame\\.bind\\('${f.name}', defineFunction\\([\\w.]+, '([^']+)'\\)\\)`).exec(jsonataSource);
      expect(m?.[1], `${UPGRADE} $${f.name}'s signature changed: update SANDBOX_FUNCTIONS`).to.equal(f.signature);
    }
  });

  it("the 'RegexEngine' option is constructed per regex literal and used through lastIndex/exec (regex.ts)", async () => {
    const used: string[] = [];
    class Spy {
      lastIndex = 0;
      private readonly re: RegExp;
      constructor(literal: RegExp) {
        used.push(`new ${literal.source}`);
        this.re = new RegExp(literal.source, literal.flags);
      }
      exec(str: string) {
        used.push('exec');
        this.re.lastIndex = this.lastIndex;
        const m = this.re.exec(str);
        this.lastIndex = this.re.lastIndex;
        return m;
      }
    }
    const expr = jsonata('$match("ab", /b/).index', { RegexEngine: Spy as unknown as RegExpConstructor });
    expect(await expr.evaluate({})).to.equal(1);
    expect(used.slice(0, 2), `${UPGRADE} regex literals no longer go through options.RegexEngine: recipes' regexes would run on the backtracking engine`).to.deep.equal(['new b', 'exec']);
  });
});
