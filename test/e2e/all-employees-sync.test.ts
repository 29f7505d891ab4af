/**
 * WIW_PROVISIONING_ALL_EMPLOYEES_SYNC through the CLI on the demo company (docs/sync-rules.md): the dry-run plan,
 * the first run (match order, links, creates, conflicts, terminated, excluded), idempotency, matching by code
 * after GoCo changes, and GoCo FAQ case 1 with `recipes duplicates`.
 *
 * One change to the demo seed: the FAQ duplicate's WIW user is named exactly as in GoCo ('Meriadoc', not the
 * nickname 'Merry'), which is the FAQ's case - same person, no employee ID, other email and phone.
 */
import { expect } from 'chai';
import { demoSeed } from '../../src/emulators/seed/index.js';
import type { ExpectedOutcome, ExpectedPerson } from '../../src/emulators/seed/types.js';
import type { WiwUser } from '../../src/emulators/wheniwork/types.js';
import { Project, summaryOf, type JobJson, type Run } from './helpers.js';

const seed = demoSeed();
const merry = seed.wiw.users.find((u) => u.email === 'merry.b@gmail.example')!;
merry.first_name = 'Meriadoc';

const people = (outcome: ExpectedOutcome): ExpectedPerson[] => seed.expected.people.filter((x) => x.outcome === outcome);
const employee = (last: string, first: string) => seed.goco.employees.find((e) => e.lastName === last && e.firstName === first)!;
const codeOf = (last: string, first: string) => employee(last, first).employeeNumber!;

describe('e2e: all-employees-sync (CLI)', function () {
  this.timeout(60_000);
  let p: Project;
  let initial: WiwUser[];
  let first: { run: Run; out: JobJson };

  before(async () => {
    p = await Project.start(seed);
    // The seed's expected outcomes predate the same-name hold (name-match.test.ts): create as before.
    await p.prepareInProcess({ properties: { name_match: 'create' } });
    initial = p.users();
  });
  after(async () => {
    await p?.close();
  });

  const active = () => p.users().filter((u) => !u.is_deleted);
  const seedIds = () => new Set(initial.map((u) => u.id));

  it('`--dry-run` prints the plan (to create, to link, matched, conflicts, skipped with reasons, seats needed vs free) and writes nothing', async () => {
    const writes = p.wiwWrites();
    const run = await p.cli('test', 'all-employees-sync', '--dry-run');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^job \d+ {2}all-employees-sync {2}ok .*\(test, dry run\)$/m);
    const c = seed.expected.counts;
    expect(run.stdout).to.contain(`  to_create: ${c.created}\n`);
    expect(run.stdout).to.contain(`  to_link: ${c.linked_by_email + c.linked_by_phone}\n`);
    expect(run.stdout).to.contain(`  matched: ${c.matched}\n`);
    expect(run.stdout).to.contain('  conflicts: 1\n    - Peregrin Took | email matches When I Work user');
    expect(run.stdout).to.contain('  skipped: 1\n    - Lotho Pimple | terminated and not in When I Work\n');
    expect(run.stdout).to.contain('  excluded: 1\n    - Ted Sandyman | not set up for When I Work in GoCo\n');
    const free = seed.wiw.seats + 1 - active().length;
    expect(run.stdout).to.contain(`  seats: ${c.created + c.reactivated} needed, ${free} free\n`);
    expect(run.stdout).to.contain('  created: 0\n');
    // A planned write is counted as planned, not as succeeded.
    expect(run.stdout, run.stdout).to.match(new RegExp(`^ +ok +create .*total=${c.created}, succeeded=0, planned=${c.created}, failed=0`, 'm'));
    expect(p.wiwWrites()).to.equal(writes);
    expect(p.users()).to.deep.equal(initial);
  });

  it('the first run exits 0 and reports what it did', async () => {
    first = await p.test('all-employees-sync');
    expect(first.run.code, first.run.stderr + first.run.stdout).to.equal(0);
    const c = seed.expected.counts;
    expect(summaryOf(first.out)).to.include({ created: c.created, linked: c.linked_by_email + c.linked_by_phone, reactivated: c.reactivated, matched: c.matched });
  });

  it('"match order: employee_code first": a code match ends the search even when GoCo\'s email changed, and no other field is written', () => {
    const frodo = p.userByCode(codeOf('Baggins', 'Frodo'));
    expect(frodo.email).to.equal('frodo@bagend.example');
    for (const x of people('matched')) expect(p.userById(x.wiwUserId!)).to.deep.equal(initial.find((u) => u.id === x.wiwUserId));
  });

  it('"then email (trimmed, case-insensitive, work and personal)": the match is linked by writing employee_code', () => {
    const linked = people('linked_by_email');
    expect(linked.length).to.equal(2);
    for (const x of linked) expect(p.userById(x.wiwUserId!).employee_code).to.equal(x.code);
    // Found through the personal email, upper-case in WIW; linking writes the code and leaves the email alone.
    expect(p.userByCode(codeOf('Sackville-Baggins', 'Lobelia')).email).to.equal('LOBELIA@GMAIL.EXAMPLE');
  });

  it('"then E.164 phone with default_phone_region": 6125550142 in GoCo links +16125550142 in WIW', () => {
    const [x] = people('linked_by_phone');
    expect(p.userById(x!.wiwUserId!)).to.include({ employee_code: x!.code, phone_number: '+16125550142' });
  });

  it('"several candidates = a conflict: reported, nothing written"', () => {
    const [x] = people('conflict');
    for (const id of x!.otherWiwUserIds!) expect(p.userById(id)).to.deep.equal(initial.find((u) => u.id === id));
    expect(p.users().filter((u) => u.employee_code === x!.code)).to.have.length(0);
    expect(summaryOf(first.out).conflicts).to.deep.equal([{ employee: 'Peregrin Took', reason: `email matches When I Work user ${x!.otherWiwUserIds![0]} but phone matches user ${x!.otherWiwUserIds![1]}` }]);
  });

  it('"not found and active (or onboarding, on leave) -> created", once each', () => {
    for (const x of people('created')) {
      const users = active().filter((u) => u.employee_code === x.code);
      expect(users, x.code).to.have.length(1);
      expect(seedIds().has(users[0]!.id)).to.equal(false);
    }
  });

  it('"creates carry location and position ids from the mappings"', () => {
    const loc = (name: string) => p.pair.wiw.snapshot().accounts[0]!.locations.find((l) => l.name === name)!.id;
    const pos = (name: string) => p.pair.wiw.snapshot().accounts[0]!.positions.find((x) => x.name === name)!.id;
    expect(p.userByCode(codeOf('Cotton', 'Marigold'))).to.deep.include({ locations: [loc('Airport Kiosk')], positions: [pos('Catering')] });
    expect(p.userByCode(codeOf('Núñez', 'José'))).to.deep.include({ locations: [101], positions: [202] });
    expect(p.userByCode(codeOf('Cotton', 'Tom'))).to.deep.include({ locations: [103], positions: [201] });
    expect(p.userByCode(codeOf('Baggins', 'Ponto'))).to.deep.include({ locations: [], positions: [201] });
  });

  it('"preferredName used as first_name; email lower-cased and trimmed; phone E.164"', () => {
    expect(p.userByCode(codeOf('Proudfoot', 'Robert'))).to.include({ first_name: 'Bob', last_name: 'Proudfoot' });
    expect(p.userByCode(codeOf('Whitfoot', 'Will'))).to.include({ email: 'will.whitfoot@yahoo.example', phone_number: '+16125550120' });
    expect(p.userByCode(codeOf('Núñez', 'José'))).to.include({ first_name: 'José', phone_number: '+16125550115' });
    expect(p.userByCode(codeOf("O'Brien", 'Zoë')).phone_number).to.equal('+16125550116');
    expect(p.userByCode(codeOf('Bracegirdle', 'Hilda')).phone_number).to.equal('+442079460958');
  });

  it('a rehire whose code matches a deleted WIW user reactivates it instead of creating one', () => {
    const [x] = people('reactivated');
    expect(p.userById(x!.wiwUserId!).is_deleted).to.equal(false);
    expect(p.users().filter((u) => u.employee_code === x!.code)).to.have.length(1);
  });

  it('"terminated employees are never created"; all-employees-sync reports "seats you can free" and never deletes', () => {
    for (const x of people('skipped_terminated')) {
      expect(p.users().filter((u) => u.employee_code === x.code && !seedIds().has(u.id))).to.have.length(0);
    }
    const fatty = people('skipped_terminated').find((x) => x.wiwUserId !== undefined)!;
    expect(p.userById(fatty.wiwUserId!).is_deleted).to.equal(false);
    expect(summaryOf(first.out).seats_you_can_free).to.deep.equal([{ employee: 'Fredegar Bolger', wiw_user_id: fatty.wiwUserId }]);
    expect(p.pair.wiw.stats.get('DELETE /2/users/:id') ?? 0).to.equal(0);
  });

  it('"syncToWhenIWork false -> excluded and reported"', () => {
    const [x] = people('excluded');
    expect(p.users().filter((u) => u.employee_code === x!.code)).to.have.length(0);
    expect(summaryOf(first.out).excluded).to.deep.equal([{ employee: 'Ted Sandyman', reason: 'not set up for When I Work in GoCo' }]);
  });

  it('"idempotency: a second run with nothing changed makes no writes" and exits 0', async () => {
    const writes = p.wiwWrites();
    const users = p.users();
    const { run, out } = await p.test('all-employees-sync');
    expect(run.code, run.stderr).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 0, linked: 0, reactivated: 0, to_create: 0, to_link: 0 });
    expect(p.wiwWrites()).to.equal(writes);
    expect(p.users()).to.deep.equal(users);
  });

  it('"a match by email/phone writes employee_code, and the next run matches by code even after the email changed in GoCo"; "a user already linked to another employee is never a candidate"', async () => {
    const sam = employee('Gamgee', 'Samwise');
    const ham = employee('Gamgee', 'Hamfast');
    p.pair.goco.updateEmployee(sam.id, { workEmail: 'samwise@bagshot.example', mobilePhone: '612-555-0999' });
    p.pair.goco.updateEmployee(ham.id, { mobilePhone: '651-555-0888' });
    // Rosie's phone, but Rosie's WIW user is linked to Rosie (code 1001): not a candidate for the new hire.
    const rosie = p.userByCode(codeOf('Gamgee', 'Rosie'));
    const hire = p.pair.goco.hire({ firstName: 'Mayor', lastName: 'Gamgee', workEmail: 'mayor.gamgee@shirehospitality.example', mobilePhone: '(612) 555-0101', workLocationId: seed.goco.locations[0]!.id });
    const count = p.users().length;
    const { run, out } = await p.test('all-employees-sync');
    expect(run.code, run.stderr).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 1, linked: 0, to_link: 0 });
    expect(summaryOf(out).conflicts).to.have.length(1);
    expect(p.users()).to.have.length(count + 1);
    expect(p.userByCode(sam.employeeNumber!).email).to.equal('sam.gamgee@shirehospitality.example');
    expect(p.userByCode(ham.employeeNumber!).id).to.equal(people('linked_by_phone')[0]!.wiwUserId);
    expect(p.userById(rosie.id)).to.deep.equal(rosie);
    expect(p.userByCode(hire.employeeNumber!)).to.include({ email: 'mayor.gamgee@shirehospitality.example', phone_number: '+16125550101' });
  });

  it('GoCo FAQ case 1 with name_match=create: a WIW user without employee ID, other email and phone is not matched (a user is created) and `recipes duplicates` lists the pair: same name, different email and phone', async () => {
    const meriadoc = employee('Brandybuck', 'Meriadoc');
    const created = p.userByCode(meriadoc.employeeNumber!);
    expect(created.id).to.not.equal(merry.id);
    expect(p.userById(merry.id)).to.include({ employee_code: '', is_deleted: false });
    const run = await p.cli('duplicates');
    expect(run.code, run.stderr).to.equal(0);
    const group = run.stdout.split('\n- ').find((g) => g.startsWith('same name, different email and phone'));
    expect(group, run.stdout).to.be.a('string');
    expect(group).to.contain(`WIW user ${merry.id}: Meriadoc Brandybuck <merry.b@gmail.example> 763-555-0199`);
    expect(group).to.contain(`WIW user ${created.id}: Meriadoc Brandybuck <meriadoc.brandybuck@shirehospitality.example>`);
  });
});
