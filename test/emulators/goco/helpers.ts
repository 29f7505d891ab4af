/** Small helpers for the GoCo emulator tests: tiny seeds with readable ids, and a fetch wrapper. */
import type { GocoEmployee, GocoSeed } from '../../../src/emulators/goco/types.js';

/** A uuid-shaped id that sorts by `n`. */
export const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function employee(n: number, fields: Partial<GocoEmployee> = {}): GocoEmployee {
  return {
    id: uid(n),
    employeeNumber: String(1000 + n),
    firstName: `First${n}`,
    lastName: `Last${n}`,
    preferredName: null,
    workEmail: `person${n}@example.test`,
    personalEmail: null,
    mobilePhone: null,
    workPhone: null,
    status: 'active',
    employmentType: 'full_time',
    payType: 'hourly',
    hourlyRate: 20,
    hireDate: '2024-01-01',
    terminationDate: null,
    jobTitle: null,
    workLocationId: null,
    departmentId: null,
    managerId: null,
    updatedAt: `2026-01-01T00:00:00.${String(n % 1000).padStart(3, '0')}Z`,
    ...fields,
  };
}

export function seedOf(count: number, fields: (n: number) => Partial<GocoEmployee> = () => ({})): GocoSeed {
  return {
    employees: Array.from({ length: count }, (_, k) => employee(k + 1, fields(k + 1))),
    locations: [
      {
        id: uid(9001),
        name: 'Uptown Cafe',
        code: '100',
        address: { line1: '1 Main St', line2: null, city: 'Minneapolis', state: 'MN', postalCode: '55401', country: 'US' },
        timeZone: 'America/Chicago',
        isActive: true,
      },
    ],
    departments: [{ id: uid(9501), name: 'Front of House', code: '300', isActive: true }],
  };
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(url: string, token: string | null, init: { method?: string; body?: unknown } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
