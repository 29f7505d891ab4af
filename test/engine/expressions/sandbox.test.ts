import { expect } from 'chai';
import { compileExpression, ExpressionError } from '../../../src/engine/expressions/index.js';

const scope = () => ({
  person: { firstName: 'Ann', tags: ['a'] },
  mappings: { location: { '7': 99 } },
});

async function outcome(source: string): Promise<{ code?: string; value?: unknown }> {
  try {
    const value = await compileExpression(source).evaluate(scope());
    return { value };
  } catch (error) {
    expect(error).to.be.instanceOf(ExpressionError);
    return { code: (error as ExpressionError).code };
  }
}

async function expectInvalid(source: string): Promise<void> {
  expect(await outcome(source)).to.deep.equal({ code: 'EXPRESSION_INVALID' });
}

async function expectUndefinedOrFailed(source: string): Promise<void> {
  const result = await outcome(source);
  if (result.code !== undefined) expect(result.code).to.equal('EXPRESSION_FAILED');
  else expect(result.value).to.equal(undefined);
}

/** Deep check that a result holds only data: no functions, nothing but plain objects and arrays. */
function expectPlainData(value: unknown): void {
  if (value === null || typeof value !== 'object') {
    expect(typeof value).to.not.equal('function');
    return;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  expect(proto === Object.prototype || proto === Array.prototype, 'plain object or array').to.equal(true);
  for (const key of Object.keys(value)) expectPlainData((value as Record<string, unknown>)[key]);
}

const prototypesBefore = {
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  func: Object.getOwnPropertyNames(Function.prototype).sort(),
};

describe('expressions sandbox', () => {
  describe('names rejected at compile time', () => {
    for (const source of [
      '$.constructor',
      'person.__proto__',
      'person.prototype',
      '`constructor`',
      'person.`__proto__`.x',
      'person."constructor"',
      "$lookup($, 'constructor')",
      '(constructor.constructor)(\'return process\')()',
      '$string.constructor',
      "{'__proto__': {'polluted': true}}",
      "{'constructor': 1}",
      "$merge([{}, {'__proto__': {'polluted': 1}}])",
      "person ~> | $ | {'__proto__': {'polluted': true}} |",
      "person ~> | $ | {}, ['__proto__'] |",
      'person{"prototype": firstName}',
      '($constructor := 1; $constructor)',
      'person.tags#$__proto__.$__proto__',
      'person@$prototype.firstName',
      'function($constructor){ 1 }(2)',
    ]) {
      it(`rejects ${source}`, async () => {
        await expectInvalid(source);
      });
    }

    it('reports where the forbidden name starts', () => {
      try {
        compileExpression('person.__proto__');
        expect.fail('compiled');
      } catch (error) {
        expect((error as ExpressionError).details.position).to.equal(7);
        expect((error as ExpressionError).message).to.equal("the name '__proto__' cannot be used at 7");
      }
    });
  });

  describe('$eval', () => {
    it("rejects $eval('constructor') at compile time", async () => {
      await expectInvalid("$eval('constructor')");
    });

    it('rejects $eval passed around as a value', async () => {
      await expectInvalid('($e := $eval; $e("1"))');
    });
  });

  describe('globals are not in reach', () => {
    for (const source of ['process.env', 'process', 'globalThis', 'globalThis.process', '$require', '$process', 'require']) {
      it(`${source} is undefined`, async () => {
        expect(await outcome(source)).to.deep.equal({ value: undefined });
      });
    }

    it("$require('fs') is an unknown function", async () => {
      await expectInvalid("$require('fs')");
    });
  });

  describe('computed keys at run time', () => {
    for (const source of [
      "$lookup({}, '__pro' & 'to__')",
      "$lookup($, 'con' & 'structor')",
      "$lookup(person, 'con' & 'structor')",
      "$lookup($lookup(person, 'tags'), 'con' & 'structor')",
      "$lookup($lookup($string, 'implementation'), 'proto' & 'type')",
      "($f := function(){1}; $lookup($f, 'environ' & 'ment'))",
    ]) {
      it(`${source} is undefined`, async () => {
        await expectUndefinedOrFailed(source);
      });
    }

    it('an object constructor with a computed __proto__ key yields plain data', async () => {
      const result = await outcome("{'__pro' & 'to__': {'polluted': true}, 'a': 1}");
      expect(result.value).to.deep.equal({ a: 1 });
      expectPlainData(result.value);
    });

    it('$merge with a computed __proto__ key yields plain data', async () => {
      const result = await outcome("$merge([{'a': 1}, {'__pro' & 'to__': {'polluted': 1}}])");
      expect(result.value).to.deep.equal({ a: 1 });
      expect(Object.getPrototypeOf(result.value)).to.equal(Object.prototype);
    });

    it('a transform with a computed __proto__ key leaves the prototype alone', async () => {
      const result = await outcome("person ~> | $ | {'__pro' & 'to__': {'polluted': true}} |");
      expect(result.value).to.deep.equal({ firstName: 'Ann', tags: ['a'] });
      expect(Object.getPrototypeOf(result.value)).to.equal(Object.prototype);
      expect((result.value as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it('$formatNumber options with a computed __proto__ key stay local', async () => {
      const result = await outcome("$formatNumber(1234.5, '#,##0.0', {'__pro' & 'to__': {'polluted': 1}})");
      expect(result.value).to.equal('1,234.5');
    });
  });

  describe('function internals are not data', () => {
    for (const source of [
      '$spread($string)',
      '$keys($string)',
      '$string.*',
      '$string.**',
      '$string.implementation',
      '$lookup($string, "implementation")',
      '($f := function(){1}; $f.environment)',
      '($f := function(){1}; $keys($f))',
      '($f := function(){1}; $spread($f))',
      '($f := function(){1}; $f.*)',
      '$each($string, function($v, $k){ $k })',
      '$sift($string, function($v){ true })',
      '$merge([$string])',
    ]) {
      it(`${source} gives nothing`, async () => {
        await expectUndefinedOrFailed(source);
      });
    }

    it('a result that is a function is refused', async () => {
      expect(await outcome('$lowercase')).to.deep.equal({ code: 'EXPRESSION_FAILED' });
    });

    it('a function inside a result is dropped', async () => {
      const result = await outcome("{'f': $lowercase, 'a': 1}");
      expect(result.value).to.deep.equal({ a: 1 });
    });
  });

  describe('after every attempt', () => {
    it('({}).polluted is undefined', () => {
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it('Object, Array and Function prototypes are unchanged', () => {
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(prototypesBefore.object);
      expect(Object.getOwnPropertyNames(Array.prototype).sort()).to.deep.equal(prototypesBefore.array);
      expect(Object.getOwnPropertyNames(Function.prototype).sort()).to.deep.equal(prototypesBefore.func);
    });
  });
});
