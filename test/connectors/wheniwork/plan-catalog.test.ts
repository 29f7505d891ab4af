import { expect } from 'chai';
import { planCatalog } from '../../../src/connectors/wheniwork/actions/plan-catalog.js';

const target = [
  { id: 301, name: 'Downtown', address: '100 Main St' },
  { id: 302, name: 'Uptown', address: '2900 Hennepin Ave' },
  { id: 303, name: 'Old Mill', address: '', is_deleted: true },
  { id: 304, name: 'Lake  Street', address: null },
];

describe('wheniwork connector: plan_catalog', () => {
  it('a mapped record with the same name and address is unchanged', () => {
    const out = planCatalog({ source: [{ id: 'g1', name: 'Downtown', address: ' 100 Main St ' }], target, mapping: { g1: '301' } });
    expect(out.unchanged).to.deep.equal([{ source_id: 'g1', target_id: '301', name: 'Downtown' }]);
    expect(out.counts).to.include({ to_create: 0, to_update: 0, to_link: 0, unchanged: 1 });
  });

  it('a mapped record renamed or re-addressed is to_update with the changes', () => {
    const out = planCatalog({ source: [{ id: 'g1', name: 'Downtown East', address: '1 New St' }], target, mapping: { g1: 301 } });
    expect(out.to_update).to.deep.equal([{
      source_id: 'g1', target_id: '301', name: 'Downtown East', address: '1 New St', changes: { name: 'Downtown East', address: '1 New St' },
    }]);
  });

  it('a source without an address never blanks the target\'s', () => {
    const out = planCatalog({ source: [{ id: 'g1', name: 'Downtown' }], target, mapping: { g1: 301 } });
    expect(out.unchanged).to.have.length(1);
  });

  it('an unmapped record with the same name (case and spaces aside) is to_link', () => {
    const out = planCatalog({ source: [{ id: 'g4', name: ' lake street ' }], target, mapping: {} });
    expect(out.to_link).to.deep.equal([{ source_id: 'g4', target_id: '304', name: 'lake street' }]);
    expect(out.to_update[0]!.changes).to.deep.equal({ name: 'lake street' });
  });

  it('a mapping to a deleted or missing target counts as no mapping', () => {
    const out = planCatalog({ source: [{ id: 'g3', name: 'Old Mill' }, { id: 'g9', name: 'Uptown' }], target, mapping: { g3: 303, g9: 999 } });
    expect(out.to_create).to.deep.equal([{ source_id: 'g3', name: 'Old Mill', address: null }]);
    expect(out.to_link).to.deep.equal([{ source_id: 'g9', target_id: '302', name: 'Uptown' }]);
  });

  it('a target mapped to one source is not linked by name to another', () => {
    const out = planCatalog({ source: [{ id: 'a', name: 'Uptown' }, { id: 'b', name: 'Uptown Annex' }], target, mapping: { b: 302 } });
    expect(out.to_create.map((c) => c.source_id)).to.deep.equal(['a']);
    expect(out.to_update.map((u) => [u.source_id, u.target_id])).to.deep.equal([['b', '302']]);
  });

  it('a GoCo structured address becomes one line', () => {
    const out = planCatalog({
      source: [{ id: 'n', name: 'Airport', address: { line1: '1 Terminal Dr', city: 'St Paul', state: 'MN', postalCode: '55111', country: 'US' } }],
      target,
    });
    expect(out.to_create[0]!.address).to.equal('1 Terminal Dr, St Paul, MN 55111, US');
  });
});
