import { expect } from 'chai';
import { Ajv } from 'ajv';
import { goco } from '../../../src/connectors/goco/index.js';
import type { GocoEmployee } from '../../../src/emulators/goco/index.js';
import { afterPages, at, context, employee, failure, harness, seedOf, uid, type Captured, type Harness } from './helpers.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const { list_employees: listEmployees, get_employee: getEmployee, list_locations: listLocations, list_departments: listDepartments } = goco.actions;

function conforms(schema: object, value: unknown): void {
  const validate = ajv.compile(schema);
  expect(validate(value), JSON.stringify(validate.errors)).to.equal(true);
}

describe('goco actions against the emulator (demo company)', () => {
  let h: Harness;

  before(async () => {
    h = await harness();
  });
  after(async () => {
    await h.close();
  });

  it('list_employees returns every employee, matching its output schema', async () => {
    const result = await listEmployees!.run({}, context(h.connect()));
    expect(result.count).to.equal(h.emulator.snapshot().employees.length);
    conforms(listEmployees!.output, result);
  });

  it('list_employees normalises an absent syncToWhenIWork to true', async () => {
    const result = await listEmployees!.run({}, context(h.connect()));
    const absent = h.emulator.snapshot().employees.filter((e) => e.syncToWhenIWork === undefined).map((e) => e.id);
    const flags = result.items.filter((e: { id: string }) => absent.includes(e.id)).map((e: { syncToWhenIWork: boolean }) => e.syncToWhenIWork);
    expect(flags).to.have.length(absent.length).and.to.satisfy((f: boolean[]) => f.every((x) => x === true));
  });

  it('list_employees with include_terminated false leaves terminated employees out', async () => {
    const result = await listEmployees!.run({ include_terminated: false }, context(h.connect()));
    const expected = h.emulator.snapshot().employees.filter((e) => e.status !== 'terminated').length;
    expect([result.count, result.items.some((e: { status: string }) => e.status === 'terminated')]).to.deep.equal([expected, false]);
  });

  it('list_locations returns every location, matching its output schema', async () => {
    const result = await listLocations!.run({}, context(h.connect()));
    expect(result.items.map((l: { name: string }) => l.name)).to.have.members(h.emulator.snapshot().locations.map((l) => l.name));
    conforms(listLocations!.output, result);
  });

  it('list_departments returns every department, matching its output schema', async () => {
    const result = await listDepartments!.run({}, context(h.connect()));
    expect(result.count).to.equal(h.emulator.snapshot().departments.length);
    conforms(listDepartments!.output, result);
  });

  it('get_employee returns one employee, matching its output schema', async () => {
    const target = h.emulator.snapshot().employees[3]!;
    const result = await getEmployee!.run({ id: target.id }, context(h.connect()));
    expect([result.id, result.firstName, result.workEmail]).to.deep.equal([target.id, target.firstName, target.workEmail]);
    conforms(getEmployee!.output, result);
  });

  it('get_employee fails with GOCO_NOT_FOUND for an unknown id', async () => {
    const error = await failure(getEmployee!.run({ id: uid(999999) }, context(h.connect())));
    expect(error.code).to.equal('GOCO_NOT_FOUND');
  });
});

describe('goco list pagination edges (page_size 2)', () => {
  const cases: Array<[string, number, number]> = [
    ['empty', 0, 1], ['one item', 1, 1], ['exactly one page', 2, 1], ['one page plus one', 3, 2], ['two full pages', 4, 2],
  ];
  for (const [name, size, requests] of cases) {
    it(`${name}: ${size} employees in ${requests} request(s), each once`, async () => {
      const h = await harness({ seed: seedOf(Array.from({ length: size }, (_, i) => employee(i + 1))) });
      try {
        const result = await listEmployees!.run({}, context(h.connect({ page_size: 2 })));
        expect([result.items.map((e: { id: string }) => e.id), h.emulator.totalRequests()])
          .to.deep.equal([Array.from({ length: size }, (_, i) => uid(i + 1)), requests]);
      } finally {
        await h.close();
      }
    });
  }
});

describe('goco lists when the server serves smaller pages than asked', () => {
  it('follows the page size GoCo used (page_size 250, server maximum 100)', async () => {
    const h = await harness({ seed: seedOf(Array.from({ length: 230 }, (_, i) => employee(i + 1))) });
    try {
      const result = await listEmployees!.run({}, context(h.connect({ page_size: 250 })));
      expect([result.count, new Set(result.items.map((e: { id: string }) => e.id)).size, h.emulator.totalRequests()]).to.deep.equal([230, 230, 3]);
    } finally {
      await h.close();
    }
  });
});

describe('goco list_employees: progress, filters, bad records, data changing', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await harness({ seed: seedOf([1, 2, 3, 4, 5].map((n) => employee(n))) });
  });
  afterEach(async () => {
    await h.close();
  });

  it('reports progress after every page, with the total', async () => {
    const captured: Captured = { warnings: [], progress: [] };
    await listEmployees!.run({}, context(h.connect({ page_size: 2 }), captured));
    expect(captured.progress).to.deep.equal([[2, 5], [4, 5], [5, 5]]);
  });

  it('updated_since lists only employees changed at or after it, oldest change first', async () => {
    h.emulator.updateEmployee(uid(2), { workEmail: 'new2@example.com' });
    const result = await listEmployees!.run({ updated_since: at(4) }, context(h.connect({ page_size: 2 })));
    expect(result.items.map((e: { id: string }) => e.id)).to.deep.equal([uid(4), uid(5), uid(2)]);
  });

  it('rejects an updated_since that is not an ISO date-time with GOCO_BAD_INPUT', async () => {
    const error = await failure(listEmployees!.run({ updated_since: 'yesterday' }, context(h.connect())));
    expect(error.code).to.equal('GOCO_BAD_INPUT');
  });

  it('keeps each employee once when a hire shifts the next page, and reads the changed list again', async () => {
    const c = h.connect({ page_size: 2 });
    afterPages(c, (n) => n === 0 && void h.emulator.hire({ id: uid(0), firstName: 'Early', lastName: 'Id' }));
    const result = await listEmployees!.run({}, context(c));
    const ids = result.items.map((e: { id: string }) => e.id);
    // Pages are read ahead, so a list that changed mid-walk is read once more in order: the hire is found too.
    expect(ids).to.have.members([0, 1, 2, 3, 4, 5].map(uid));
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('misses no employee when a change moves one to the end of an updated_since list mid-way', async () => {
    const c = h.connect({ page_size: 2 });
    afterPages(c, (n) => n === 0 && void h.emulator.updateEmployee(uid(1), { jobTitle: 'Chef' }));
    const result = await listEmployees!.run({ updated_since: at(0) }, context(c));
    expect(result.items.map((e: { id: string }) => e.id)).to.have.members([1, 2, 3, 4, 5].map(uid));
    expect(result.items.find((e: { id: string }) => e.id === uid(1))?.jobTitle).to.equal('Chef');
  });

  it('re-reads from the timestamp when the last employee seen changes between pages', async () => {
    const c = h.connect({ page_size: 2 });
    afterPages(c, (n) => n === 0 && void h.emulator.updateEmployee(uid(2), { jobTitle: 'Host' }));
    const result = await listEmployees!.run({ updated_since: at(0) }, context(c));
    expect(result.items.map((e: { id: string }) => e.id)).to.have.members([1, 2, 3, 4, 5].map(uid));
  });
});

describe('goco list_employees: records in a bad shape', () => {
  let h: Harness;
  const bad = (over: Record<string, unknown>) => ({ ...employee(0), ...over }) as unknown as GocoEmployee;

  before(async () => {
    h = await harness({
      seed: seedOf([
        employee(1),
        bad({ id: uid(2), firstName: 42 }),
        employee(3),
        bad({ id: uid(4), status: 'retired', hourlyRate: 'lots' }),
        employee(5),
      ]),
    });
  });
  after(async () => {
    await h.close();
  });

  it('passes only the good records on', async () => {
    const result = await listEmployees!.run({}, context(h.connect({ page_size: 2 })));
    expect([result.count, result.items.map((e: { id: string }) => e.id)]).to.deep.equal([3, [uid(1), uid(3), uid(5)]]);
  });

  it('lists each bad record in invalid with its index, id and every problem', async () => {
    const result = await listEmployees!.run({}, context(h.connect({ page_size: 2 })));
    expect(result.invalid).to.deep.equal([
      { index: 1, id: uid(2), reason: 'firstName must be a string (got number)' },
      { index: 3, id: uid(4), reason: "status 'retired' is not one of active, onboarding, on_leave, terminated; hourlyRate must be a number or null (got string)" },
    ]);
  });

  it('logs a warning per bad record', async () => {
    const captured: Captured = { warnings: [], progress: [] };
    await listEmployees!.run({}, context(h.connect(), captured));
    expect(captured.warnings.map((w) => w.id)).to.deep.equal([uid(2), uid(4)]);
  });

  it('get_employee fails with GOCO_BAD_RECORD for a record in a bad shape', async () => {
    const error = await failure(getEmployee!.run({ id: uid(2) }, context(h.connect())));
    expect(error.code).to.equal('GOCO_BAD_RECORD');
  });
});
