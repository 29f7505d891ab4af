/**
 * GoCo FAQ case 2 through the CLI: more employees than WIW seats (`faqSeatsSeed()`: 5 seats free for 15
 * creates and 1 reactivation). Also, on the same company, an employee missing from GoCo's list (Rosie Gamgee,
 * taken out of the GoCo seed while her WIW user stays) is never treated as terminated.
 */
import { expect } from 'chai';
import { faqSeatsSeed } from '../../src/emulators/seed/index.js';
import type { ExpectedPerson } from '../../src/emulators/seed/types.js';
import type { WiwUser } from '../../src/emulators/wheniwork/types.js';
import { Project, summaryOf, type Run } from './helpers.js';

const seed = faqSeatsSeed();
const rosie = seed.goco.employees.find((e) => e.firstName === 'Rosie')!;
seed.goco.employees = seed.goco.employees.filter((e) => e !== rosie);
const rosieUserId = seed.expected.people.find((x) => x.employeeId === rosie.id)!.wiwUserId!;
const toCreate = seed.expected.people.filter((x) => x.outcome === 'created');
const nameOf = (x: ExpectedPerson) => {
  const e = seed.goco.employees.find((y) => y.id === x.employeeId)!;
  return `${e.preferredName ?? e.firstName} ${e.lastName}`;
};

describe('e2e: seat limit (GoCo FAQ case 2) and a missing employee (CLI)', function () {
  this.timeout(60_000);
  let p: Project;
  let initial: WiwUser[];
  let run: Run;

  before(async () => {
    p = await Project.start(seed);
    // The seed's expected outcomes predate the same-name hold (name-match.test.ts): create as before.
    await p.prepareInProcess({ properties: { name_match: 'create' } });
    initial = p.users();
    run = await p.cli('test', 'all-employees-sync');
  });
  after(async () => {
    await p?.close();
  });

  const holders = (code: string) => p.users().filter((u) => !u.is_deleted && u.employee_code === code);

  it('"more employees than seats -> exit 1, the output says plainly the account has probably reached its user limit and names who was not created"', () => {
    expect(run.code, run.stderr + run.stdout).to.equal(1);
    const text = run.stdout + run.stderr;
    expect(text).to.contain('the account has probably reached its user limit');
    const missing = toCreate.filter((x) => holders(x.code).length === 0);
    expect(missing.length).to.be.above(0);
    const listed = /Not created \((\d+)\): ([^\n]*?)\. Matches and links were still made\./.exec(text.replace(/\s*\n\s*/g, ' '));
    expect(listed, text).to.not.equal(null);
    expect(Number(listed![1])).to.equal(missing.length);
    expect(listed![2]!.split(', ').sort()).to.deep.equal(missing.map(nameOf).sort());
  });

  it('the seats it could use were used: the reactivation and creates up to the limit', () => {
    const account = p.pair.wiw.snapshot().accounts[0]!;
    expect(p.users().filter((u) => !u.is_deleted)).to.have.length(account.seats!);
    expect(holders(seed.expected.people.find((x) => x.outcome === 'reactivated')!.code)).to.have.length(1);
  });

  it('the create loop stops at its break_on (WIW_SEAT_LIMIT): people after the limit are not tried, at most those already in flight', () => {
    const created = toCreate.filter((x) => holders(x.code).length === 1).length;
    const posts = p.pair.wiw.stats.get('POST /2/users') ?? 0;
    expect(posts).to.be.at.most(created + 8); // the recipe's concurrency: 8 creates may be in flight at the limit
    expect(posts).to.be.below(toCreate.length);
    expect(run.stdout).to.match(/ - .+ \| not attempted\n/); // the people after the limit, listed as not tried
  });

  it('"matches and links still happened" despite the seat limit', () => {
    for (const x of seed.expected.people.filter((y) => y.outcome === 'linked_by_email' || y.outcome === 'linked_by_phone')) {
      expect(p.userById(x.wiwUserId!).employee_code).to.equal(x.code);
    }
  });

  it('"no duplicates": nobody holds two users', () => {
    for (const x of seed.expected.people) expect(holders(x.code).length, x.code).to.be.at.most(1);
  });

  it('"an employee missing from GoCo\'s list is never treated as terminated": the WIW user stays and is not a seat to free', () => {
    expect(p.userById(rosieUserId)).to.deep.equal(initial.find((u) => u.id === rosieUserId));
    expect(run.stdout).to.contain('  seats_you_can_free: 1\n    - Fredegar Bolger |');
    expect(p.pair.wiw.stats.get('DELETE /2/users/:id') ?? 0).to.equal(0);
  });

  it('"a re-run after seats are added creates the rest and exits 0"', async () => {
    const missing = toCreate.filter((x) => holders(x.code).length === 0);
    p.pair.wiw.state.accounts.get(p.pair.accountId)!.account.seats! += missing.length;
    const { run: again, out } = await p.test('all-employees-sync');
    expect(again.code, again.stderr + again.stdout).to.equal(0);
    expect(summaryOf(out)).to.include({ created: missing.length, linked: 0, reactivated: 0 });
    expect(summaryOf(out).not_created).to.deep.equal([]);
    for (const x of toCreate) expect(holders(x.code), x.code).to.have.length(1);
  });
});
