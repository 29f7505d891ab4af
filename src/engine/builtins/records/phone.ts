/**
 * Phone normalisation to E.164 for matching and for the `phone_number` written to When I Work.
 *
 * Metadata: the default `min` set of libphonenumber-js. It checks length and leading digits, not the
 * per-range digit patterns of `max`. For matching that is the safer side: both GoCo's and WIW's numbers
 * go through the same function, and a range allocated after the metadata was cut still normalises
 * instead of silently dropping out of the phone tier. It is also the smaller and faster set.
 */
import type { CountryCode } from 'libphonenumber-js/min';
import { phoneLib } from '../../phone-lib.js';

/** Parsed numbers per region, shared by every index built in this process (inputs repeat a lot). */
const cache = new Map<string, string | null>();
const CACHE_LIMIT = 200_000;
const EXTENSION = /\s*(?:#|x|ext\.?|extension)\s*\d+\s*$/i;

/**
 * E.164 form of `raw` read in `region` (ISO 3166 alpha-2, e.g. "US"), or undefined when missing or invalid.
 * Accepts free-form input: spaces, dots, dashes, parentheses, extensions ("x123", "ext. 5" - dropped, E.164
 * has none), "+" or "00" international prefixes, and international digits without "+" as WIW stores them
 * ("16511234567").
 */
export function normalizePhone(raw: string | number | null | undefined, region: string): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const text = String(raw).trim();
  if (text === '') return undefined;
  const key = `${region}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const country = region.toUpperCase() as CountryCode;
  const shortcut = nanpShortcut(text, country);
  const value = shortcut !== undefined ? shortcut : (parsePhone(text, country) ?? null);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value ?? undefined;
}

/**
 * North American numbers are most of the input and libphonenumber spends microseconds on each (it compiles its
 * patterns per call). NANP numbers are allocated by NPA-NXX, and in the metadata whether a 10-digit number is valid
 * depends only on those first six digits (the deepest patterns, personal numbers in 52x, fix six digits then
 * \d{4}). So the verdict of the first number seen with a given six-digit prefix and form is reused for the rest;
 * tests check that assumption against the installed metadata.
 */
const NANP_PREFIX = 6;
const nanpVerdicts = new Map<string, boolean>();
const nanpRegions = new Map<string, boolean>();

function isNanpRegion(region: CountryCode): boolean {
  let known = nanpRegions.get(region);
  if (known === undefined) {
    try {
      known = phoneLib().getCountryCallingCode(region) === '1';
    } catch {
      known = false;
    }
    nanpRegions.set(region, known);
  }
  return known;
}

/** "+1" + ten digits when the prefix's verdict says so, null when invalid, undefined when only parsing can tell. */
function nanpShortcut(text: string, region: CountryCode): string | null | undefined {
  const body = text.replace(EXTENSION, '');
  if (!/^\+?[\d\s().\-/]+$/.test(body)) return undefined;
  const digits = body.replace(/\D/g, '');
  let national: string;
  let form: string;
  if (body.startsWith('+')) {
    if (digits.length !== 11 || !digits.startsWith('1')) return undefined;
    [national, form] = [digits.slice(1), '+1'];
  } else if (!isNanpRegion(region)) {
    return undefined;
  } else if (digits.length === 10) {
    [national, form] = [digits, region];
  } else if (digits.length === 11 && digits.startsWith('1')) {
    [national, form] = [digits.slice(1), `${region}1`];
  } else {
    return undefined;
  }
  const e164 = `+1${national}`;
  const key = `${form}:${national.slice(0, NANP_PREFIX)}`;
  const verdict = nanpVerdicts.get(key);
  if (verdict === true) return e164;
  if (verdict === false) return undefined;
  const parsed = parsePhone(text, region);
  nanpVerdicts.set(key, parsed === e164);
  return parsed ?? null;
}

/** The reference normalisation, uncached and without shortcuts. */
export function parsePhone(text: string, region: CountryCode): string | undefined {
  // "00" is the international prefix in most of the world but not in NANP regions; read it as "+" always,
  // since no national number starts with "00".
  const compact = text.replace(/[\s().\-/]/g, '');
  const input = /^00[1-9]/.test(compact) ? `+${compact.slice(2)}` : text;
  const local = valid(input, region);
  if (local !== undefined || input.startsWith('+')) return local;
  // Digits that are not a valid national number may be an international number stored without "+".
  const digits = input.replace(/(?:x|ext\.?|extension|#).*$/i, '').replace(/\D/g, '');
  return digits.length >= 8 ? valid(`+${digits}`, region) : undefined;
}

function valid(input: string, region: CountryCode): string | undefined {
  try {
    const parsed = phoneLib().parsePhoneNumberFromString(input, { defaultCountry: region, extract: false });
    return parsed !== undefined && parsed.isValid() ? parsed.number : undefined;
  } catch {
    // An unknown region code throws; treat it like an unparseable number.
    return undefined;
  }
}


/**
 * The last six digits `raw` must end with once normalised, or undefined when that cannot be told without
 * parsing (letters, unusual extensions, short numbers). Every form of a number - national with a trunk
 * prefix, "+", "00", digits without "+" - ends with the subscriber digits, so two raw phones whose tails
 * differ cannot normalise to the same E.164 number.
 */
export function phoneTail(raw: string): string | undefined {
  const body = raw.replace(EXTENSION, '');
  if (!/^[\d\s().+\-/]+$/.test(body)) return undefined;
  const digits = body.replace(/\D/g, '');
  return digits.length >= 8 ? digits.slice(-6) : undefined;
}

/**
 * Items by phone number, compared in E.164. Parsing costs microseconds per number, so items are filed by
 * the cheap tail and a number is parsed only when the other side has a phone with the same tail; a match of
 * 10,000 people against 2,000 users then parses a few hundred numbers instead of 22,000.
 */
export class PhoneIndex<T> {
  readonly #byTail = new Map<string, { raw: string; item: T }[]>();
  /** Items whose phone gives no tail; compared with every looked-up number (rare). */
  readonly #untailed: { raw: string; item: T }[] = [];
  #full: Map<string, T[]> | undefined;

  constructor(readonly region: string) {}

  add(raw: string | number | null | undefined, item: T): void {
    if (raw === null || raw === undefined) return;
    const text = String(raw).trim();
    if (text === '') return;
    const tail = phoneTail(text);
    const entry = { raw: text, item };
    if (tail === undefined) this.#untailed.push(entry);
    else this.#byTail.get(tail)?.push(entry) ?? this.#byTail.set(tail, [entry]);
    this.#full = undefined;
  }

  /** Items whose phone is the same number as `raw`, in the order they were added, each once. */
  lookup(raw: string | number | null | undefined): T[] {
    if (raw === null || raw === undefined) return [];
    const text = String(raw).trim();
    if (text === '') return [];
    const tail = phoneTail(text);
    if (tail === undefined) {
      const phone = normalizePhone(text, this.region);
      return phone === undefined ? [] : (this.#fullMap().get(phone) ?? []);
    }
    const entries = this.#byTail.get(tail);
    if (entries === undefined && this.#untailed.length === 0) return [];
    const phone = normalizePhone(text, this.region);
    if (phone === undefined) return [];
    const out: T[] = [];
    for (const entry of [...(entries ?? []), ...this.#untailed]) {
      if (normalizePhone(entry.raw, this.region) === phone && !out.includes(entry.item)) out.push(entry.item);
    }
    return out;
  }

  #fullMap(): Map<string, T[]> {
    if (this.#full !== undefined) return this.#full;
    const full = new Map<string, T[]>();
    for (const entry of [...[...this.#byTail.values()].flat(), ...this.#untailed]) {
      const phone = normalizePhone(entry.raw, this.region);
      if (phone === undefined) continue;
      const list = full.get(phone);
      if (list === undefined) full.set(phone, [entry.item]);
      else if (!list.includes(entry.item)) list.push(entry.item);
    }
    this.#full = full;
    return full;
  }
}
