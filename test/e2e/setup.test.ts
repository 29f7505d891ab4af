/**
 * The admin's setup through the CLI, on the demo company: properties (secrets via --stdin), the `needs`
 * guard, then location-sync and department-sync against the WIW emulator, and GoCo renames afterwards.
 * The `it`s run in order on one project, as the admin would.
 */
import { expect } from 'chai';
import { demoSeed } from '../../src/emulators/seed/index.js';
import { Project, summaryOf } from './helpers.js';

describe('e2e: setup, location-sync and department-sync (CLI)', function () {
  this.timeout(60_000);
  const seed = demoSeed();
  const [uptown, riverside, , airport] = seed.goco.locations;
  const [foh, boh, , catering] = seed.goco.departments;
  let p: Project;

  before(async () => {
    p = await Project.start(seed);
  });
  after(async () => {
    await p?.close();
  });

  const locations = () => p.pair.wiw.snapshot().accounts[0]!.locations.filter((l) => !l.is_deleted);
  const positions = () => p.pair.wiw.snapshot().accounts[0]!.positions.filter((x) => !x.is_deleted);

  it('properties set through the CLI: plain values echoed, secrets read from --stdin and never printed', async () => {
    const runs = await p.setProperties(['wiw_password']);
    expect(runs.map((r) => r.code)).to.deep.equal(runs.map(() => 0));
    const all = runs.map((r) => r.stdout).join('');
    expect(all).to.contain(`wiw_email set to ${p.pair.properties.wiw_email}.`);
    expect(all).to.contain('wiw_api_key set (secret, stored encrypted).');
    expect(all).to.not.contain(p.pair.properties.wiw_api_key);
    expect(all).to.not.contain(p.pair.properties.goco_api_token);
  });

  it('missing property: `recipes test location-sync` with wiw_password unset exits 2 and names `recipes properties set wiw_password`', async () => {
    const writes = p.wiwWrites();
    const run = await p.cli('test', 'location-sync');
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("'wiw_password'");
    expect(run.stderr).to.match(/recipes properties set wiw_password\s*$/m);
    expect(run.stderr).to.not.contain('goco_api_url');
    expect(p.wiwWrites()).to.equal(writes);
  });

  it('a secret set with --stdin is accepted and masked', async () => {
    const run = await p.setProperty('wiw_password', p.pair.properties.wiw_password);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal('wiw_password set (secret, stored encrypted).\n');
  });

  it('needs: `recipes test all-employees-sync` before location-sync/department-sync have succeeded exits 2 and names what to run', async () => {
    const run = await p.cli('test', 'all-employees-sync');
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("needs 'location-sync' and 'department-sync' to have succeeded");
    expect(run.stderr).to.contain('recipes test location-sync; recipes test department-sync');
    expect(run.stderr).to.contain('--force');
    expect(p.wiwWrites()).to.equal(0);
  });

  it('needs: `--force` overrides (here with --dry-run, which writes nothing)', async () => {
    const { run, out } = await p.test('all-employees-sync', '--force', '--dry-run');
    expect(run.code, run.stderr).to.equal(0);
    expect(out.job?.dryRun).to.equal(true);
    expect(summaryOf(out).to_create).to.be.a('number').above(0);
    expect(p.wiwWrites()).to.equal(0);
  });

  it('location-sync "creates missing WIW locations with name and one-line address; links by name (case- and space-insensitive)"', async () => {
    const before = locations();
    const { run, out } = await p.test('location-sync');
    expect(run.code, run.stderr).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 1, failed: 0 });
    const after = locations();
    expect(after).to.have.length(before.length + 1);
    const created = after.find((l) => !before.some((b) => b.id === l.id))!;
    expect(created.name).to.equal(airport!.name);
    expect(created.address).to.equal('4300 Glumack Dr, Terminal 1, Gate C4, St Paul, MN 55111');
    // 'riverside  kitchen' (id 102) is GoCo's Riverside Kitchen: renamed to GoCo's spelling, not duplicated.
    expect(after.find((l) => l.id === 102)?.name).to.equal(riverside!.name);
    expect(after.filter((l) => l.name.toLowerCase().includes('riverside'))).to.have.length(1);
  });

  it('department-sync "creates missing WIW positions; links by name (case- and space-insensitive)"', async () => {
    const before = positions();
    const { run, out } = await p.test('department-sync');
    expect(run.code, run.stderr).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 1, failed: 0 });
    const after = positions();
    expect(after).to.have.length(before.length + 1);
    expect(after.filter((x) => x.name === catering!.name)).to.have.length(1);
    expect(after.find((x) => x.id === 202)?.name).to.equal(boh!.name);
  });

  it('location-sync "renames and re-addresses on change, by the stored mapping, not duplicated"', async () => {
    p.pair.goco.updateLocation(uptown!.id, { name: 'Uptown Coffee House', address: { ...uptown!.address, line1: '5 Hennepin Ave' } });
    const count = locations().length;
    const { run, out } = await p.test('location-sync');
    expect(run.code, run.stderr).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 0, failed: 0 });
    const after = locations();
    expect(after).to.have.length(count);
    expect(after.find((l) => l.id === 101)).to.include({ name: 'Uptown Coffee House', address: '5 Hennepin Ave, Minneapolis, MN 55401' });
  });

  it('department-sync "renames on change, by the stored mapping, not duplicated"', async () => {
    p.pair.goco.renameDepartment(foh!.id, 'Guest Services');
    const count = positions().length;
    const { run, out } = await p.test('department-sync');
    expect(run.code, run.stderr).to.equal(0);
    expect(summaryOf(out)).to.include({ created: 0, renamed: 1, failed: 0 });
    expect(positions()).to.have.length(count);
    expect(positions().find((x) => x.id === 201)?.name).to.equal('Guest Services');
  });
});
