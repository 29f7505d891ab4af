/**
 * Both emulators started together from one seed (the generator's `{ goco, wiw }` shape), with the
 * project properties that point the WIW Provisioning package at them. Used by `recipes emulate`,
 * `recipes demo`, the end-to-end tests and the benchmarks.
 */
import type { FaultOptions } from './shared/faults.js';
import { startGocoEmulator, type GocoEmulator } from './goco/index.js';
import { demoSeed } from './seed/index.js';
import type { Seed } from './seed/types.js';
import { startWiwEmulator, type WiwEmulator } from './wheniwork/index.js';
import type { WiwSeed as WiwEmulatorSeed } from './wheniwork/types.js';

export interface EmulatorPairOptions {
  seed?: Seed;
  wiwPort?: number;
  gocoPort?: number;
  wiwFaults?: FaultOptions;
  gocoFaults?: FaultOptions;
  wiwRateLimit?: { limit: number; mode?: '429' | '403' };
  /** Company of the WIW workplace. @default 'Shire Hospitality' */
  company?: string;
}

export interface EmulatorPair {
  wiw: WiwEmulator;
  goco: GocoEmulator;
  /** Exactly the project properties to set, in `recipes emulate` order. */
  properties: Record<'goco_api_url' | 'goco_api_token' | 'wiw_login_url' | 'wiw_api_url' | 'wiw_email' | 'wiw_password' | 'wiw_api_key', string>;
  accountId: number;
  close(): Promise<void>;
}

export const EMULATOR_ADMIN = { email: 'admin@wiw.example', password: 'demo-password', apiKey: 'wiw-emulator-key' } as const;
export const EMULATOR_ACCOUNT_ID = 70001;

/** The WIW emulator's seed around the generator's WIW data: one admin (who takes a seat, as in WIW). */
export function wiwEmulatorSeed(seed: Seed, company = 'Shire Hospitality'): WiwEmulatorSeed {
  const adminId = Math.max(0, ...seed.wiw.users.map((u) => u.id)) + 1;
  return {
    developerKeys: [EMULATOR_ADMIN.apiKey],
    persons: [{ id: 1, email: EMULATOR_ADMIN.email, password: EMULATOR_ADMIN.password, first_name: 'Ada', last_name: 'Admin' }],
    accounts: [
      {
        id: EMULATOR_ACCOUNT_ID,
        company,
        seats: seed.wiw.seats + 1,
        locations: seed.wiw.locations,
        positions: seed.wiw.positions,
        users: [{ id: adminId, role: 1, email: EMULATOR_ADMIN.email, first_name: 'Ada', last_name: 'Admin' }, ...seed.wiw.users],
      },
    ],
  } as WiwEmulatorSeed;
}

export async function startEmulators(options: EmulatorPairOptions = {}): Promise<EmulatorPair> {
  const seed = options.seed ?? demoSeed();
  const wiw = await startWiwEmulator({ port: options.wiwPort, seed: wiwEmulatorSeed(seed, options.company), faults: options.wiwFaults, rateLimit: options.wiwRateLimit });
  let goco: GocoEmulator;
  try {
    goco = await startGocoEmulator({ port: options.gocoPort, seed: seed.goco, faults: options.gocoFaults });
  } catch (error) {
    await wiw.close();
    throw error;
  }
  return {
    wiw,
    goco,
    accountId: EMULATOR_ACCOUNT_ID,
    properties: {
      goco_api_url: goco.url,
      goco_api_token: goco.token,
      wiw_login_url: wiw.loginUrl,
      wiw_api_url: wiw.apiUrl,
      wiw_email: EMULATOR_ADMIN.email,
      wiw_password: EMULATOR_ADMIN.password,
      wiw_api_key: EMULATOR_ADMIN.apiKey,
    },
    close: async () => {
      await Promise.all([wiw.close(), goco.close()]);
    },
  };
}
