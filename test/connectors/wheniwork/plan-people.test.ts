import { expect } from 'chai';
import { planPeople, type GocoPerson, type MatchInput } from '../../../src/connectors/wheniwork/actions/plan-people.js';
import { defaultWiwSeed, startWiwEmulator } from '../../../src/emulators/wheniwork/index.js';
import { connectTo, makeCtx, run } from './helpers.js';

const users: MatchInput['users'] = [
  { id: 1, first_name: 'Bob', last_name: 'Barista', email: 'bob@x.example', employee_code: 'E1', phone_number: '+16125550101', locations: [301], positions: [501] } as MatchInput['users'][number],
  { id: 2, first_name: 'Carla', last_name: 'Lead', email: 'carla@x.example', phone_number: '612-555-0102', locations: [302], positions: [502] } as MatchInput['users'][number],
  { id: 3, first_name: 'Old', last_name: 'Timer', email: 'old@x.example', employee_code: 'E9', is_deleted: true },
  { id: 4, first_name: 'Twin', last_name: 'One', email: 'twin@x.example' },
  { id: 5, first_name: 'Twin', last_name: 'Two', email: 'TWIN@x.example' },
  { id: 6, first_name: 'Gone', last_name: 'Soon', email: 'gone@x.example', employee_code: 'E7' },
];

const person = (p: Partial<GocoPerson> & { id: string }): GocoPerson => ({ status: 'active', ...p });

const people: GocoPerson[] = [
  person({ id: 'p1', employeeNumber: 'E1', firstName: 'Bob', lastName: 'Barista', workEmail: 'bob@x.example', workLocationId: 'L1', departmentId: 'D1' }),
  person({ id: 'p2', employeeNumber: 'E2', firstName: 'Carla', lastName: 'Lead', workEmail: ' Carla@X.example ', workLocationId: 'L2' }),
  person({ id: 'p3', employeeNumber: 'E3', firstName: 'Nina', preferredName: 'Nin', lastName: 'New', mobilePhone: '(612) 555-0199', payType: 'hourly', hourlyRate: 18, workLocationId: 'L1', departmentId: 'D2' }),
  person({ id: 'p4', employeeNumber: 'E9', firstName: 'Old', lastName: 'Timer' }),
  person({ id: 'p5', employeeNumber: 'E5', firstName: 'Twin', lastName: 'Either', workEmail: 'twin@x.example' }),
  person({ id: 'p6', employeeNumber: 'E6', firstName: 'Opt', lastName: 'Out', syncToWhenIWork: false }),
  person({ id: 'p7', employeeNumber: 'E7', firstName: 'Gone', lastName: 'Soon', status: 'terminated' }),
  person({ id: 'p8', employeeNumber: 'E8', firstName: 'Never', lastName: 'Here', status: 'terminated' }),
];

const mappings = { locations: { L1: '301', L2: 302 }, positions: { D1: '501', D2: '502' } };
const plan = (extra: Partial<MatchInput> = {}) => planPeople({ people, users, region: 'US', ...mappings, ...extra });
const ids = (list: { person: GocoPerson }[]) => list.map((e) => e.person.id);

describe('wheniwork connector: match_people', () => {
  it('to_create carries desired fields with mapped location and position ids', () => {
    const [entry] = plan().to_create;
    expect(entry!.name).to.equal('Nin New');
    expect(entry!.desired).to.deep.equal({
      first_name: 'Nin', last_name: 'New', phone_number: '+16125550199', employee_code: 'E3', employment_type: 'hourly',
      hourly_rate: 18, locations: [301], positions: [502],
    });
  });

  it('a match by employee code is matched', () => {
    expect(ids(plan().matched)).to.deep.equal(['p1']);
  });

  it('a match by email is to_link with the employee code to write', () => {
    const [link] = plan().to_link;
    expect(link).to.include({ by: 'email', employee_code: 'E2', name: 'Carla Lead' });
    expect(link!.user.id).to.equal(2);
    expect(link!.desired.employee_code).to.equal('E2');
  });

  it('an active person whose code is on a deleted user is to_reactivate', () => {
    expect(plan().to_reactivate.map((e) => [e.person.id, e.user.id])).to.deep.equal([['p4', 3]]);
  });

  it('several users for one person is a conflict, with the name', () => {
    const [conflict] = plan().conflicts;
    expect(conflict!.name).to.equal('Twin Either');
    expect(conflict!.candidates.map((c) => c.user_id)).to.deep.equal([4, 5]);
  });

  it('reports excluded, skipped and terminated people who hold a user', () => {
    const out = plan();
    expect(ids(out.excluded)).to.deep.equal(['p6']);
    expect(out.skipped.map((e) => [e.person.id, e.reason])).to.deep.equal([['p8', 'terminated and not in When I Work']]);
    expect(out.terminated_with_user.map((e) => [e.person.id, e.user.id, e.name])).to.deep.equal([['p7', 6, 'Gone Soon']]);
  });

  it('counts every list', () => {
    expect(plan().counts).to.deep.equal({
      people: 8, users: 6, to_create: 1, to_link: 1, matched: 1, to_update: 0, to_reactivate: 1, conflicts: 1, excluded: 1,
      skipped: 1, terminated_with_user: 1, held: 0,
    });
  });

  it('without updates, to_update stays empty', () => {
    const moved = people.map((p) => (p.id === 'p1' ? { ...p, lastName: 'Brewer' } : p));
    expect(planPeople({ people: moved, users, region: 'US', ...mappings }).to_update).to.deep.equal([]);
  });

  it('with updates, a matched user whose fields differ gets exactly the changes', () => {
    const moved = people.map((p) => (p.id === 'p1' ? { ...p, lastName: 'Brewer', workLocationId: 'L2' } : p));
    const out = planPeople({ people: moved, users, region: 'US', ...mappings, updates: true });
    const entry = out.to_update.find((e) => e.person.id === 'p1');
    expect(entry!.changes).to.deep.equal({ last_name: 'Brewer', locations: [302] });
  });

  it('with updates, a matched user that is up to date is not listed; normalised values compare equal', () => {
    const same = people.map((p) => (p.id === 'p1' ? { ...p, lastName: '  barista ', workEmail: 'BOB@x.example', mobilePhone: '612 555 0101' } : p));
    const out = planPeople({ people: same, users, region: 'US', ...mappings, updates: true });
    expect(out.to_update.find((e) => e.person.id === 'p1')).to.equal(undefined);
  });

  it('with updates, a linked user is listed with employee_code among its changes', () => {
    const out = plan({ updates: true });
    const entry = out.to_update.find((e) => e.person.id === 'p2');
    expect(entry!.changes).to.deep.equal({ employee_code: 'E2' });
  });

  it('entries point at the input objects instead of copying them', () => {
    const out = plan();
    expect(out.to_link[0]!.person).to.equal(people[1]);
    expect(out.to_link[0]!.user).to.equal(users[1]);
  });

  describe('at scale', function () {
    this.timeout(120_000);

    it('10,000 people x 2,000 users: list and match make exactly one GET /2/users', async () => {
      const seed = defaultWiwSeed();
      const account = seed.accounts[0]!;
      account.seats = null;
      for (let i = 0; i < 2_000; i++) {
        account.users!.push({ first_name: `U${i}`, last_name: 'Scale', email: `u${i}@scale.example`, employee_code: i < 1_500 ? `S${i}` : '' });
      }
      const wiw = await startWiwEmulator({ seed });
      const client = connectTo(wiw);
      try {
        const ctx = makeCtx(client);
        const before = wiw.stats.get('GET /2/users') ?? 0;
        const { users: listed } = await run('list_users', { show_deleted: true }, ctx);
        const many: GocoPerson[] = Array.from({ length: 10_000 }, (_, i) => person({
          id: `g${i}`, employeeNumber: `S${i}`, firstName: `U${i}`, lastName: 'Scale', workEmail: `u${i}@scale.example`,
        }));
        const out = await run('match_people', { people: many, users: listed, region: 'US' }, ctx);
        expect(wiw.stats.get('GET /2/users')! - before).to.equal(1);
        expect(out.counts).to.include({ people: 10_000, users: 2_004, matched: 1_500, to_link: 500, to_create: 8_000 });
      } finally {
        await client.close();
        await wiw.close();
      }
    });
  });
});
