/** The default world `recipes emulate`, the demo and tests start from, and loading a seed from a file. */
import { readFile } from 'node:fs/promises';
import { WiwSeedError } from './state.js';
import type { WiwSeed } from './types.js';

/** One admin in one account ("Acme Coffee", 50 seats) with two locations, two positions and three employees. */
export function defaultWiwSeed(): WiwSeed {
  return {
    developerKeys: ['wiw-emulator-dev-key'],
    persons: [{ id: 2001, email: 'admin@acme-coffee.example', password: 'emulator-password', first_name: 'Ada', last_name: 'Admin' }],
    accounts: [
      {
        id: 10001,
        company: 'Acme Coffee',
        seats: 50,
        locations: [
          { id: 301, name: 'Downtown', address: '100 Main St, Minneapolis, MN 55401', coordinates: [44.9778, -93.265] },
          { id: 302, name: 'Uptown', address: '2900 Hennepin Ave, Minneapolis, MN 55408', coordinates: [44.9483, -93.2983] },
        ],
        positions: [
          { id: 501, name: 'Barista', color: '1174a6' },
          { id: 502, name: 'Shift Lead', color: 'cc0000' },
        ],
        users: [
          { id: 4001, role: 1, email: 'admin@acme-coffee.example', first_name: 'Ada', last_name: 'Admin', locations: [301, 302] },
          {
            id: 4002,
            email: 'bob.barista@acme-coffee.example',
            first_name: 'Bob',
            last_name: 'Barista',
            phone_number: '+16125550101',
            employee_code: 'E-1001',
            locations: [301],
            positions: [501],
            hourly_rate: 16.5,
          },
          {
            id: 4003,
            email: 'carla.lead@acme-coffee.example',
            first_name: 'Carla',
            last_name: 'Lead',
            phone_number: '612-555-0102',
            locations: [302],
            positions: [502],
            hourly_rate: 19,
          },
          { id: 4004, first_name: 'Dan', last_name: 'Nomail', phone_number: '(612) 555-0103', locations: [301], positions: [501] },
        ],
      },
    ],
  };
}

/** Reads a seed from JSON: either a WiwSeed or an object holding one under `wiw` (a combined emulate seed). */
export async function loadWiwSeedFile(path: string): Promise<WiwSeed> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new WiwSeedError(`cannot read WIW seed ${path}: ${(cause as Error).message}`, { cause });
  }
  const candidate = isObject(parsed) && isObject(parsed.wiw) ? parsed.wiw : parsed;
  return checkSeedShape(candidate, path);
}

/** Checks the top-level shape only; record-level problems surface when the state is built. */
export function checkSeedShape(value: unknown, where = 'seed'): WiwSeed {
  if (!isObject(value)) throw new WiwSeedError(`${where}: a WIW seed must be a JSON object`);
  for (const key of ['developerKeys', 'persons', 'accounts'] as const) {
    if (!Array.isArray(value[key])) throw new WiwSeedError(`${where}: /${key} must be an array`);
  }
  return value as unknown as WiwSeed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
