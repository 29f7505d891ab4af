/** The CSV cells a spreadsheet would misread: quotes, commas, line breaks, and formulas. */
import { expect } from 'chai';
import { planOf, renderPlan } from '../../src/reports/plan-export.js';
import type { JobRecord } from '../../src/engine/store/index.js';

const job = (summary: unknown): JobRecord => ({
  id: 3, pkg: 'p', recipe: 'r', status: 'succeeded', test: true, dryRun: true, trigger: null, eventId: null, rerunOf: null,
  startedAt: '2026-11-23T09:00:00.000Z', finishedAt: null, durationMs: 1, error: null, summary,
});

describe('reports: plan export', () => {
  it('quotes per RFC 4180 and defuses formulas with an apostrophe', () => {
    const csv = renderPlan(planOf(job({
      to_create: 2,
      new_users: [{ employee: '=HYPERLINK("http://x")', email: 'a@b.c' }, { employee: 'Ann, "Nan"\nLee', email: '+1 555', extra: ['x', 'y'] }],
    })), 'csv');
    expect(csv).to.equal('\uFEFFoutcome,employee,email,extra\r\n'
      + `new users,"'=HYPERLINK(""http://x"")",a@b.c,\r\n`
      + `new users,"Ann, ""Nan""\nLee",'+1 555,x; y\r\n`);
  });

  it('keeps numbers and sentences of the summary as totals, lists as people', () => {
    const plan = planOf(job({ to_create: 2, seats: '2 needed, 3 free', skipped: [{ employee: 'Bo', reason: 'no email' }] }));
    expect(plan.totals).to.deep.equal({ to_create: 2, seats: '2 needed, 3 free' });
    expect(plan.people).to.deep.equal([{ outcome: 'skipped', employee: 'Bo', reason: 'no email' }]);
  });
});
