import { expect } from 'chai';
import {
  buildUserIndex, desiredUser, matchPeople, normalizeEmail, normalizeName, normalizePhone, userDiff,
  type PersonLike, type WiwUserLike,
} from '../../../src/connectors/wheniwork/match.js';
import fc from 'fast-check';
import { parsePhone, PhoneIndex, phoneTail } from '../../../src/engine/builtins/records/phone.js';

const region = 'US';

function person(id: string, fields: Partial<PersonLike> = {}): PersonLike {
  return { id, firstName: 'Ann', lastName: 'Lee', status: 'active', ...fields };
}

function user(id: number, fields: Partial<WiwUserLike> = {}): WiwUserLike {
  return { id, first_name: 'Ann', last_name: 'Lee', ...fields };
}

describe('wheniwork matching', () => {
  describe('normalizePhone', () => {
    it('reads a national US number with parentheses', () => {
      expect(normalizePhone('(612) 555-0142', region)).to.equal('+16125550142');
    });
    it('keeps a number already in E.164', () => {
      expect(normalizePhone('+16125550142', region)).to.equal('+16125550142');
    });
    it('reads WIW digits without plus', () => {
      expect(normalizePhone('16125550142', region)).to.equal('+16125550142');
    });
    it('reads WIW digits without plus sent as a number', () => {
      expect(normalizePhone(16125550142, region)).to.equal('+16125550142');
    });
    it('reads dots and spaces', () => {
      expect(normalizePhone(' 612.555.0142 ', region)).to.equal('+16125550142');
    });
    it('drops an "x" extension', () => {
      expect(normalizePhone('612-555-0142 x123', region)).to.equal('+16125550142');
    });
    it('drops an "ext." extension', () => {
      expect(normalizePhone('612 555 0142 ext. 5', region)).to.equal('+16125550142');
    });
    it('reads a leading 00 as the international prefix', () => {
      expect(normalizePhone('00 44 20 7946 0958', region)).to.equal('+442079460958');
    });
    it('reads foreign digits without plus when they are not a valid national number', () => {
      expect(normalizePhone('442079460958', region)).to.equal('+442079460958');
    });
    it('uses the region for national numbers', () => {
      expect(normalizePhone('020 7946 0958', 'GB')).to.equal('+442079460958');
    });
    it('returns undefined for missing, empty and invalid input', () => {
      expect([null, undefined, '', '  ', '12345', 'n/a'].map((raw) => normalizePhone(raw, region)))
        .to.deep.equal([undefined, undefined, undefined, undefined, undefined, undefined]);
    });
    describe('NANP shortcut: validity is decided by the first six digits', () => {
      const forms = [(n: string) => `+1${n}`, (n: string) => n, (n: string) => `1${n}`];
      const isPlusOne = (raw: string, n: string): boolean => parsePhone(raw, region) === `+1${n}`;
      it('holds for random numbers in every form', () => {
        const sample = fc.tuple(fc.stringMatching(/^[2-9]\d{5}$/), fc.stringMatching(/^\d{4}$/),
          fc.stringMatching(/^\d{4}$/), fc.constantFrom(...forms));
        fc.assert(fc.property(sample, ([prefix, a, b, form]) =>
          isPlusOne(form(prefix + a), prefix + a) === isPlusOne(form(prefix + b), prefix + b)), { numRuns: 3000 });
      });
      it('holds in 523-524, the deepest patterns of the metadata', () => {
        const mixed: string[] = [];
        for (let prefix = 523_000; prefix <= 524_999; prefix++) {
          const verdicts = ['0000', '5555', '9999'].map((rest) => isPlusOne(`+1${prefix}${rest}`, `${prefix}${rest}`));
          if (new Set(verdicts).size > 1) mixed.push(String(prefix));
        }
        expect(mixed).to.deep.equal([]);
      });
    });
    it('gives the same answer with the NANP shortcut as the reference parser', () => {
      const formatted = fc.tuple(fc.stringMatching(/^[2-9]\d{9}$/), fc.constantFrom('+1 ', '1-', '', '(x)'))
        .map(([n, lead]) => (lead === '(x)' ? `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}` : `${lead}${n}`));
      fc.assert(fc.property(formatted, (raw) => normalizePhone(raw, region) === parsePhone(raw, region)),
        { numRuns: 2000 });
    });
    it('returns undefined for an unknown region', () => {
      expect(normalizePhone('612 555 0142', 'ZZ')).to.equal(undefined);
    });
  });

  describe('PhoneIndex', () => {
    it('gives the same tail to every form of a number', () => {
      expect(['(612) 555-0142', '+1 612 555 0142 x9', '16125550142', '001 612 555 0142'].map(phoneTail))
        .to.deep.equal(['550142', '550142', '550142', '550142']);
    });
    it('finds an item filed under a form that gives no tail', () => {
      const index = new PhoneIndex<number>(region);
      index.add('+1 612 555 0142;ext=3', 1);
      expect(index.lookup('(612) 555-0142')).to.deep.equal([1]);
    });
    it('looks up a form that gives no tail against every item', () => {
      const index = new PhoneIndex<number>(region);
      index.add('16125550142', 1);
      index.add('16515550100', 2);
      expect(index.lookup('+1 612 555 0142;ext=3')).to.deep.equal([1]);
    });
    it('finds nothing for a different number with the same tail', () => {
      const index = new PhoneIndex<number>(region);
      index.add('16515550142', 1);
      expect(index.lookup('(612) 555-0142')).to.deep.equal([]);
    });
  });

  describe('normalizeEmail and normalizeName', () => {
    it('trims and lower-cases emails', () => {
      expect(normalizeEmail('  Ann.Lee@Example.COM ')).to.equal('ann.lee@example.com');
    });
    it('returns undefined for an empty email', () => {
      expect(normalizeEmail('   ')).to.equal(undefined);
    });
    it('case-folds names and collapses inner whitespace', () => {
      expect(normalizeName('  Mary   ANN\tLee ')).to.equal('mary ann lee');
    });
  });

  describe('buildUserIndex', () => {
    it('keeps every user under a shared key', () => {
      const index = buildUserIndex([user(1, { email: 'a@x.io' }), user(2, { email: 'A@x.io ' })], region);
      expect(index.active.byEmail.get('a@x.io')!.map((u) => u.id)).to.deep.equal([1, 2]);
    });
    it('indexes deleted users apart', () => {
      const index = buildUserIndex([user(1, { employee_code: 'E1', is_deleted: true })], region);
      expect([index.active.byCode.has('e1'), index.deleted.byCode.has('e1')]).to.deep.equal([false, true]);
    });
  });

  describe('matchPeople', () => {
    it('matches by employee code first', () => {
      const plan = matchPeople([person('p1', { employeeNumber: 'E1', workEmail: 'b@x.io' })],
        [user(1, { employee_code: 'E1' }), user(2, { email: 'b@x.io' })], { region });
      expect(plan.matched.map((m) => m.user.id)).to.deep.equal([1]);
    });
    it('uses the GoCo id as the key when there is no employee number', () => {
      const plan = matchPeople([person('uuid-1')], [user(1, { employee_code: 'uuid-1' })], { region });
      expect(plan.matched).to.have.length(1);
    });
    it('links by email, ignoring case and spaces', () => {
      const plan = matchPeople([person('p1', { employeeNumber: 'E1', workEmail: ' Ann@X.io ' })],
        [user(7, { email: 'ann@x.io' })], { region });
      expect(plan.to_link.map((l) => [l.user.id, l.by, l.employee_code])).to.deep.equal([[7, 'email', 'E1']]);
    });
    it('links by personal email too', () => {
      const plan = matchPeople([person('p1', { workEmail: 'w@x.io', personalEmail: 'me@home.io' })],
        [user(7, { email: 'me@home.io' })], { region });
      expect(plan.to_link[0]!.by).to.equal('email');
    });
    it('links by phone across formats', () => {
      const plan = matchPeople([person('p1', { mobilePhone: '(612) 555-0142' })],
        [user(7, { phone_number: '16125550142' })], { region });
      expect(plan.to_link.map((l) => [l.user.id, l.by])).to.deep.equal([[7, 'phone']]);
    });
    it('links by work phone too', () => {
      const plan = matchPeople([person('p1', { mobilePhone: '(651) 555-0100', workPhone: '612.555.0142' })],
        [user(7, { phone_number: '+16125550142' })], { region });
      expect(plan.to_link[0]!.by).to.equal('phone');
    });
    it('reports the code a link overwrites', () => {
      const plan = matchPeople([person('p1', { employeeNumber: 'E2', workEmail: 'a@x.io' })],
        [user(7, { email: 'a@x.io', employee_code: 'OLD' })], { region });
      expect(plan.to_link[0]!.previous_code).to.equal('OLD');
    });
    it('holds the FAQ duplicate case (no code, different email and phone, same name) as a possible duplicate', () => {
      const faq = [person('p1', { employeeNumber: 'E1', workEmail: 'new@x.io', mobilePhone: '612 555 0142' })];
      const users = [user(7, { email: 'old@x.io', phone_number: '16515550100' })];
      const plan = matchPeople(faq, users, { region });
      expect([plan.to_create.length, plan.to_link.length, plan.matched.length, plan.held.length]).to.deep.equal([0, 0, 0, 1]);
      expect(plan.held[0]).to.deep.include({ users: [7], reason: 'possible duplicate: same name as WIW user 7' });
      expect(matchPeople(faq, users, { region, nameMatch: 'create' }).to_create).to.have.length(1);
      expect(matchPeople(faq, users, { region, createAnyway: [' e1 '] }).to_create).to.have.length(1);
    });
    it('compares names trimmed, case-folded, inner whitespace collapsed, first or preferred name', () => {
      const users = [user(7, { first_name: '  ANN ', last_name: 'lee' }), user(8, { first_name: 'Annie', last_name: 'Van  Der Berg' })];
      expect(matchPeople([person('p1')], users, { region }).held[0]!.users).to.deep.equal([7]);
      const annie = person('p2', { firstName: 'Anne', preferredName: 'annie', lastName: ' van der  berg' });
      expect(matchPeople([annie], users, { region }).held[0]!.users).to.deep.equal([8]);
    });
    it('does not hold for a same-name user that has an employee code, is deleted, or was linked in this run', () => {
      expect(matchPeople([person('p1', { employeeNumber: 'E1' })], [user(7, { employee_code: 'E9' })], { region }).to_create).to.have.length(1);
      expect(matchPeople([person('p1', { employeeNumber: 'E1' })], [user(7, { is_deleted: true })], { region }).to_create).to.have.length(1);
      const twins = [person('p1', { employeeNumber: 'E1', workEmail: 'ann@x.io' }), person('p2', { employeeNumber: 'E2' })];
      const plan = matchPeople(twins, [user(7, { email: 'ann@x.io' })], { region });
      expect([plan.to_link.length, plan.to_create.length, plan.held.length]).to.deep.equal([1, 1, 0]);
    });
    it('creates a person with neither email nor phone', () => {
      const plan = matchPeople([person('p1')], [user(7, { first_name: 'Bo' })], { region });
      expect(plan.to_create).to.have.length(1);
    });
    it('reports a conflict when email and phone point to different users', () => {
      const plan = matchPeople([person('p1', { workEmail: 'a@x.io', mobilePhone: '612 555 0142' })],
        [user(1, { email: 'a@x.io' }), user(2, { phone_number: '+16125550142' })], { region });
      expect(plan.conflicts[0]!.candidates).to.deep.equal([{ user_id: 1, by: 'email' }, { user_id: 2, by: 'phone' }]);
    });
    it('reports a conflict when two users share the email', () => {
      const plan = matchPeople([person('p1', { workEmail: 'a@x.io' })],
        [user(1, { email: 'a@x.io' }), user(2, { email: 'A@X.IO' })], { region });
      expect(plan.conflicts[0]!.reason).to.equal('2 When I Work users share the email');
    });
    it('reports a conflict when two users share the employee code', () => {
      const plan = matchPeople([person('p1', { employeeNumber: 'E1' })],
        [user(1, { employee_code: 'E1' }), user(2, { employee_code: 'e1' })], { region });
      expect(plan.conflicts).to.have.length(1);
    });
    it('never offers a user linked to another employee', () => {
      const plan = matchPeople(
        [person('p1', { employeeNumber: 'E1', workEmail: 'a@x.io' }), person('p2', { employeeNumber: 'E2' })],
        [user(1, { email: 'a@x.io', employee_code: 'E2' })], { region });
      expect([plan.to_create.map((p) => p.id), plan.matched.map((m) => m.person.id)])
        .to.deep.equal([['p1'], ['p2']]);
    });
    it('makes the second of two people claiming the same user a conflict', () => {
      const plan = matchPeople(
        [person('p1', { workEmail: 'a@x.io' }), person('p2', { mobilePhone: '612 555 0142' })],
        [user(1, { email: 'a@x.io', phone_number: '6125550142' })], { region });
      expect([plan.to_link[0]!.person.id, plan.conflicts[0]!.candidates[0]!.claimed_by]).to.deep.equal(['p1', 'p1']);
    });
    it('never creates a terminated person', () => {
      const plan = matchPeople([person('p1', { status: 'terminated' })], [], { region });
      expect([plan.to_create.length, plan.skipped[0]!.reason]).to.deep.equal([0, 'terminated and not in When I Work']);
    });
    it('reports a terminated person who holds an active user', () => {
      const plan = matchPeople([person('p1', { employeeNumber: 'E1', status: 'terminated' })],
        [user(1, { employee_code: 'E1' })], { region });
      expect(plan.terminated_with_user.map((t) => [t.user.id, t.by])).to.deep.equal([[1, 'employee_code']]);
    });
    it('lets an active person take a contact match before a terminated one', () => {
      const plan = matchPeople(
        [person('old', { status: 'terminated', workEmail: 'a@x.io' }), person('new', { workEmail: 'a@x.io' })],
        [user(1, { email: 'a@x.io' })], { region });
      expect([plan.to_link[0]!.person.id, plan.conflicts[0]!.person.id]).to.deep.equal(['new', 'old']);
    });
    it('counts on_leave and onboarding as active', () => {
      const plan = matchPeople([person('p1', { status: 'on_leave' }), person('p2', { status: 'onboarding' })], [],
        { region });
      expect(plan.to_create).to.have.length(2);
    });
    it('excludes people not set up to sync', () => {
      const plan = matchPeople([person('p1', { syncToWhenIWork: false })], [], { region });
      expect([plan.excluded.length, plan.to_create.length]).to.deep.equal([1, 0]);
    });
    it('skips an unknown status with its value in the reason', () => {
      const plan = matchPeople([person('p1', { status: 'retired' })], [], { region });
      expect(plan.skipped[0]!.reason).to.equal('unknown status "retired"');
    });
    it('plans a reactivation for a deleted user holding the key', () => {
      const plan = matchPeople([person('p1', { employeeNumber: 'E1' })],
        [user(1, { employee_code: 'E1', is_deleted: true })], { region });
      expect([plan.to_reactivate.length, plan.to_create.length]).to.deep.equal([1, 0]);
    });
    it('never matches a deleted user by email', () => {
      const plan = matchPeople([person('p1', { workEmail: 'a@x.io' })],
        [user(1, { email: 'a@x.io', is_deleted: true })], { region });
      expect(plan.to_create).to.have.length(1);
    });
    it('keeps input order and gives the same plan on every run', () => {
      const people = ['c', 'a', 'b'].map((id) => person(id));
      const first = matchPeople(people, [], { region });
      expect([first.to_create.map((p) => p.id), JSON.stringify(matchPeople(people, [], { region }))])
        .to.deep.equal([['c', 'a', 'b'], JSON.stringify(first)]);
    });
    it('counts every list', () => {
      const plan = matchPeople([person('p1'), person('p2', { syncToWhenIWork: false })], [user(1)], { region });
      expect(plan.counts).to.deep.equal({ people: 2, users: 1, matched: 0, to_link: 0, to_create: 0,
        to_reactivate: 0, conflicts: 0, excluded: 1, skipped: 0, terminated_with_user: 0, held: 1 });
    });
    it('plans 10,000 people against 2,000 users in under 200 ms', () => {
      // Best of three runs, each with new numbers (nothing cached), in CPU time: a busy machine or a garbage
      // collection left over from building the data must not fail the test, a slow algorithm must.
      const spent: number[] = [];
      for (const area of [612, 763, 952]) {
        const { people, users } = population(10_000, 2_000, `p${area}`, area);
        const started = process.cpuUsage();
        const plan = matchPeople(people, users, { region });
        const used = process.cpuUsage(started);
        if (plan.counts.to_link !== 1_000) throw new Error(`unexpected plan ${JSON.stringify(plan.counts)}`);
        spent.push((used.user + used.system) / 1000);
      }
      expect(Math.min(...spent)).to.be.below(200);
    });
  });

  describe('desiredUser and userDiff', () => {
    const p = person('p1', { employeeNumber: 'E1', preferredName: ' Annie ', workEmail: ' Ann@X.io',
      personalEmail: 'me@home.io', workPhone: '612 555 0100', mobilePhone: '(612) 555-0142', payType: 'hourly',
      hourlyRate: 17.5 });
    it('builds the WIW fields from GoCo', () => {
      expect(desiredUser(p, region)).to.deep.equal({ first_name: 'Annie', last_name: 'Lee', email: 'ann@x.io',
        phone_number: '+16125550142', employee_code: 'E1', employment_type: 'hourly', hourly_rate: 17.5 });
    });
    it('finds no difference when values differ only in form', () => {
      expect(userDiff(p, user(1, { first_name: 'ANNIE ', last_name: ' lee', email: 'ANN@x.io',
        phone_number: '16125550142' }), region)).to.deep.equal({});
    });
    it('lists changed fields with the values to write', () => {
      expect(userDiff(p, user(1, { first_name: 'Ann', email: 'old@x.io', phone_number: '16125550142' }), region))
        .to.deep.equal({ first_name: 'Annie', email: 'ann@x.io' });
    });
  });
});

/** Half the users linked, a quarter findable by email, a quarter by phone; most people new. */
function population(peopleCount: number, userCount: number, prefix: string, area: number):
{ people: PersonLike[]; users: WiwUserLike[] } {
  const people: PersonLike[] = [];
  const users: WiwUserLike[] = [];
  for (let i = 0; i < peopleCount; i++) {
    const line = String(1000 + (i % 9000)).padStart(4, '0');
    const exchange = 200 + Math.floor(i / 9000);
    people.push(person(`id-${i}`, { employeeNumber: `${prefix}-${i}`, workEmail: `${prefix}-${i}@x.io`,
      mobilePhone: `(${area}) ${exchange}-${line}`, workPhone: `651.${exchange}.${line}` }));
    if (i < userCount / 2) users.push(user(i, { employee_code: `${prefix}-${i}` }));
    else if (i < userCount * 0.75) users.push(user(i, { email: `${prefix.toUpperCase()}-${i}@x.io` }));
    else if (i < userCount) users.push(user(i, { phone_number: `1${area}${exchange}${line}` }));
  }
  return { people, users };
}
