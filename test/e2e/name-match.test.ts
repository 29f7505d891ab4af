/**
 * GoCo FAQ case 1 held, not duplicated: an employee to create whose name is that of a When I Work user with no
 * employee code (other email, other phone) is held as a possible duplicate until the admin decides with
 * `recipes link EMPLOYEE WIW_USER` or `recipes link EMPLOYEE --create`; `name_match = create` turns it off.
 * Three such people: Meriadoc (the demo's own case; linked), Holman and Ponto (a same-name WIW user added
 * here; Holman created by decision, Ponto by name_match = create).
 */
import { expect } from 'chai';
import { demoSeed } from '../../src/emulators/seed/index.js';
import { Project, summaryOf } from './helpers.js';
import { forEachDatabase } from '../support/databases.js';

const seed = demoSeed();
const merry = seed.wiw.users.find((u) => u.email === 'merry.b@gmail.example')!;
const nextId = Math.max(...seed.wiw.users.map((u) => u.id ?? 0)) + 1;
seed.wiw.users.push(
  { id: nextId, first_name: ' holman ', last_name: 'GREENHAND', email: 'hg@elsewhere.example', phone_number: '+15055550111', employee_code: '', role: 3 },
  { id: nextId + 1, first_name: 'Ponto', last_name: 'Baggins', email: 'pb@elsewhere.example', phone_number: '+15055550112', employee_code: '', role: 3 },
);
seed.wiw.seats = (seed.wiw.seats ?? 0) + 2;
const number = (first: string, last: string) => seed.goco.employees.find((e) => e.firstName === first && e.lastName === last)!.employeeNumber!;
const [meriadoc, holman, ponto] = [number('Meriadoc', 'Brandybuck'), number('Holman', 'Greenhand'), number('Ponto', 'Baggins')];

forEachDatabase('e2e: same-name users are held as possible duplicates (CLI)', function (db) {
  this.timeout(60_000);
  let p: Project;
  const holders = (code: string) => p.users().filter((u) => !u.is_deleted && u.employee_code === code);

  before(async () => {
    p = await Project.start(structuredClone(seed), db); // one seed for both databases: each gets its own copy
    await p.prepareInProcess();
  });
  after(async () => {
    await p?.close();
  });

  it('the dry run holds them: "possible duplicate: same name as WIW user N", not in to_create', async () => {
    const run = await p.cli('test', 'all-employees-sync', '--dry-run');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('  held: 3\n');
    expect(run.stdout).to.contain(`    - Meriadoc Brandybuck | possible duplicate: same name as WIW user ${merry.id} | ${merry.id} | ${meriadoc} | recipes link ${meriadoc} ${merry.id} (same person) or recipes link ${meriadoc} --create`);
    expect(run.stdout).to.contain(`    - Holman Greenhand | possible duplicate: same name as WIW user ${nextId} |`);
    expect(run.stdout).to.contain(`  to_create: ${seed.expected.counts.created - 3}\n`);
  });

  it('the run creates none of them and says so in its summary', async () => {
    const { run, out } = await p.test('all-employees-sync');
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    expect(summaryOf(out).held.map((h: { employee_key: string }) => h.employee_key)).to.have.members([meriadoc, holman, ponto]);
    for (const code of [meriadoc, holman, ponto]) expect(holders(code), code).to.have.length(0);
  });

  it('`recipes link` of an unknown employee or an unknown WIW user exits 2 with a sentence', async () => {
    const noEmployee = await p.cli('link', 'NO-SUCH-1', String(merry.id));
    expect(noEmployee.code, noEmployee.stderr).to.equal(2);
    expect(noEmployee.stderr).to.contain('GoCo has no employee with number or id NO-SUCH-1');
    const noUser = await p.cli('link', meriadoc, '999999');
    expect(noUser.code, noUser.stderr).to.equal(2);
    expect(noUser.stderr).to.contain('When I Work has no user 999999');
    const both = await p.cli('link', meriadoc, String(merry.id), '--create');
    expect(both.code).to.equal(2);
    expect(holders(meriadoc)).to.have.length(0);
  });

  it('`recipes link EMPLOYEE WIW_USER` writes the code into that user, and the next run matches by code', async () => {
    const run = await p.cli('link', meriadoc, String(merry.id));
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    expect(run.stdout).to.contain(`Linked Meriadoc Brandybuck (${meriadoc}) to When I Work user ${merry.id}`);
    expect(p.userById(merry.id!).employee_code).to.equal(meriadoc);
    const taken = await p.cli('link', holman, String(merry.id));
    expect(taken.code).to.equal(2);
    expect(taken.stderr).to.contain(`already has employee code ${meriadoc}`);
  });

  it('`recipes link EMPLOYEE --create` makes the next run create that person beside the same-name user', async () => {
    const run = await p.cli('link', holman, '--create');
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    const { run: again, out } = await p.test('all-employees-sync');
    expect(again.code, again.stderr + again.stdout).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 1, linked: 0 });
    expect(holders(holman)).to.have.length(1);
    expect(holders(meriadoc).map((u) => u.id)).to.deep.equal([merry.id]);
    expect(p.userById(nextId).employee_code).to.equal('');
    expect(summaryOf(out).held.map((h: { employee_key: string }) => h.employee_key)).to.deep.equal([ponto]);
  });

  it('name_match = create creates as before', async () => {
    expect((await p.setProperty('name_match', 'create')).code).to.equal(0);
    const { run, out } = await p.test('all-employees-sync');
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 1 });
    expect(summaryOf(out).held).to.deep.equal([]);
    expect(holders(ponto)).to.have.length(1);
  });
});
