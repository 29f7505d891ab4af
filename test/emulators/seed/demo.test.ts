import { expect } from 'chai';
import { defaultGocoSeed } from '../../../src/emulators/goco/index.js';
import { demoSeed, faqSeatsSeed } from '../../../src/emulators/seed/index.js';
import type { SeedCase } from '../../../src/emulators/seed/types.js';
import { referenceMatch } from './reference-matcher.js';

/** The cases the brief names; each must appear in the demo exactly once. */
const NAMED: SeedCase[] = [
  'code_match', 'email_changed', 'email_case', 'personal_email_match', 'phone_format', 'faq_duplicate', 'conflict',
  'terminated_in_wiw', 'rehire_deleted', 'excluded', 'future_hire', 'on_leave', 'preferred_name', 'no_employee_number',
  'no_email', 'no_phone', 'personal_email_only', 'work_phone_only', 'international_phone', 'phone_extension', 'no_location',
  'department_missing_in_wiw', 'sync_flag_true',
];

describe('demo seed', () => {
  const seed = demoSeed();
  const count = (c: SeedCase) => seed.expected.people.filter((p) => p.cases.includes(c)).length;

  it('holds each named case exactly once', () => {
    const wrong = NAMED.filter((c) => count(c) !== 1).map((c) => `${c}: ${count(c)}`);
    expect(wrong).to.deep.equal([]);
  });

  it('holds accented, apostrophe and hyphen names', () => {
    const names = seed.goco.employees.map((e) => `${e.firstName} ${e.lastName}`);
    expect(names).to.include.members(['José Núñez', "Zoë O'Brien", 'Lobelia Sackville-Baggins']);
  });

  it('has an expectation that the matching rules of docs/sync-rules.md confirm', () => {
    const verdicts = referenceMatch(seed.goco.employees, seed.wiw.users);
    const wrong = seed.expected.people.filter((p) => verdicts.get(p.employeeId)?.outcome !== p.outcome);
    expect(wrong).to.deep.equal([]);
  });

  it('expects 3 matched, 2 linked by email, 1 by phone, 15 created, 1 conflict, 2 terminated, 1 excluded, 1 reactivated', () => {
    expect(seed.expected.counts).to.deep.equal({
      matched: 3, linked_by_email: 2, linked_by_phone: 1, created: 15, conflict: 1, skipped_terminated: 2, excluded: 1, reactivated: 1,
    });
  });

  it('leaves two spare seats after every create and reactivation', () => {
    const active = seed.wiw.users.filter((u) => !u.is_deleted).length;
    expect(seed.wiw.seats).to.equal(active + 15 + 1 + 2);
  });

  it('has a renamed location and department, and one of each missing in WIW', () => {
    expect(seed.expected.locations.map((l) => l.outcome)).to.include.members(['renamed', 'created']);
    expect(seed.expected.departments.map((d) => d.outcome)).to.include.members(['renamed', 'created']);
  });

  it('is the GoCo emulator default seed', () => {
    expect(defaultGocoSeed()).to.deep.equal(seed.goco);
  });

  it('gives a fresh copy on every call', () => {
    const a = demoSeed();
    (a.goco.employees[0] as { firstName: string }).firstName = 'Changed';
    expect(demoSeed().goco.employees[0]?.firstName).to.equal('Rosie');
  });

  it('has a seat-limited variant with fewer seats than employees and than the creates need', () => {
    const faq = faqSeatsSeed();
    const active = faq.wiw.users.filter((u) => !u.is_deleted).length;
    expect(faq.wiw.seats).to.be.lessThan(faq.goco.employees.length);
    expect(faq.wiw.seats - active).to.be.lessThan(faq.expected.counts.created);
    expect(faq.goco).to.deep.equal(seed.goco);
  });
});
