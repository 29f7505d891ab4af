/**
 * Catalog sync on the records steps, as location-sync and department-sync use them: records.match with
 * the stored mapping then the name, `several: first_free`, and records.diff of the names and addresses.
 */
import { expect } from 'chai';
import { diffRecords } from '../../../src/engine/builtins/records/diff.js';
import { matchRecords } from '../../../src/engine/builtins/records/match.js';
import { compileExpression } from '../../../src/engine/expressions/index.js';
import type { ActionContext } from '../../../src/engine/types.js';

const ctxWith = (mapping: Record<string, string | number>) => ({
  recordExpression(source: string, name: string) {
    const expr = compileExpression(source.slice(1));
    return (record: unknown) => expr.evaluate({ [name]: record, mappings: { location: mapping } });
  },
}) as unknown as ActionContext;

const target = [
  { id: 301, name: 'Downtown', address: '100 Main St' },
  { id: 302, name: 'Uptown', address: '2900 Hennepin Ave' },
  { id: 303, name: 'Old Mill', address: '', is_deleted: true },
  { id: 304, name: 'Lake  Street', address: null },
];

type Loc = { id: string; name: string; address?: string };

async function plan(source: Loc[], mapping: Record<string, string | number> = {}, targets: Record<string, unknown>[] = target) {
  const ctx = ctxWith(mapping);
  const m = await matchRecords({
    source, target: targets, source_as: 'loc', target_as: 'wiw', target_where: '=$not(wiw.is_deleted = true)', several: 'first_free',
    tiers: [
      { name: 'mapping', source: '=$lookup(mappings.location, $string(loc.id))', target: '=wiw.id', normalise: 'exact' },
      { name: 'name', source: '=loc.name', target: '=wiw.name', normalise: 'name' },
    ],
  }, ctx);
  const d = await diffRecords({
    records: [...m.matched, ...m.to_link], as: 'pair', desired: '=pair.source', current: '=pair.target', fields: { name: 'text', address: 'text' },
  }, ctx);
  const pairs = (list: { source: unknown; target: { id: unknown } }[]) => list.map((p) => [(p.source as Loc).id, p.target.id]);
  return {
    created: m.unmatched.map((s) => (s as Loc).id), matched: pairs(m.matched), linked: pairs(m.to_link),
    changes: d.changed.map((c) => c.changes), unchanged: d.unchanged.length, conflicts: m.conflicts,
  };
}

describe('records steps: catalog sync (stored mapping, then name, first free)', () => {
  it('a mapped record with the same name and address (spaces aside) is unchanged', async () => {
    expect(await plan([{ id: 'g1', name: 'Downtown', address: ' 100 Main St ' }], { g1: '301' }))
      .to.deep.include({ matched: [['g1', 301]], linked: [], created: [], changes: [], unchanged: 1 });
  });

  it('a mapped record renamed or re-addressed has exactly those changes', async () => {
    expect((await plan([{ id: 'g1', name: 'Downtown East', address: '1 New St' }], { g1: 301 })).changes)
      .to.deep.equal([{ name: 'Downtown East', address: '1 New St' }]);
  });

  it('a source without an address never blanks the target\'s', async () => {
    expect(await plan([{ id: 'g1', name: 'Downtown' }], { g1: 301 })).to.deep.include({ changes: [], unchanged: 1 });
  });

  it('an unmapped record with the same name (case and spaces aside) is linked, and renamed to its spelling', async () => {
    const out = await plan([{ id: 'g4', name: 'lake street' }]);
    expect(out).to.deep.include({ linked: [['g4', 304]], changes: [{ name: 'lake street' }] });
  });

  it('a mapping to a deleted or missing target counts as no mapping', async () => {
    expect(await plan([{ id: 'g3', name: 'Old Mill' }, { id: 'g9', name: 'Uptown' }], { g3: 303, g9: 999 }))
      .to.deep.include({ created: ['g3'], linked: [['g9', 302]] });
  });

  it('a target mapped to one source is not linked by name to another', async () => {
    expect(await plan([{ id: 'a', name: 'Uptown' }, { id: 'b', name: 'Uptown Annex' }], { b: 302 }))
      .to.deep.include({ created: ['a'], matched: [['b', 302]] });
  });

  it('namesakes are interchangeable: two sources of one name take one target and create the other; of two targets the first free is taken', async () => {
    expect(await plan([{ id: 'a', name: 'Uptown' }, { id: 'b', name: 'uptown' }])).to.deep.include({ linked: [['a', 302]], created: ['b'], conflicts: [] });
    const twins = [...target, { id: 305, name: 'Uptown' }];
    expect(await plan([{ id: 'a', name: 'Uptown' }, { id: 'b', name: 'Uptown' }], {}, twins)).to.deep.include({ linked: [['a', 302], ['b', 305]], created: [] });
    expect(await plan([{ id: 'a', name: 'Uptown' }, { id: 'b', name: 'Uptown' }], { a: 305 }, twins)).to.deep.include({ matched: [['a', 305]], linked: [['b', 302]] });
  });

  it('two sources mapped to one target: the second looks by name and, finding it taken, is created', async () => {
    expect(await plan([{ id: 'a', name: 'Uptown' }, { id: 'b', name: 'Uptown' }], { a: 302, b: 302 }))
      .to.deep.include({ matched: [['a', 302]], created: ['b'], conflicts: [] });
  });
});
