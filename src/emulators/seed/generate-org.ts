/**
 * Locations and departments for a generated seed, on both sides. Most GoCo units already exist in WIW under
 * the same name; some differ only by case or spacing (a name matcher finds them and renames them to GoCo's
 * spelling), some are missing (to be created); WIW also holds one unit GoCo does not know.
 */
import { uuidFrom } from '../goco/ids.js';
import type { GocoDepartment, GocoLocation } from '../goco/types.js';
import { intBetween, pick, type Rng } from '../shared/rng.js';
import { CITIES, DEPARTMENTS, PLACES, STREETS, VENUES } from './names.js';
import type { ExpectedOrgUnit, OrgOutcome, WiwSeedLocation, WiwSeedPosition } from './types.js';

export interface Org {
  locations: GocoLocation[];
  departments: GocoDepartment[];
  wiwLocations: WiwSeedLocation[];
  wiwPositions: WiwSeedPosition[];
  expectedLocations: ExpectedOrgUnit[];
  expectedDepartments: ExpectedOrgUnit[];
  /** GoCo id -> WIW id, for units WIW already has (matched or to be renamed). */
  wiwLocationOf: Map<string, number>;
  wiwPositionOf: Map<string, number>;
}

/** The same name as a person might retype it: other case or spacing, equal once trimmed, folded and collapsed. */
export function nameVariant(rng: Rng, name: string): string {
  const variants = [name.toLowerCase(), name.toUpperCase(), name.replace(/ /g, '  '), ` ${name} `, `${name.toLowerCase()} `];
  const different = variants.filter((v) => v !== name);
  return pick(rng, different);
}

/** Unit 0 is always matched, 1 renamed, 2 missing in WIW (when there are that many); the rest at random. */
function outcomeFor(rng: Rng, index: number): OrgOutcome {
  if (index < 3) return (['matched', 'renamed', 'created'] as const)[index] as OrgOutcome;
  const r = rng();
  return r < 0.7 ? 'matched' : r < 0.85 ? 'renamed' : 'created';
}

function uniqueNames(count: number, base: (k: number) => string, poolSize: number): string[] {
  const names: string[] = [];
  for (let k = 0; k < count; k++) names.push(k < poolSize ? base(k) : `${base(k % poolSize)} ${Math.floor(k / poolSize) + 1}`);
  return names;
}

const formatAddress = (l: GocoLocation) =>
  [l.address.line1, l.address.line2, l.address.city, `${l.address.state} ${l.address.postalCode}`].filter(Boolean).join(', ');

export function generateOrg(rng: Rng, locationCount: number, departmentCount: number): Org {
  const org: Org = {
    locations: [],
    departments: [],
    wiwLocations: [],
    wiwPositions: [],
    expectedLocations: [],
    expectedDepartments: [],
    wiwLocationOf: new Map(),
    wiwPositionOf: new Map(),
  };
  let nextLocationId = 101;
  let nextPositionId = 201;

  const locationNames = uniqueNames(locationCount, (k) => `${PLACES[k % PLACES.length]} ${VENUES[Math.floor(k / PLACES.length) % VENUES.length]}`, PLACES.length * VENUES.length);
  locationNames.forEach((name, k) => {
    const city = pick(rng, CITIES);
    const location: GocoLocation = {
      id: uuidFrom(rng),
      name,
      code: String(100 + k),
      address: {
        line1: `${intBetween(rng, 1, 9999)} ${pick(rng, STREETS)}`,
        line2: rng() < 0.2 ? `Suite ${intBetween(rng, 100, 400)}` : null,
        city: city.city,
        state: city.state,
        postalCode: city.zip,
        country: city.country,
      },
      timeZone: city.tz,
      isActive: true,
    };
    org.locations.push(location);
    const outcome = outcomeFor(rng, k);
    const unit: ExpectedOrgUnit = { gocoId: location.id, outcome };
    if (outcome !== 'created') {
      unit.wiwId = nextLocationId++;
      org.wiwLocations.push({ id: unit.wiwId, name: outcome === 'renamed' ? nameVariant(rng, name) : name, address: formatAddress(location) });
      org.wiwLocationOf.set(location.id, unit.wiwId);
    }
    org.expectedLocations.push(unit);
  });
  org.wiwLocations.push({ id: nextLocationId++, name: 'Closed Warehouse', address: '1 Dock Rd, St Paul, MN 55107' });

  const departmentNames = uniqueNames(departmentCount, (k) => DEPARTMENTS[k] as string, DEPARTMENTS.length);
  departmentNames.forEach((name, k) => {
    const department: GocoDepartment = { id: uuidFrom(rng), name, code: String(300 + k), isActive: true };
    org.departments.push(department);
    const outcome = outcomeFor(rng, k);
    const unit: ExpectedOrgUnit = { gocoId: department.id, outcome };
    if (outcome !== 'created') {
      unit.wiwId = nextPositionId++;
      const color = Math.floor(rng() * 0xffffff).toString(16).padStart(6, '0');
      org.wiwPositions.push({ id: unit.wiwId, name: outcome === 'renamed' ? nameVariant(rng, name) : name, color });
      org.wiwPositionOf.set(department.id, unit.wiwId);
    }
    org.expectedDepartments.push(unit);
  });
  org.wiwPositions.push({ id: nextPositionId++, name: 'Dishwasher (legacy)', color: 'cc0000' });
  return org;
}
