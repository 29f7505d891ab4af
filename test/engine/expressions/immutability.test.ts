import { expect } from 'chai';
import { compileExpression } from '../../../src/engine/expressions/index.js';

/** Every own property name and value, arrays included, so an added flag on an array is seen. */
function snapshot(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { '<proto>': Object.getPrototypeOf(value) === Array.prototype ? 'array' : 'object' };
  for (const key of Object.getOwnPropertyNames(value)) out[key] = snapshot((value as Record<string, unknown>)[key]);
  return out;
}

const makeScope = () => ({
  person: { firstName: 'Ann', tags: ['a'], nested: { list: [1, 2, 3] } },
  users: { items: [{ email: 'b@x', n: 2 }, { email: 'a@x', n: 1 }] },
  single: { items: [{ email: 'c@x' }] },
});

describe('expressions: the scope is never modified', () => {
  for (const source of [
    'person.tags[]',
    'single.items[]',
    'single.items.email[]',
    'users.items[]',
    'person.nested.list[]',
    'users.items^(email)',
    '$sort(users.items, function($a, $b){ $a.n > $b.n })',
    '$reverse(person.nested.list)',
    '$shuffle(person.nested.list)',
    '$distinct(person.nested.list)',
    "person ~> | $ | {'firstName': 'Bob'}, ['tags'] |",
    "users ~> | items | {'email': 'x'} |",
    "$merge([person, {'firstName': 'Bob'}])",
    'users.items{email: n}',
    'users.items#$i[$i = 0]',
    "$sift(person, function($v, $k){ $k = 'tags' })",
    '$each(person, function($v, $k){ $k })',
    "$spread(person)",
    '$append(person.tags, 1)',
    '(person.tags)[]',
    'users.items@$u.$u.email',
  ]) {
    it(`${source} leaves the scope as it was`, async () => {
      const scope = makeScope();
      const before = snapshot(scope);
      await compileExpression(source).evaluate(scope);
      expect(snapshot(scope)).to.deep.equal(before);
    });
  }

  it('keeps [] meaning "always an array" for a one-element result', async () => {
    expect(await compileExpression('single.items.email[]').evaluate(makeScope())).to.deep.equal(['c@x']);
  });

  it('keeps [] returning a scope array as an array', async () => {
    expect(await compileExpression('single.items[]').evaluate(makeScope())).to.deep.equal([{ email: 'c@x' }]);
  });
});
