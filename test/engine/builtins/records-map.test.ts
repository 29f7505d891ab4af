/** records.map: what each record becomes, and what the records share. */
import { expect } from 'chai';
import { mapRecords } from '../../../src/engine/builtins/records/map.js';
import { compileExpression } from '../../../src/engine/expressions/index.js';
import type { ActionContext } from '../../../src/engine/types.js';

/** A context whose per-record expressions go through the real compiler, as a job's do. */
const ctx = {
  recordExpression(source: string, name: string) {
    const expr = compileExpression(source.slice(1));
    return Object.assign((record: unknown) => expr.evaluate({ [name]: record, ids: { a: 7, b: 8 } }), { reads: expr.refs });
  },
} as unknown as ActionContext;

describe('records.map', () => {
  it('gives the records that have one value in a one-value list the same frozen list, and leaves other lists alone', async () => {
    const records = [{ loc: 'a', n: 1 }, { loc: 'b', n: 2 }, { loc: 'a', n: 3 }, { n: 4 }];
    const out = await mapRecords({ records, as: 'e', fields: { locations: '=[$lookup(ids, e.loc)]', pair: '=[e.n, e.n]', n: '=[e.n]' } }, ctx);
    const [a, b, a2, none] = out.items as { locations: number[]; pair: number[]; n: number[] }[];
    expect(out.items.map((i) => i.locations)).to.deep.equal([[7], [8], [7], []]);
    expect(a!.locations).to.equal(a2!.locations);
    expect(Object.isFrozen(a!.locations)).to.equal(true);
    expect(a!.locations).to.not.equal(b!.locations);
    expect(none!.locations).to.not.equal(a!.locations);
    expect(a!.pair).to.deep.equal([1, 1]);
    expect(Object.isFrozen(a!.pair)).to.equal(false);
  });

  it('stops sharing a field\'s lists past a thousand distinct values, and every value stays right', async () => {
    const records = Array.from({ length: 1_500 }, (_, i) => ({ n: i % 1_200 }));
    const out = await mapRecords({ records, as: 'e', fields: { n: '=[e.n]' } }, ctx);
    const items = out.items as { n: number[] }[];
    expect(items.every((item, i) => item.n.length === 1 && item.n[0] === i % 1_200)).to.equal(true);
    expect(items[1_200]!.n).to.equal(items[0]!.n);
    expect(Object.isFrozen(items[1_100]!.n)).to.equal(false);
  });
});
