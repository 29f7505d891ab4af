/**
 * WIW_PROVISIONING_EMPLOYEE_SYNC through the CLI after the demo company's first sync: each change is made in
 * GoCo through the emulator, then `recipes test employee-sync` processes the earliest unprocessed event (one
 * job). Setup (properties, location-sync, department-sync, all-employees-sync) runs in-process; its CLI path
 * is covered by setup.test.ts and all-employees-sync.test.ts.
 */
import { expect } from 'chai';
import { demoSeed } from '../../src/emulators/seed/index.js';
import { startGocoEmulator } from '../../src/emulators/goco/index.js';
import { parseJson, Project, summaryOf } from './helpers.js';

const seed = demoSeed();
const employee = (last: string, first: string) => seed.goco.employees.find((e) => e.lastName === last && e.firstName === first)!;
const [uptown, , lakeside] = seed.goco.locations;
const [foh, , mgmt] = seed.goco.departments;

describe('e2e: employee-sync (CLI)', function () {
  this.timeout(60_000);
  let p: Project;

  before(async () => {
    p = await Project.start(seed);
    await p.prepareInProcess({ recipes: ['location-sync', 'department-sync', 'all-employees-sync'] });
  });
  after(async () => {
    await p?.close();
  });

  /** One `recipes test employee-sync --json`: exit 0 and exactly one job. */
  async function sync() {
    const { run, out } = await p.test('employee-sync');
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    return summaryOf(out);
  }

  it('the first test run only marks "now": it says there is no unprocessed event and creates no job', async () => {
    const writes = p.wiwWrites();
    const run = await p.cli('test', 'employee-sync');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('employee-sync: no unprocessed event after the cursor; no job was created.\n');
    expect(p.wiwWrites()).to.equal(writes);
  });

  it('"employee-sync applies name, email and phone changes" (phone as E.164), to the same user', async () => {
    const elanor = employee('Gardner', 'Elanor');
    const user = p.userByCode(elanor.employeeNumber!);
    p.pair.goco.updateEmployee(elanor.id, { lastName: 'Fairbairn', workEmail: ' Elanor.Fairbairn@ShireHospitality.example', mobilePhone: '(612) 555-0191' });
    const summary = await sync();
    expect(summary).to.include({ employee: 'Elanor Fairbairn', updated: 1, created: 0 });
    expect(summary.changes).to.have.members(['last_name', 'email', 'phone_number']);
    expect(p.userByCode(elanor.employeeNumber!)).to.include({ id: user.id, first_name: 'Elanor', last_name: 'Fairbairn', email: 'elanor.fairbairn@shirehospitality.example', phone_number: '+16125550191' });
  });

  it('"employee-sync applies location and position changes" through the mappings', async () => {
    const rose = employee('Cotton', 'Rose');
    p.pair.goco.updateEmployee(rose.id, { workLocationId: lakeside!.id, departmentId: mgmt!.id });
    const summary = await sync();
    expect(summary).to.include({ updated: 1 });
    expect(summary.changes).to.have.members(['locations', 'positions']);
    expect(p.userByCode(rose.employeeNumber!)).to.deep.include({ locations: [103], positions: [203] });
  });

  it('a new active hire gets a WIW user with its location and position', async () => {
    const hire = p.pair.goco.hire({ firstName: 'Farmer', lastName: 'Maggot', workEmail: 'farmer.maggot@shirehospitality.example', mobilePhone: '612-555-0150', workLocationId: uptown!.id, departmentId: foh!.id });
    const summary = await sync();
    expect(summary).to.include({ created: 1, updated: 0 });
    expect(p.userByCode(hire.employeeNumber!)).to.deep.include({ first_name: 'Farmer', email: 'farmer.maggot@shirehospitality.example', locations: [101], positions: [201], is_deleted: false });
  });

  it('"employee-sync removes the WIW user of a terminated employee (on_termination=remove, default)"', async () => {
    const tom = employee('Cotton', 'Tom');
    const user = p.userByCode(tom.employeeNumber!);
    p.pair.goco.terminate(tom.id, '2026-06-30');
    const summary = await sync();
    expect(summary).to.include({ removed: 1, kept: 0 });
    expect(p.userById(user.id).is_deleted).to.equal(true);
  });

  it('"rehire reactivates the deleted WIW user" instead of creating another', async () => {
    const tom = employee('Cotton', 'Tom');
    const user = p.userByCode(tom.employeeNumber!);
    const count = p.users().length;
    p.pair.goco.rehire(tom.id, '2026-08-01');
    const summary = await sync();
    expect(summary).to.include({ reactivated: 1, created: 0 });
    expect(p.userById(user.id).is_deleted).to.equal(false);
    expect(p.users()).to.have.length(count);
  });

  it('`jobs rerun` of an older change applies GoCo\'s current record: WIW keeps the newer name, and the warning says so', async () => {
    const nora = employee('Bolger', 'Nora');
    p.pair.goco.updateEmployee(nora.id, { lastName: 'Brockhouse' });
    const { run: a, out: first } = await p.test('employee-sync');
    expect(a.code, a.stderr).to.equal(0);
    p.pair.goco.updateEmployee(nora.id, { lastName: 'Chubb' });
    expect(await sync()).to.include({ employee: 'Nora Chubb', updated: 1 });
    const rerun = await p.cli('jobs', 'rerun', String(first.job!.id));
    expect(rerun.code, rerun.stderr + rerun.stdout).to.equal(0);
    expect(rerun.stderr).to.contain(`replays event ${nora.id}@`).and.to.contain(`the job reads employee Nora Brockhouse (${nora.id}) as it is in GoCo now and applies that`);
    expect(p.userByCode(nora.employeeNumber!)).to.include({ first_name: 'Nora', last_name: 'Chubb' });
  });

  it('a rerun for an employee GoCo no longer has changes nothing and says why', async () => {
    const nora = employee('Bolger', 'Nora');
    const last = p.pair.goco.snapshot();
    const without = await startGocoEmulator({ seed: { ...last, employees: last.employees.filter((e) => e.id !== nora.id) } });
    try {
      const jobs = parseJson<Array<{ id: number; eventId: string | null }>>(await p.cli('jobs', 'employee-sync', '--json'));
      const noraJob = jobs.find((j) => j.eventId?.startsWith(`${nora.id}@`))!;
      expect((await p.setProperty('goco_api_url', without.url)).code).to.equal(0);
      const writes = p.wiwWrites();
      const rerun = await p.cli('jobs', 'rerun', String(noraJob.id), '--json');
      expect(rerun.code, rerun.stderr + rerun.stdout).to.equal(0);
      const out = parseJson(rerun);
      expect(out.job!.status).to.equal('succeeded');
      expect(out.job!.summary).to.include({ not_in_goco: true });
      expect(rerun.stdout).to.contain(`GoCo no longer has employee ${nora.id}`);
      expect(p.wiwWrites()).to.equal(writes);
      expect(p.userByCode(nora.employeeNumber!).is_deleted).to.equal(false);
    } finally {
      await p.setProperty('goco_api_url', p.pair.properties.goco_api_url);
      await without.close();
    }
  });

  it('"on_termination keep" (`recipes properties set on_termination keep`) keeps the WIW user of a terminated employee', async () => {
    const set = await p.cli('properties', 'set', 'on_termination', 'keep');
    expect(set.code, set.stderr).to.equal(0);
    expect(set.stdout).to.equal('on_termination set to keep.\n');
    const rose = employee('Cotton', 'Rose');
    p.pair.goco.terminate(rose.id);
    const summary = await sync();
    expect(summary).to.include({ removed: 0, kept: 1 });
    expect(p.userByCode(rose.employeeNumber!).is_deleted).to.equal(false);
    expect(p.pair.wiw.stats.get('DELETE /2/users/:id')).to.equal(1);
  });
});
