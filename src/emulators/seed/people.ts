/**
 * One generated GoCo employee with HR's usual messiness: padded, mixed-case emails, phones in any format,
 * missing contact data, preferred and accented names, statuses, future hires and the sync opt-out flag.
 */
import { uuidFrom } from '../goco/ids.js';
import type { EmployeeStatus, GocoEmployee } from '../goco/types.js';
import { intBetween, pick, type Rng } from '../shared/rng.js';
import { FIRST_NAMES, JOB_TITLES, LAST_NAMES, PREFERRED, flat, isUnicodeName, slug } from './names.js';
import { formatPhone, phoneAt, type PhoneNumber } from './phones.js';
import type { SeedCase } from './types.js';

const DAY = 86_400_000;
export const WORK_DOMAIN = 'shirehospitality.example';
/** Index 0 is the company's domain, the rest personal mail. */
const EMAIL_DOMAINS = [WORK_DOMAIN, 'gmail.example', 'yahoo.example', 'outlook.example', 'icloud.example'];

/** Email as HR sometimes types it: other case, stray spaces. Equal to `email` once trimmed and folded. */
export function messyEmail(rng: Rng, email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const cased = pick(rng, [
    `${local.replace(/(^|\.)([a-z])/g, (_, dot: string, c: string) => dot + c.toUpperCase())}@${domain}`,
    email.toUpperCase(),
    `${local}@${domain.charAt(0).toUpperCase()}${domain.slice(1)}`,
  ]);
  const padded = pick(rng, [cased, ` ${cased}`, `${cased} `, `  ${cased}`]);
  return flat(padded === email ? ` ${email.toUpperCase()}` : padded);
}

export const normEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Keeps generated addresses unique without hashing strings: a counter per (first name, last name, domain)
 * from the pools, and a number appended from the second holder on. Pool names never end in a digit, so a
 * numbered address cannot equal a plain one.
 */
export class EmailBook {
  private readonly counts = new Uint32Array(FIRST_NAMES.length * LAST_NAMES.length * EMAIL_DOMAINS.length);

  take(first: number, last: number, domain: number, local: string): string {
    const slot = (first * LAST_NAMES.length + last) * EMAIL_DOMAINS.length + domain;
    const count = ++(this.counts[slot] as number);
    const host = EMAIL_DOMAINS[domain] as string;
    return flat(count === 1 ? `${local}@${host}` : `${local}${count}@${host}`);
  }
}

export interface Draft {
  employee: GocoEmployee;
  cases: SeedCase[];
  /** The phone the sync uses (mobile, else work), as a number; null when none. */
  phone: PhoneNumber | null;
  /** Both emails normalised, primary (work, else personal) first. */
  emails: string[];
}

export interface PersonContext {
  rng: Rng;
  index: number;
  nowMs: number;
  locationIds: string[];
  departmentIds: string[];
  /** Ids of earlier employees who may manage this one. */
  managerPool: string[];
  emails: EmailBook;
  /** Offset of second (work) phone numbers, so they never equal anyone's primary phone. */
  workPhoneBase: number;
  /** Decided by the caller, which knows the person's WIW scenario. */
  status: EmployeeStatus;
  /** Rehires started recently. */
  recentHire?: boolean;
  excluded?: boolean;
}

const days = new Map<number, string>();
/** `YYYY-MM-DD` of a UTC instant; cached per day since a large seed formats the same few thousand days. */
function isoDate(ms: number): string {
  const day = Math.floor(ms / DAY);
  let text = days.get(day);
  if (text === undefined) {
    text = new Date(day * DAY).toISOString().slice(0, 10);
    days.set(day, text);
  }
  return text;
}

export function generatePerson(ctx: PersonContext): Draft {
  const { rng, index, nowMs } = ctx;
  const cases: SeedCase[] = [];
  const firstIndex = Math.floor(rng() * FIRST_NAMES.length);
  const lastIndex = Math.floor(rng() * LAST_NAMES.length);
  const firstName = FIRST_NAMES[firstIndex] as string;
  const lastName = LAST_NAMES[lastIndex] as string;
  if (isUnicodeName(firstName) || isUnicodeName(lastName)) cases.push('unicode_name');
  const preferredName = rng() < 0.08 ? pick(rng, PREFERRED) : null;
  if (preferredName) cases.push('preferred_name');
  const employeeNumber = rng() < 0.05 ? null : String(1000 + index);
  if (employeeNumber === null) cases.push('no_employee_number');

  const status = ctx.status;
  let hireMs = nowMs - intBetween(rng, 30, 3650) * DAY;
  if (ctx.recentHire) hireMs = nowMs - intBetween(rng, 1, 60) * DAY;
  if (status === 'onboarding') {
    const future = rng() < 0.5;
    hireMs = future ? nowMs + intBetween(rng, 3, 60) * DAY : nowMs - intBetween(rng, 0, 14) * DAY;
    cases.push(future ? 'future_hire' : 'onboarding');
  }
  if (status === 'on_leave') cases.push('on_leave');
  if (status === 'terminated') cases.push('terminated');
  const terminationDate = status === 'terminated' ? isoDate(hireMs + Math.floor(rng() * (nowMs - hireMs))) : null;

  const emailRoll = rng();
  const work = emailRoll < 0.82 ? ctx.emails.take(firstIndex, lastIndex, 0, `${slug(firstName)}.${slug(lastName)}`) : null;
  const personal =
    emailRoll >= 0.94 || (emailRoll < 0.82 && rng() >= 0.4)
      ? null
      : ctx.emails.take(firstIndex, lastIndex, 1 + Math.floor(rng() * 4), slug(firstName) + slug(lastName));
  if (work === null && personal !== null) cases.push('personal_email_only');
  if (work === null && personal === null) cases.push('no_email');
  const messy = rng() < 0.2;
  if (messy && (work ?? personal)) cases.push('messy_email');
  const show = (email: string | null) => (email !== null && messy ? messyEmail(rng, email) : email);

  const phoneRoll = rng();
  const primary = phoneRoll < 0.85 ? phoneAt(index) : null;
  const primaryText = primary ? formatPhone(rng, primary) : null;
  const mobilePhone = phoneRoll < 0.7 ? primaryText : null;
  let workPhone = phoneRoll >= 0.7 && phoneRoll < 0.85 ? primaryText : null;
  if (mobilePhone !== null && rng() < 0.2) workPhone = formatPhone(rng, phoneAt(ctx.workPhoneBase + index));
  if (primary === null) cases.push('no_phone');
  if (mobilePhone === null && workPhone !== null) cases.push('work_phone_only');
  if (primary && primary.country !== '1') cases.push('international_phone');
  if (primaryText && /x|ext/.test(primaryText)) cases.push('phone_extension');

  const hourly = rng() < 0.85;
  const employmentRoll = rng();
  const workLocationId = rng() < 0.04 ? null : pick(rng, ctx.locationIds);
  if (workLocationId === null) cases.push('no_location');
  const departmentId = rng() < 0.03 ? null : pick(rng, ctx.departmentIds);
  const managerId = ctx.managerPool.length > 0 && rng() < 0.9 ? pick(rng, ctx.managerPool) : null;
  const updatedMs = Math.min(hireMs, nowMs) + Math.floor(rng() * (nowMs - Math.min(hireMs, nowMs)));

  const employee: GocoEmployee = {
    id: uuidFrom(rng),
    employeeNumber,
    firstName,
    lastName,
    preferredName,
    workEmail: show(work),
    personalEmail: work === null ? show(personal) : personal,
    mobilePhone,
    workPhone,
    status,
    employmentType: employmentRoll < 0.6 ? 'full_time' : employmentRoll < 0.92 ? 'part_time' : 'temporary',
    payType: hourly ? 'hourly' : 'salaried',
    hourlyRate: hourly ? intBetween(rng, 1500, 3200) / 100 : null,
    hireDate: isoDate(hireMs),
    terminationDate,
    jobTitle: pick(rng, JOB_TITLES),
    workLocationId,
    departmentId,
    managerId,
    updatedAt: new Date(updatedMs).toISOString(),
  };
  const flag = ctx.excluded ? false : rng() < 0.12 ? true : undefined;
  if (flag !== undefined) employee.syncToWhenIWork = flag;
  if (flag === false) cases.push('excluded');
  if (flag === true) cases.push('sync_flag_true');
  const emails = [work, personal].filter((e): e is string => e !== null);
  return { employee, cases, phone: primary, emails };
}
