/**
 * The demo company, written by hand: 26 GoCo employees of "Shire Hospitality" and the WIW account they are to
 * be synced into. Each named case appears once; the comment on each employee states what a correct first run
 * of the all-employees sync does with them (the rules in src/engine/builtins/README.md and the README's Matching section), and `expected` says the same as data.
 *
 * WIW before the sync: 12 active users (10 tied to employees, 2 WIW-only) and 1 deleted user. The sync creates
 * 15 users and reactivates 1, so `demoSeed()` gives 12 + 15 + 1 + 2 = 30 seats and `faqSeatsSeed()` gives 17,
 * fewer than the employees: the FAQ's "500 when WIW runs out of seats".
 */
import { createRng } from '../shared/rng.js';
import { uuidFrom } from '../goco/ids.js';
import type { GocoDepartment, GocoEmployee, GocoLocation } from '../goco/types.js';
import type { ExpectedOrgUnit, ExpectedOutcome, ExpectedPerson, Seed, SeedCase } from './types.js';
import { toWiwUser, type WiwDraft } from './wiw-shape.js';

const ids = createRng(2026);
const id = () => uuidFrom(ids);

const addr = (line1: string, city: string, state: string, postalCode: string) => ({ line1, line2: null, city, state, postalCode, country: 'US' });
const UPTOWN: GocoLocation = { id: id(), name: 'Uptown Cafe', code: '100', address: addr('1 Main St', 'Minneapolis', 'MN', '55401'), timeZone: 'America/Chicago', isActive: true };
const RIVERSIDE: GocoLocation = { id: id(), name: 'Riverside Kitchen', code: '101', address: addr('60 Plato Blvd', 'St Paul', 'MN', '55107'), timeZone: 'America/Chicago', isActive: true };
const LAKESIDE: GocoLocation = { id: id(), name: 'Lakeside Bakery', code: '102', address: addr('3000 Lake St', 'Minneapolis', 'MN', '55416'), timeZone: 'America/Chicago', isActive: true };
const AIRPORT: GocoLocation = { id: id(), name: 'Airport Kiosk', code: '103', address: { ...addr('4300 Glumack Dr', 'St Paul', 'MN', '55111'), line2: 'Terminal 1, Gate C4' }, timeZone: 'America/Chicago', isActive: true };
const FOH: GocoDepartment = { id: id(), name: 'Front of House', code: '300', isActive: true };
const BOH: GocoDepartment = { id: id(), name: 'Back of House', code: '301', isActive: true };
const MGMT: GocoDepartment = { id: id(), name: 'Management', code: '302', isActive: true };
const CATERING: GocoDepartment = { id: id(), name: 'Catering', code: '303', isActive: true };

/** WIW side of the org: Riverside and Back of House differ only by case/space (matched, renamed to GoCo's spelling). */
const WIW_LOCATIONS = [
  { id: 101, name: 'Uptown Cafe', address: '1 Main St, Minneapolis, MN 55401' },
  { id: 102, name: 'riverside  kitchen', address: '60 Plato Blvd, St Paul, MN 55107' },
  { id: 103, name: 'Lakeside Bakery', address: '3000 Lake St, Minneapolis, MN 55416' },
  { id: 104, name: 'Closed Warehouse', address: '1 Dock Rd, St Paul, MN 55107' },
];
const WIW_POSITIONS = [
  { id: 201, name: 'Front of House', color: '1174a6' },
  { id: 202, name: 'Back of house ', color: '51a33d' },
  { id: 203, name: 'Management', color: 'f0a30a' },
  { id: 204, name: 'Dishwasher (legacy)', color: 'cc0000' },
];
const ORG_EXPECTED: { locations: ExpectedOrgUnit[]; departments: ExpectedOrgUnit[] } = {
  locations: [
    { gocoId: UPTOWN.id, outcome: 'matched', wiwId: 101 },
    { gocoId: RIVERSIDE.id, outcome: 'renamed', wiwId: 102 },
    { gocoId: LAKESIDE.id, outcome: 'matched', wiwId: 103 },
    { gocoId: AIRPORT.id, outcome: 'created' },
  ],
  departments: [
    { gocoId: FOH.id, outcome: 'matched', wiwId: 201 },
    { gocoId: BOH.id, outcome: 'renamed', wiwId: 202 },
    { gocoId: MGMT.id, outcome: 'matched', wiwId: 203 },
    { gocoId: CATERING.id, outcome: 'created' },
  ],
};

const WIW_LOC: Record<string, number> = { [UPTOWN.id]: 101, [RIVERSIDE.id]: 102, [LAKESIDE.id]: 103 };
const WIW_POS: Record<string, number> = { [FOH.id]: 201, [BOH.id]: 202, [MGMT.id]: 203 };

interface Row {
  e: Partial<GocoEmployee> & Pick<GocoEmployee, 'firstName' | 'lastName'>;
  outcome: ExpectedOutcome;
  cases: SeedCase[];
  /** WIW users tied to this employee (the first is the one matched/linked, unless the outcome says otherwise). */
  wiw?: Array<Partial<WiwDraft>>;
}

const email = (local: string) => `${local}@shirehospitality.example`;

/** The employees, in the order they were entered in GoCo. */
const ROWS: Row[] = [
  // matched by employee_code 1001
  { e: { id: '9e670c90-079f-4c36-bcd7-74b484a4ae74', firstName: 'Rosie', lastName: 'Gamgee', workEmail: email('rosie.gamgee'), mobilePhone: '(612) 555-0101' }, outcome: 'matched', cases: ['code_match'], wiw: [{ employeeCode: '1001', email: 'rosie.gamgee@shirehospitality.example', phone: '6125550101' }] },
  // matched by code although HR changed the email after the WIW user registered
  { e: { firstName: 'Frodo', lastName: 'Baggins', workEmail: email('frodo.baggins'), mobilePhone: '612.555.0102', departmentId: MGMT.id }, outcome: 'matched', cases: ['email_changed'], wiw: [{ employeeCode: '1002', email: 'frodo@bagend.example', phone: '+1 612 555 0102' }] },
  // linked by email: GoCo's is padded and mixed-case, WIW's is clean; no code yet
  { e: { firstName: 'Samwise', lastName: 'Gamgee', workEmail: '  Sam.Gamgee@ShireHospitality.example ', mobilePhone: '+1 612 555 0103' }, outcome: 'linked_by_email', cases: ['email_case', 'messy_email'], wiw: [{ email: 'sam.gamgee@shirehospitality.example', firstName: 'Sam' }] },
  // linked by email through the personal address (both emails count)
  { e: { firstName: 'Lobelia', lastName: 'Sackville-Baggins', workEmail: email('lobelia.sb'), personalEmail: 'lobelia@gmail.example', mobilePhone: '651-555-0104', workLocationId: RIVERSIDE.id }, outcome: 'linked_by_email', cases: ['personal_email_match', 'unicode_name'], wiw: [{ email: 'LOBELIA@GMAIL.EXAMPLE' }] },
  // linked by phone: 6125550142 in GoCo, +16125550142 in WIW, no email in WIW
  { e: { firstName: 'Hamfast', lastName: 'Gamgee', workEmail: email('hamfast.gamgee'), mobilePhone: '6125550142', departmentId: BOH.id }, outcome: 'linked_by_phone', cases: ['phone_format'], wiw: [{ phone: '+16125550142', firstName: 'Gaffer' }] },
  // GoCo FAQ: in WIW without code, with another email and phone: nothing matches, so a duplicate gets created
  { e: { firstName: 'Meriadoc', lastName: 'Brandybuck', workEmail: email('meriadoc.brandybuck'), mobilePhone: '(651) 328-4471' }, outcome: 'created', cases: ['faq_duplicate'], wiw: [{ firstName: 'Meriadoc', email: 'merry.b@gmail.example', phone: '763-555-0199' }] },
  // conflict: email matches WIW user A, phone matches WIW user B
  { e: { firstName: 'Peregrin', lastName: 'Took', workEmail: email('pippin.took'), mobilePhone: '(612) 555-0177' }, outcome: 'conflict', cases: ['conflict'], wiw: [{ email: 'pippin.took@shirehospitality.example ' }, { firstName: 'Pippin', email: 'ptook@tookland.example', phone: '612.555.0177' }] },
  // terminated, still holding an active WIW seat: skipped, reported as a seat to free
  { e: { firstName: 'Fredegar', lastName: 'Bolger', workEmail: email('fatty.bolger'), mobilePhone: '612-555-0108', status: 'terminated', hireDate: '2021-06-01', terminationDate: '2026-03-31' }, outcome: 'skipped_terminated', cases: ['terminated_in_wiw', 'terminated'], wiw: [{ employeeCode: '1008', email: 'fatty.bolger@shirehospitality.example' }] },
  // terminated, not in WIW: skipped
  { e: { firstName: 'Lotho', lastName: 'Pimple', workEmail: email('lotho.pimple'), mobilePhone: '612-555-0109', status: 'terminated', hireDate: '2020-02-03', terminationDate: '2025-11-14' }, outcome: 'skipped_terminated', cases: ['terminated'] },
  // rehired this spring; WIW still has her deleted user with the code: reactivate it, do not duplicate
  { e: { firstName: 'Bell', lastName: 'Gamgee', workEmail: email('bell.gamgee'), mobilePhone: '612-555-0110', hireDate: '2026-04-20' }, outcome: 'reactivated', cases: ['rehire_deleted'], wiw: [{ employeeCode: '1010', email: 'bell.gamgee@shirehospitality.example', deleted: true }] },
  // not set up for WIW in GoCo: excluded
  { e: { firstName: 'Ted', lastName: 'Sandyman', workEmail: email('ted.sandyman'), mobilePhone: '612-555-0111', syncToWhenIWork: false }, outcome: 'excluded', cases: ['excluded'] },
  // future hire, still onboarding: created
  { e: { firstName: 'Elanor', lastName: 'Gardner', workEmail: email('elanor.gardner'), mobilePhone: '612-555-0112', status: 'onboarding', hireDate: '2026-05-18' }, outcome: 'created', cases: ['future_hire'] },
  // on leave counts as active: created
  { e: { firstName: 'Tom', lastName: 'Cotton', workEmail: email('tom.cotton'), mobilePhone: '612-555-0113', status: 'on_leave', workLocationId: LAKESIDE.id }, outcome: 'created', cases: ['on_leave'] },
  // preferred name: WIW first_name "Bob"
  { e: { firstName: 'Robert', lastName: 'Proudfoot', preferredName: 'Bob', workEmail: email('robert.proudfoot'), mobilePhone: '612-555-0114' }, outcome: 'created', cases: ['preferred_name'] },
  // accents
  { e: { firstName: 'José', lastName: 'Núñez', workEmail: email('jose.nunez'), mobilePhone: '+1 (612) 555-0115', departmentId: BOH.id }, outcome: 'created', cases: ['unicode_name'] },
  // apostrophe and diaeresis
  { e: { firstName: 'Zoë', lastName: "O'Brien", workEmail: email('zoe.obrien'), mobilePhone: '1-612-555-0116' }, outcome: 'created', cases: ['unicode_name'] },
  // no employee number: GoCo's id is the code; WIW already has it
  { e: { firstName: 'Daisy', lastName: 'Gamgee', employeeNumber: null, workEmail: email('daisy.gamgee'), mobilePhone: '612-555-0117' }, outcome: 'matched', cases: ['no_employee_number'], wiw: [{ email: 'daisy.gamgee@shirehospitality.example' }] },
  // no email at all, phone only: created
  { e: { firstName: 'Andwise', lastName: 'Roper', mobilePhone: '952-555-0123', departmentId: BOH.id }, outcome: 'created', cases: ['no_email'] },
  // no phone: created
  { e: { firstName: 'Nora', lastName: 'Bolger', workEmail: email('nora.bolger') }, outcome: 'created', cases: ['no_phone'] },
  // personal email only, typed messily: created with it trimmed and lower-cased
  { e: { firstName: 'Will', lastName: 'Whitfoot', personalEmail: ' Will.Whitfoot@Yahoo.example', mobilePhone: '612-555-0120', jobTitle: 'Mayor' }, outcome: 'created', cases: ['personal_email_only', 'messy_email'] },
  // work phone only, with an extension: created
  { e: { firstName: 'Odo', lastName: 'Proudfoot', workEmail: email('odo.proudfoot'), workPhone: '(612) 555-0188 x204' }, outcome: 'created', cases: ['work_phone_only', 'phone_extension'] },
  // a London number: created
  { e: { firstName: 'Hilda', lastName: 'Bracegirdle', workEmail: email('hilda.bracegirdle'), mobilePhone: '+44 20 7946 0958' }, outcome: 'created', cases: ['international_phone'] },
  // no work location: created without a location
  { e: { firstName: 'Ponto', lastName: 'Baggins', workEmail: email('ponto.baggins'), mobilePhone: '612-555-0123', workLocationId: null }, outcome: 'created', cases: ['no_location'] },
  // department (and location) not yet in WIW: created after location-sync and department-sync add them
  { e: { firstName: 'Marigold', lastName: 'Cotton', workEmail: email('marigold.cotton'), mobilePhone: '612-555-0124', departmentId: CATERING.id, workLocationId: AIRPORT.id }, outcome: 'created', cases: ['department_missing_in_wiw'] },
  // explicitly set up for WIW, salaried: created
  { e: { firstName: 'Holman', lastName: 'Greenhand', workEmail: email('holman.greenhand'), mobilePhone: '612-555-0125', syncToWhenIWork: true, payType: 'salaried', hourlyRate: null, departmentId: MGMT.id }, outcome: 'created', cases: ['sync_flag_true'] },
  // plain temporary hire: created
  { e: { firstName: 'Rose', lastName: 'Cotton', workEmail: email('rose.cotton'), mobilePhone: '612-555-0126', employmentType: 'temporary', workLocationId: RIVERSIDE.id }, outcome: 'created', cases: [] },
];

/** WIW users who stand for nobody in GoCo: the owner's manager and someone HR never entered. */
const WIW_ONLY: Array<Partial<WiwDraft> & Pick<WiwDraft, 'firstName' | 'lastName'>> = [
  { firstName: 'Gandalf', lastName: 'Grey', email: 'gandalf@wiw-only.example', phone: '612-555-0198', locationIds: [101, 102] },
  { firstName: 'Radagast', lastName: 'Brown', email: 'radagast@wiw-only.example', phone: '' },
];

function build(seats: (activeUsers: number, creates: number, reactivations: number) => number): Seed {
  const employees: GocoEmployee[] = [];
  const people: ExpectedPerson[] = [];
  const users: WiwDraft[] = [];
  let nextUserId = 5001;
  const rowIds = createRng(7);
  const employeeIds = ROWS.map((row) => row.e.id ?? uuidFrom(rowIds));
  ROWS.forEach((row, k) => {
    const number = 1001 + k;
    const e: GocoEmployee = {
      id: employeeIds[k] as string,
      employeeNumber: String(number),
      firstName: row.e.firstName,
      lastName: row.e.lastName,
      preferredName: null, workEmail: null, personalEmail: null, mobilePhone: null, workPhone: null,
      status: 'active', employmentType: k % 3 === 0 ? 'part_time' : 'full_time', payType: 'hourly',
      hourlyRate: 16 + (k % 7) * 1.25, hireDate: `20${18 + (k % 7)}-0${1 + (k % 9)}-15`, terminationDate: null,
      // Frodo (row 2, Management) manages everyone else.
      jobTitle: 'Crew Member', workLocationId: UPTOWN.id, departmentId: FOH.id, managerId: k === 1 ? null : (employeeIds[1] as string),
      updatedAt: `2026-04-01T09:${String(k).padStart(2, '0')}:00.000Z`,
    };
    Object.assign(e, { ...row.e, id: e.id });
    employees.push(e);
    const code = e.employeeNumber ?? e.id;
    const tied = (row.wiw ?? []).map((fields) =>
      pushUser({
        firstName: e.preferredName ?? e.firstName,
        lastName: e.lastName,
        locationIds: e.workLocationId && WIW_LOC[e.workLocationId] ? [WIW_LOC[e.workLocationId] as number] : [],
        positionIds: e.departmentId && WIW_POS[e.departmentId] ? [WIW_POS[e.departmentId] as number] : [],
        ...fields,
        ...(row.cases.includes('no_employee_number') ? { employeeCode: code } : {}),
      }),
    );
    const expected: ExpectedPerson = { employeeId: e.id, code, outcome: row.outcome, cases: row.cases };
    if (row.outcome === 'conflict' || row.outcome === 'created') {
      if (tied.length > 0) expected.otherWiwUserIds = tied.map((u) => u.id);
    } else if (tied[0]) expected.wiwUserId = tied[0].id;
    people.push(expected);
  });
  const wiwOnlyUserIds = WIW_ONLY.map((u) => pushUser(u).id);

  function pushUser(fields: Partial<WiwDraft> & Pick<WiwDraft, 'firstName' | 'lastName'>): WiwDraft {
    const user: WiwDraft = { id: nextUserId++, email: null, phone: null, employeeCode: null, locationIds: [], positionIds: [], deleted: false, activated: true, ...fields };
    users.push(user);
    return user;
  }

  const counts = { matched: 0, linked_by_email: 0, linked_by_phone: 0, created: 0, conflict: 0, skipped_terminated: 0, excluded: 0, reactivated: 0 };
  for (const p of people) counts[p.outcome]++;
  const active = users.filter((u) => !u.deleted).length;
  return structuredClone({
    goco: { employees, locations: [UPTOWN, RIVERSIDE, LAKESIDE, AIRPORT], departments: [FOH, BOH, MGMT, CATERING] },
    wiw: { users: users.map(toWiwUser), locations: WIW_LOCATIONS, positions: WIW_POSITIONS, seats: seats(active, counts.created, counts.reactivated) },
    expected: { people, counts, locations: ORG_EXPECTED.locations, departments: ORG_EXPECTED.departments, wiwOnlyUserIds },
  });
}

/** The demo: enough WIW seats for every create and reactivation, plus two spare. */
export function demoSeed(): Seed {
  return build((active, creates, reactivations) => active + creates + reactivations + 2);
}

/** The same company with only 5 free seats: the FAQ's seat-limit failure (employees outnumber seats). */
export function faqSeatsSeed(): Seed {
  return build((active) => active + 5);
}
