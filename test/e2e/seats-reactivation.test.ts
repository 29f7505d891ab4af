/**
 * The seat limit reached while reactivating (all-employees-sync's `reactivate` loop, before any create):
 * the same plain seat report as for creates, naming who was not brought back and who was not created.
 */
import { expect } from 'chai';
import { faqSeatsSeed } from '../../src/emulators/seed/index.js';
import type { ExpectedPerson } from '../../src/emulators/seed/types.js';
import { Project, type JobJson, type Run } from './helpers.js';

const seed = faqSeatsSeed();
const nameOf = (x: ExpectedPerson) => {
  const e = seed.goco.employees.find((y) => y.id === x.employeeId)!;
  return `${e.preferredName ?? e.firstName} ${e.lastName}`;
};

describe('e2e: seat limit reached during reactivations (CLI)', function () {
  this.timeout(60_000);
  let p: Project;
  let run: Run;
  let out: JobJson;

  before(async () => {
    p = await Project.start(seed);
    // The seed's expected outcomes predate same-name holds: create those people as before.
    await p.prepareInProcess({ properties: { name_match: 'create' } });
    // No seat free: the first reactivation gets WIW's bare 500.
    const acc = p.pair.wiw.state.accounts.get(p.pair.accountId)!;
    acc.account.seats = p.users().filter((u) => !u.is_deleted).length;
    ({ run, out } = await p.test('all-employees-sync'));
  });
  after(async () => {
    await p?.close();
  });

  it('fails (exit 1) with the plain seat report, naming everyone not reactivated or created', () => {
    expect(run.code, run.stderr + run.stdout).to.equal(1);
    const message = (out.job?.error?.message ?? '').replace(/\s+/g, ' ');
    expect(message).to.contain('the account has probably reached its user limit');
    const listed = /Not created \((\d+)\): (.*?)\. Matches and links were still made\./.exec(message);
    expect(listed, message).to.not.equal(null);
    const expected = seed.expected.people.filter((x) => x.outcome === 'reactivated' || x.outcome === 'created').map(nameOf);
    expect(listed![2]!.split(', ').sort()).to.deep.equal(expected.sort());
    expect(Number(listed![1])).to.equal(expected.length);
  });

  it("the summary's not_created lists the creates the seat limit left unattempted", () => {
    const notCreated = (out.job?.summary?.not_created ?? []) as { employee: string; error: string }[];
    const creates = seed.expected.people.filter((x) => x.outcome === 'created').map(nameOf);
    expect(notCreated.map((e) => e.employee).sort()).to.deep.equal(creates.sort());
  });

  it('nobody was reactivated or created', () => {
    for (const x of seed.expected.people.filter((y) => y.outcome === 'reactivated' || y.outcome === 'created')) {
      expect(p.users().filter((u) => !u.is_deleted && u.employee_code === x.code), x.code).to.have.length(0);
    }
  });
});
