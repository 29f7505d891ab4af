/** records.match, the general matching step: the cases the When I Work matching had, on plain records. */
import { expect } from 'chai';
import { matchRecords, type MatchInput } from '../../../src/engine/builtins/records/match.js';
import { compileExpression } from '../../../src/engine/expressions/index.js';
import type { ActionContext } from '../../../src/engine/types.js';

/** A context whose per-record expressions go through the real compiler, as a job's do. */
const ctx = {
  recordExpression(source: string, name: string) {
    const expr = compileExpression(source.slice(1));
    return Object.assign((record: unknown) => expr.evaluate({ [name]: record, other: 'x' }), { reads: expr.refs });
  },
} as unknown as ActionContext;

const tiers: MatchInput['tiers'] = [
  { name: 'employee_code', source: '=p.key', target: '=u.employee_code', normalise: 'code' },
  { name: 'email', source: '=[p.workEmail, p.personalEmail]', target: '=u.email', normalise: 'email' },
  { name: 'phone', source: '=[p.mobilePhone, p.workPhone]', target: '=u.phone_number', normalise: 'phone' },
];
const person = (key: string, fields: Record<string, unknown> = {}) => ({ key, ...fields });
const user = (id: number, fields: Record<string, unknown> = {}) => ({ id, ...fields });
const match = (source: unknown[], target: Record<string, unknown>[], more: Partial<MatchInput> = {}) => matchRecords({
  source, target, tiers, source_as: 'p', target_as: 'u', region: 'US', source_noun: 'employee', target_noun: 'When I Work user', ...more,
}, ctx);
const ids = (pairs: { target: { id: unknown } }[]) => pairs.map((p) => p.target.id);

describe('records.match', () => {
  it('matches by the first tier (trimmed, case-folded codes), and that ends the search', async () => {
    const out = await match([person(' E12 ', { workEmail: 'x@y.example' })], [user(1, { employee_code: 'e12' }), user(2, { email: 'x@y.example' })]);
    expect(ids(out.matched)).to.deep.equal([1]);
    expect(out.matched[0]!.tier).to.equal('employee_code');
    expect(out.to_link).to.deep.equal([]);
  });

  it('links by email ignoring case and spaces, by a second email, and by phone across formats', async () => {
    const out = await match(
      [person('1', { workEmail: ' Ann@X.example ' }), person('2', { personalEmail: 'bo@x.example' }), person('3', { mobilePhone: '(612) 555-0142' })],
      [user(1, { email: 'ann@x.example' }), user(2, { email: 'BO@x.example' }), user(3, { phone_number: '16125550142' })],
    );
    expect(out.to_link.map((p) => [p.target.id, p.tier])).to.deep.equal([[1, 'email'], [2, 'email'], [3, 'phone']]);
  });

  it('a record whose email and phone both lead to one target is linked by email, the higher tier', async () => {
    const out = await match([person('1', { workEmail: 'a@b.example', mobilePhone: '612-555-0142' })], [user(1, { email: 'a@b.example', phone_number: '6125550142' })]);
    expect(out.to_link.map((p) => [p.target.id, p.tier])).to.deep.equal([[1, 'email']]);
  });

  it('leaves a record nothing matches unmatched', async () => {
    const out = await match([person('1')], [user(1, { email: 'a@b.example' })]);
    expect(out.unmatched).to.deep.equal([person('1')]);
  });

  it('makes tiers that disagree a conflict, with the reason', async () => {
    const out = await match([person('1', { workEmail: 'a@b.example', mobilePhone: '612-555-0142' })],
      [user(7, { email: 'a@b.example' }), user(8, { phone_number: '+16125550142' })]);
    expect(out.conflicts.map((c) => c.reason)).to.deep.equal(['email matches When I Work user 7 but phone matches user 8']);
    expect(out.conflicts[0]!.candidates).to.deep.equal([{ id: 7, tier: 'email' }, { id: 8, tier: 'phone' }]);
  });

  it('makes one tier that finds several a conflict: a shared email, a shared code', async () => {
    const out = await match([person('1', { workEmail: 'a@b.example' }), person('2')],
      [user(1, { email: 'A@b.example' }), user(2, { email: 'a@b.example' }), user(3, { employee_code: '2' }), user(4, { employee_code: '2' })]);
    expect(out.conflicts.map((c) => c.reason)).to.deep.equal(['2 When I Work users share the email', '2 When I Work users have employee code 2']);
  });

  it('never offers a target linked to another record of the run (or of `others`)', async () => {
    const out = await match([person('1', { workEmail: 'a@b.example' })], [user(1, { email: 'a@b.example', employee_code: '9' })],
      { others: [[person('9')]] });
    expect(out.unmatched).to.have.length(1);
    const unknown = await match([person('1', { workEmail: 'a@b.example' })], [user(1, { email: 'a@b.example', employee_code: '9' })]);
    expect(ids(unknown.to_link)).to.deep.equal([1]);
  });

  it('makes the second of two records claiming one target a conflict, and a target taken earlier too', async () => {
    const out = await match([person('1', { workEmail: 'a@b.example' }), person('2', { mobilePhone: '612-555-0142' })],
      [user(1, { email: 'a@b.example', phone_number: '6125550142' })]);
    expect(ids(out.to_link)).to.deep.equal([1]);
    expect(out.conflicts[0]!.reason).to.equal('matches When I Work user 1 by phone, already matched to employee 1 in this run');
    expect(out.taken).to.deep.equal([1]);
    const later = await match([person('1', { workEmail: 'a@b.example' })], [user(1, { email: 'a@b.example' })], { taken: [1] });
    expect(later.conflicts[0]!.reason).to.equal('matches When I Work user 1 by email, already matched to an earlier step in this run');
  });

  it('looks up only the records `where` keeps, and only targets `target_where` keeps; `exclude` is never a candidate', async () => {
    const out = await match([person('1', { skip: true }), person('2')], [user(1, { employee_code: '1' }), user(2, { employee_code: '2', is_deleted: true })],
      { where: '=$not(p.skip)', target_where: '=$not(u.is_deleted = true)' });
    expect(out.unmatched).to.have.length(2);
    const excluded = await match([person('1')], [user(1, { employee_code: '1' })], { exclude: [1] });
    expect(excluded.unmatched).to.have.length(1);
  });

  it('keeps the input order in every list, and indexes 20,000 targets for 100,000 records in well under a second', async () => {
    const target = Array.from({ length: 20_000 }, (_, i) => user(i, i < 10_000 ? { employee_code: `c${i}` } : { email: `u${i}@x.example` }));
    const source = Array.from({ length: 100_000 }, (_, i) => person(`c${i}`, { workEmail: `u${i}@x.example` }));
    // A guard against a quadratic scan (minutes here), not a speed target: CPU time, so a busy machine does not fail it.
    const cpu0 = process.cpuUsage();
    const out = await match(source, target);
    const used = process.cpuUsage(cpu0);
    expect((used.user + used.system) / 1000).to.be.below(5_000);
    expect(out.counts).to.include({ matched: 10_000, to_link: 10_000, unmatched: 80_000 });
    expect(out.matched.map((p) => (p.source as { key: string }).key).slice(0, 2)).to.deep.equal(['c0', 'c1']);
    expect(out.to_link[0]!.target.id).to.equal(10_000);
  });

  it('reads the targets\' keys of a tier only when a record needs that tier: none when every code matches or nobody is looked up (nor the sources\' keys then)', async () => {
    const reads = new Map<string, number>();
    const counting = {
      recordExpression(source: string, name: string) {
        const fn = ctx.recordExpression!(source, name);
        return (record: unknown) => { reads.set(source, (reads.get(source) ?? 0) + 1); return fn(record); };
      },
    } as unknown as ActionContext;
    const users = [user(1, { employee_code: 'e1', email: 'a@b.example' }), user(2, { employee_code: 'e2', phone_number: '6125550142' })];
    const run = (more: Partial<MatchInput>) => matchRecords({ source: [person('e1'), person('e2')], target: users, tiers, source_as: 'p', target_as: 'u', ...more }, counting);
    expect(ids((await run({})).matched)).to.deep.equal([1, 2]);
    expect([reads.get('=u.employee_code'), reads.get('=u.email'), reads.get('=u.phone_number')]).to.deep.equal([2, undefined, undefined]);
    reads.clear();
    expect((await run({ where: '=false', target_where: '=true' })).unmatched).to.have.length(2);
    expect([reads.get('=true'), reads.get('=u.employee_code'), reads.get('=p.key')]).to.deep.equal([undefined, undefined, undefined]);
  });

  it('indexes a target list once for the steps that match against it, each keeping to its own targets', async () => {
    const reads = new Map<string, number>();
    const counting = {
      recordExpression(source: string, name: string) {
        const fn = ctx.recordExpression!(source, name);
        return Object.assign((record: unknown) => { reads.set(source, (reads.get(source) ?? 0) + 1); return fn(record); }, { reads: fn.reads });
      },
    } as unknown as ActionContext;
    const users = [user(1, { employee_code: 'e1', is_deleted: true }), user(2, { employee_code: 'e1' }), user(3, { email: 'a@b.example' })];
    const run = (more: Partial<MatchInput>) => matchRecords({ source: [person('e1', { workEmail: 'a@b.example' })], target: users, tiers: tiers.slice(0, 2), source_as: 'p', target_as: 'u', ...more }, counting);
    expect(ids((await run({ target_where: '=$not(u.is_deleted = true)' })).matched)).to.deep.equal([2]);
    expect(ids((await run({ target_where: '=u.is_deleted = true' })).matched)).to.deep.equal([1]);
    expect(ids((await run({ target_where: '=$not(u.is_deleted = true)', exclude: [2] })).to_link)).to.deep.equal([3]);
    expect([reads.get('=u.employee_code'), reads.get('=u.email')]).to.deep.equal([3, 3]);
    // A key that reads more than the target is worked out again by each step.
    const other = [{ name: 'code', source: '=p.key', target: "=u.employee_code & other", normalise: 'code' as const }];
    await run({ tiers: other });
    await run({ tiers: other });
    expect(reads.get("=u.employee_code & other")).to.equal(6);
  });
});
