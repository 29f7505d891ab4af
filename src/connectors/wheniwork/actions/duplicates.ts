/**
 * find_duplicates: When I Work users that probably are the same person twice (pure). These are the seats
 * GoCo's FAQ says duplicates eat. Only users that hold a seat (not deleted) are considered.
 *
 * Groups, in this order, each set of users reported once (the first reason wins):
 * same email (ignoring case), same phone (E.164), same employee code, same name (then "different email and
 * phone" when no two of them share either); and, when `people` are given, several users that fit one GoCo
 * employee by employee code, email, phone or name. A user whose employee code is another employee's is not
 * taken as a name-only fit for this one: two employees may share a name.
 */
import type { ActionDef } from '../../../engine/types.js';
import { normalizeEmail, normalizeName, personKey, type PersonLike, type WiwUserLike } from '../match.js';
import { normalizePhone } from '../../../engine/builtins/records/phone.js';

export interface DuplicatesInput {
  users: WiwUserLike[];
  people?: PersonLike[];
  region: string;
}

export interface DuplicateUser {
  id: number | string;
  name: string;
  email: string | null;
  phone: string | null;
  employee_code: string | null;
}

export interface DuplicateGroup {
  users: DuplicateUser[];
  employee?: { id: string; employee_number: string | null; name: string; email: string | null; phone: string | null };
  reason: string;
}

const code = (v: unknown): string | undefined => {
  const s = v === null || v === undefined ? '' : String(v).trim().toLowerCase();
  return s === '' ? undefined : s;
};

function groupBy<U>(items: readonly U[], key: (u: U) => (string | undefined)[]): Map<string, U[]> {
  const out = new Map<string, U[]>();
  for (const item of items) {
    for (const k of new Set(key(item))) {
      if (k === undefined) continue;
      out.get(k)?.push(item) ?? out.set(k, [item]);
    }
  }
  return out;
}

export function findDuplicates(input: DuplicatesInput): { groups: DuplicateGroup[] } {
  const { region } = input;
  const users = input.users.filter((u) => u.is_deleted !== true);
  const phoneOf = new Map(users.map((u) => [u, normalizePhone(u.phone_number, region)]));
  const emailOf = (u: WiwUserLike) => normalizeEmail(u.email);
  const nameOf = (u: WiwUserLike) => normalizeName(`${u.first_name ?? ''} ${u.last_name ?? ''}`) || undefined;
  const view = (u: WiwUserLike): DuplicateUser => ({
    id: u.id, name: `${(u.first_name ?? '').trim()} ${(u.last_name ?? '').trim()}`.trim(),
    email: u.email ? String(u.email) : null, phone: u.phone_number ? String(u.phone_number) : null,
    employee_code: code(u.employee_code) === undefined ? null : String(u.employee_code).trim(),
  });

  const groups: DuplicateGroup[] = [];
  const seen = new Set<string>();
  const emit = (members: WiwUserLike[], reason: string, employee?: DuplicateGroup['employee']): void => {
    // One user is a group only beside the employee it probably stands for (GoCo's FAQ duplicate).
    if (members.length < (employee === undefined ? 2 : 1)) return;
    // A set of users is reported once among user groups, and once more at most, naming the employee.
    const key = `${employee === undefined ? 'u' : 'e'}:${members.map((u) => String(u.id)).sort().join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    groups.push({ users: members.map(view), ...(employee ? { employee } : {}), reason });
  };

  for (const list of groupBy(users, (u) => [emailOf(u)]).values()) emit(list, 'same email ignoring case');
  for (const list of groupBy(users, (u) => [phoneOf.get(u)]).values()) emit(list, 'same phone');
  for (const list of groupBy(users, (u) => [code(u.employee_code)]).values()) emit(list, 'same employee code');
  for (const list of groupBy(users, (u) => [nameOf(u)]).values()) {
    const emails = new Set(list.map(emailOf).filter(Boolean));
    const phones = new Set(list.map((u) => phoneOf.get(u)).filter(Boolean));
    const distinct = emails.size === list.filter((u) => emailOf(u)).length && phones.size === list.filter((u) => phoneOf.get(u)).length;
    emit(list, distinct ? 'same name, different email and phone' : 'same name');
  }

  if (input.people !== undefined) {
    const byEmail = groupBy(users, (u) => [emailOf(u)]);
    const byPhone = groupBy(users, (u) => [phoneOf.get(u)]);
    const byCode = groupBy(users, (u) => [code(u.employee_code)]);
    const byName = groupBy(users, (u) => [nameOf(u)]);
    const keys = new Set(input.people.map((p) => code(personKey(p))).filter((k): k is string => k !== undefined));
    for (const person of input.people) {
      const own = code(personKey(person));
      const fits = new Map<WiwUserLike, Set<string>>();
      const add = (list: WiwUserLike[] | undefined, by: string) => {
        for (const u of list ?? []) fits.get(u)?.add(by) ?? fits.set(u, new Set([by]));
      };
      if (own !== undefined) add(byCode.get(own), 'employee code');
      for (const e of [person.workEmail, person.personalEmail]) add(byEmail.get(normalizeEmail(e) ?? ''), 'email');
      for (const p of [person.mobilePhone, person.workPhone]) add(byPhone.get(normalizePhone(p, region) ?? ''), 'phone');
      const names = [person.preferredName, person.firstName].map((first) => normalizeName(`${first ?? ''} ${person.lastName ?? ''}`));
      for (const n of new Set(names)) {
        if (n === '') continue;
        add((byName.get(n) ?? []).filter((u) => {
          const c = code(u.employee_code);
          return c === undefined || c === own || !keys.has(c);
        }), 'name');
      }
      // GoCo's FAQ case: the only user that fits is an unlinked one with the same name but another email and
      // phone. The sync cannot match it, so it creates a second user for the same person.
      const [only, onlyBy] = fits.size === 1 ? [...fits][0]! : [undefined, undefined];
      const faq = only !== undefined && onlyBy?.size === 1 && onlyBy.has('name') && code(only.employee_code) === undefined;
      if (fits.size < 2 && !faq) continue;
      const bys = ['employee code', 'email', 'phone', 'name'].filter((b) => [...fits.values()].some((s) => s.has(b)));
      const first = (person.preferredName ?? '').trim() || (person.firstName ?? '').trim();
      const reason = faq
        ? 'same name as a GoCo employee, but a different email and phone and no employee code: the sync cannot match it'
        : `same employee (${bys.join(', ')})`;
      emit([...fits.keys()], reason, {
        id: String(person.id),
        employee_number: person.employeeNumber === null || person.employeeNumber === undefined ? null : String(person.employeeNumber),
        name: `${first} ${(person.lastName ?? '').trim()}`.trim(),
        email: normalizeEmail(person.workEmail) ?? normalizeEmail(person.personalEmail) ?? null,
        phone: normalizePhone(person.mobilePhone, region) ?? normalizePhone(person.workPhone, region) ?? null,
      });
    }
  }
  return { groups };
}

const userView = {
  type: 'object', required: ['id', 'name'],
  properties: { id: { type: ['integer', 'string'] }, name: { type: 'string' }, email: { type: ['string', 'null'] }, phone: { type: ['string', 'null'] } },
};

export const findDuplicatesAction: ActionDef<DuplicatesInput, { groups: DuplicateGroup[] }> = {
  title: 'Find duplicates',
  description: 'Lists When I Work users that probably duplicate each other or a GoCo employee, and why. Pure.',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['users', 'region'],
    properties: {
      users: { type: 'array', items: { type: 'object', required: ['id'] } },
      people: { type: 'array', items: { type: 'object', required: ['id'] } },
      region: { type: 'string', minLength: 2, maxLength: 2 },
    },
  },
  output: {
    type: 'object', required: ['groups'],
    properties: {
      groups: {
        type: 'array',
        items: {
          type: 'object', required: ['users', 'reason'],
          properties: { users: { type: 'array', items: userView }, employee: { type: 'object' }, reason: { type: 'string' } },
        },
      },
    },
  },
  run: async (input) => findDuplicates(input),
};
