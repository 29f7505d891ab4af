/**
 * `recipes duplicates` (the duplicates recipe over records.map, records.group and records.lookup) through
 * the CLI against the emulators: the demo company plus users and employees made for each rule.
 */
import { expect } from 'chai';
import type { GocoEmployee } from '../../src/emulators/goco/types.js';
import { demoSeed } from '../../src/emulators/seed/index.js';
import type { WiwSeedUser } from '../../src/emulators/seed/types.js';
import { parseJson, Project } from './helpers.js';

const seed = demoSeed();
const B = 90_000;
const template = seed.wiw.users.find((u) => u.employee_code !== '' && !u.is_deleted)!;
const user = (n: number, first: string, last: string, fields: Partial<WiwSeedUser> = {}): WiwSeedUser => ({
  ...template, id: B + n, first_name: first, last_name: last, email: '', phone_number: '', employee_code: '', is_deleted: false, ...fields,
});
seed.wiw.users.push(
  user(1, 'Ann', 'Lee', { email: 'ann@dup.example', phone_number: '+16125550901', employee_code: 'D1' }),
  user(2, 'Annie', 'Lee', { email: 'ANN@dup.example ' }),
  user(3, 'Bo', 'Ray', { email: 'bo@dup.example', phone_number: '612-555-0902' }),
  user(4, 'Bob', 'Ray', { email: 'bob.ray@dup.example', phone_number: '(612) 555-0902' }),
  user(5, 'Cy', 'Moe', { email: 'cy1@dup.example', phone_number: '+16125550903' }),
  user(6, ' cy', 'MOE', { email: 'cy2@dup.example', phone_number: '+16125550904' }),
  user(7, 'Dee', 'Fox', { email: 'dee@dup.example', employee_code: 'D7' }),
  user(8, 'Dee', 'Fox', { email: 'dee.fox@other.example', phone_number: '+16125550908' }),
  user(9, 'Gone', 'User', { email: 'ann@dup.example', is_deleted: true }),
  user(10, 'Meri', 'Brandy', { email: 'meri@old.example', phone_number: '+16125550910' }),
  user(11, 'Cyd', 'Moss', { email: 'cyd@dup.example' }),
);
const model = seed.goco.employees[0]!;
const employee = (id: string, number: string, first: string, last: string, fields: Partial<GocoEmployee> = {}): GocoEmployee => ({
  ...model, id, employeeNumber: number, firstName: first, lastName: last, preferredName: null, workEmail: null, personalEmail: null,
  mobilePhone: null, workPhone: null, status: 'active', syncToWhenIWork: true, ...fields,
});
seed.goco.employees.push(
  employee('dup-g7', 'D7', 'Dee', 'Fox', { workEmail: 'dee@dup.example', mobilePhone: '612 555 0908' }),
  employee('dup-b', 'D2', 'Dee', 'Fox'),
  employee('dup-m', 'D9', 'Meri', 'Brandy', { workEmail: 'meri@new.example', mobilePhone: '612 555 0999' }),
  employee('dup-c', 'D11', 'Cyd', 'Moss', { workEmail: 'cyd@dup.example' }),
);

interface Group { reason: string; users: { id: number; name: string; email?: string; phone?: string }[]; employee?: Record<string, unknown> }

describe('e2e: recipes duplicates (CLI)', function () {
  this.timeout(60_000);
  let p: Project;
  let groups: Group[];
  const ids = (g: Group) => g.users.map((u) => u.id - B);
  const ours = (g: Group) => g.users.every((u) => u.id > B);

  before(async () => {
    p = await Project.start(seed);
    await p.prepareInProcess({ recipes: [] });
    const run = await p.cli('duplicates', '--json');
    expect(run.code, run.stderr).to.equal(0);
    groups = parseJson<{ groups: Group[] }>(run).groups;
  });
  after(async () => {
    await p?.close();
  });

  it('groups users by email ignoring case, by phone and by name, ignoring deleted users', () => {
    expect(groups.filter((g) => !g.employee && ours(g)).map((g) => [ids(g), g.reason])).to.deep.equal([
      [[1, 2], 'same email ignoring case'],
      [[3, 4], 'same phone'],
      [[5, 6], 'same name, different email and phone'],
      [[7, 8], 'same name, different email and phone'],
    ]);
  });

  it('each group lists id, name, email and phone', () => {
    expect(groups.find((g) => ids(g)[0] === 1)!.users[0]).to.deep.include({ id: B + 1, name: 'Ann Lee', email: 'ann@dup.example', phone: '+16125550901' });
  });

  it('names the GoCo employee several users fit, and by what', () => {
    const group = groups.find((g) => g.employee?.id === 'dup-g7')!;
    expect(group.employee).to.include({ id: 'dup-g7', employee_number: 'D7', name: 'Dee Fox', email: 'dee@dup.example', phone: '+16125550908' });
    expect(ids(group)).to.deep.equal([7, 8]);
    expect(group.reason).to.equal('same employee (employee code, email, phone, name)');
  });

  it('a user linked to another employee is not a name-only fit', () => {
    // User 7 carries D7 (the other Dee Fox's number), so only the unlinked user 8 is named for D2.
    expect(groups.filter((g) => g.employee?.id === 'dup-b').map(ids)).to.deep.equal([[8]]);
  });

  it('names the GoCo FAQ duplicate: one unlinked user with the same name but another email and phone', () => {
    const faq = groups.filter((g) => g.employee?.id === 'dup-m');
    expect(faq.map(ids)).to.deep.equal([[10]]);
    expect(faq[0]!.reason).to.match(/^same name as a GoCo employee, but a different email and phone/);
  });

  it('does not name a user the sync would match by email', () => {
    expect(groups.filter((g) => g.employee?.id === 'dup-c')).to.deep.equal([]);
  });

  it('prints the groups as text, with the employee', async () => {
    const run = await p.cli('duplicates');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`- same employee (employee code, email, phone, name)\n    GoCo employee Dee Fox <dee@dup.example>\n    WIW user ${B + 7}: Dee Fox <dee@dup.example>\n`);
  });
});
