import { expect } from 'chai';
import { isValidPhoneNumber } from 'libphonenumber-js';
import { generateSeed } from '../../../src/emulators/seed/index.js';
import type { Seed, SeedCase } from '../../../src/emulators/seed/types.js';
import { referenceMatch, toE164 } from './reference-matcher.js';

const ALL_CASES: SeedCase[] = [
  'code_match', 'email_changed', 'email_case', 'personal_email_match', 'phone_format', 'faq_duplicate', 'conflict',
  'terminated_in_wiw', 'terminated', 'rehire_deleted', 'excluded', 'sync_flag_true', 'future_hire', 'onboarding',
  'on_leave', 'preferred_name', 'unicode_name', 'no_employee_number', 'no_email', 'no_phone', 'personal_email_only',
  'work_phone_only', 'messy_email', 'international_phone', 'phone_extension', 'no_location', 'department_missing_in_wiw',
];
const norm = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

describe('seed generator', () => {
  let seed: Seed;
  before(() => {
    seed = generateSeed({ seed: 42, employees: 2000 });
  });

  it('gives deep-equal output for the same options', () => {
    expect(generateSeed({ seed: 42, employees: 300 })).to.deep.equal(generateSeed({ seed: 42, employees: 300 }));
  });

  it('gives different output for another seed', () => {
    expect(generateSeed({ seed: 43, employees: 50 }).goco.employees).to.not.deep.equal(generateSeed({ seed: 42, employees: 50 }).goco.employees);
  });

  it('holds every named case', () => {
    const counts = new Map<SeedCase, number>();
    for (const p of seed.expected.people) for (const c of p.cases) counts.set(c, (counts.get(c) ?? 0) + 1);
    const missing = ALL_CASES.filter((c) => !counts.has(c));
    expect(missing).to.deep.equal([]);
  });

  it('holds each case even in a 20-employee seed (the first employees walk through them)', () => {
    const small = generateSeed({ seed: 7, employees: 20 });
    const outcomes = new Set(small.expected.people.map((p) => p.outcome));
    expect([...outcomes].sort()).to.deep.equal(['conflict', 'created', 'excluded', 'linked_by_email', 'linked_by_phone', 'matched', 'reactivated', 'skipped_terminated']);
  });

  it('has an expectation that the matching rules of docs/sync-rules.md confirm for every employee', () => {
    const verdicts = referenceMatch(seed.goco.employees, seed.wiw.users);
    const wrong = seed.expected.people.filter((p) => verdicts.get(p.employeeId)?.outcome !== p.outcome);
    expect(wrong).to.deep.equal([]);
  });

  it('names the WIW user matched or linked for each such employee', () => {
    const verdicts = referenceMatch(seed.goco.employees, seed.wiw.users);
    for (const p of seed.expected.people.filter((x) => x.wiwUserId !== undefined && x.outcome !== 'skipped_terminated')) {
      expect(verdicts.get(p.employeeId)?.userIds).to.deep.equal([p.wiwUserId]);
    }
  });

  it('produces exactly the WIW user count asked for', () => {
    const sized = generateSeed({ seed: 3, employees: 500, wiwUsers: 123 });
    expect(sized.wiw.users).to.have.length(123);
    const verdicts = referenceMatch(sized.goco.employees, sized.wiw.users);
    expect(sized.expected.people.every((p) => verdicts.get(p.employeeId)?.outcome === p.outcome)).to.equal(true);
  });

  it('never gives two employees the same email or phone', () => {
    const emails = seed.goco.employees.flatMap((e) => [e.workEmail, e.personalEmail]).filter((x): x is string => x !== null).map((x) => x.trim().toLowerCase());
    const phones = seed.goco.employees.map((e) => toE164(e.mobilePhone ?? e.workPhone)).filter(Boolean);
    expect(new Set(emails).size).to.equal(emails.length);
    expect(new Set(phones).size).to.equal(phones.length);
  });

  it('writes phones that libphonenumber accepts as valid in many formats', () => {
    const phones = seed.goco.employees.flatMap((e) => [e.mobilePhone, e.workPhone]).filter((x): x is string => x !== null);
    const invalid = phones.filter((p) => !isValidPhoneNumber(p, 'US'));
    const shapes = new Set(phones.map((p) => p.replace(/\d/g, '9')));
    expect(invalid).to.deep.equal([]);
    expect(shapes.size).to.be.greaterThan(12);
  });

  it('writes messy emails: padded and mixed-case ones', () => {
    const emails = seed.goco.employees.flatMap((e) => [e.workEmail, e.personalEmail]).filter((x): x is string => x !== null);
    expect(emails.some((e) => e !== e.trim())).to.equal(true);
    expect(emails.some((e) => e !== e.toLowerCase())).to.equal(true);
  });

  it('references only existing locations, departments and managers', () => {
    const locations = new Set(seed.goco.locations.map((l) => l.id));
    const departments = new Set(seed.goco.departments.map((d) => d.id));
    const employees = new Set(seed.goco.employees.map((e) => e.id));
    for (const e of seed.goco.employees) {
      if (e.workLocationId !== null) expect(locations.has(e.workLocationId)).to.equal(true);
      if (e.departmentId !== null) expect(departments.has(e.departmentId)).to.equal(true);
      if (e.managerId !== null) expect(employees.has(e.managerId)).to.equal(true);
    }
  });

  it('keeps WIW locations and positions in step with the org expectation', () => {
    const check = (units: typeof seed.expected.locations, goco: Array<{ id: string; name: string }>, wiw: Array<{ id: number; name: string }>) => {
      for (const unit of units) {
        const name = goco.find((g) => g.id === unit.gocoId)?.name as string;
        const twin = wiw.find((w) => norm(w.name) === norm(name));
        if (unit.outcome === 'created') expect(twin).to.equal(undefined);
        else expect(twin?.id).to.equal(unit.wiwId);
        if (unit.outcome === 'renamed') expect(twin?.name).to.not.equal(name);
        if (unit.outcome === 'matched') expect(twin?.name).to.equal(name);
      }
    };
    check(seed.expected.locations, seed.goco.locations, seed.wiw.locations);
    check(seed.expected.departments, seed.goco.departments, seed.wiw.positions);
  });

  it('gives seats for every active WIW user, create and reactivation, plus two', () => {
    const active = seed.wiw.users.filter((u) => !u.is_deleted).length;
    expect(seed.wiw.seats).to.equal(active + seed.expected.counts.created + seed.expected.counts.reactivated + 2);
  });

  it('writes WIW users in the WIW emulator seed shape', () => {
    const user = seed.wiw.users[0];
    expect(user).to.have.keys('id', 'email', 'first_name', 'last_name', 'phone_number', 'employee_code', 'locations', 'positions', 'role', 'is_deleted', 'activated');
    expect(seed.wiw.users.every((u) => typeof u.phone_number === 'string' && typeof u.employee_code === 'string' && u.role === 3)).to.equal(true);
  });

  it('generates 100,000 employees in under 2 s of CPU time', () => {
    generateSeed({ seed: 1, employees: 1000 });
    const before = process.cpuUsage();
    const big = generateSeed({ seed: 1, employees: 100_000 });
    const used = process.cpuUsage(before);
    expect(big.goco.employees).to.have.length(100_000);
    expect((used.user + used.system) / 1000).to.be.lessThan(2000);
  });
});
