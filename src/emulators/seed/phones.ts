/**
 * Phone numbers as HR types them. Each person gets a distinct number by construction (from an index), so
 * two people never share a phone by accident; the same number is then written in many formats.
 */
import { pick, type Rng } from '../shared/rng.js';
import { flat } from './names.js';

export interface PhoneNumber {
  /** Country calling code without '+', e.g. '1', '44'. */
  country: string;
  /** National significant number, digits only. */
  national: string;
}

export const e164 = (p: PhoneNumber): string => `+${p.country}${p.national}`;

/** Area codes in use (US and Canada), so libphonenumber accepts the numbers as valid. */
const AREAS = ['612', '651', '763', '952', '312', '415', '206', '503', '720', '617', '512', '404', '303', '646', '416', '604'];
/** Exchanges 200-999 except N11 service codes. */
const EXCHANGES: string[] = [];
for (let e = 200; e <= 999; e++) if (e % 100 !== 11) EXCHANGES.push(String(e));

/**
 * The `index`-th number of a series; distinct indexes give distinct numbers. About one in thirty is abroad
 * (UK or Mexico), the rest North American.
 */
export function phoneAt(index: number): PhoneNumber {
  const rest = Math.floor(index / 30);
  if (index % 30 === 7) return { country: '44', national: `20${7000_0000 + (rest % 1000_0000)}`.slice(0, 10) };
  if (index % 30 === 19) return { country: '52', national: `55${String(1000_0000 + (rest % 9000_0000))}` };
  const area = AREAS[index % AREAS.length] as string;
  const r = Math.floor(index / AREAS.length);
  // Multiplying by a number coprime to the range scatters the digits and keeps distinct inputs distinct.
  const line = String((r * 7919 + 1234) % 10000).padStart(4, '0');
  const exchange = EXCHANGES[(Math.floor(r / 10000) * 37 + 113) % EXCHANGES.length] as string;
  return { country: '1', national: `${area}${exchange}${line}` };
}

const NANP_FORMATS: Array<(a: string, e: string, l: string) => string> = [
  (a, e, l) => `(${a}) ${e}-${l}`,
  (a, e, l) => `${a}.${e}.${l}`,
  (a, e, l) => `${a}-${e}-${l}`,
  (a, e, l) => `+1 ${a} ${e} ${l}`,
  (a, e, l) => `+1 (${a}) ${e}-${l}`,
  (a, e, l) => `${a}${e}${l}`,
  (a, e, l) => `1-${a}-${e}-${l}`,
  (a, e, l) => `+1${a}${e}${l}`,
  (a, e, l) => `${a} ${e} ${l}`,
  (a, e, l) => `1${a}${e}${l}`,
];
const EXTENSIONS = [' x204', ' ext. 12', ' ext 3', ' x7'];

export type PhoneStyle = 'any' | 'plain' | 'extension';

/** One way of writing `p`; `avoid` is a spelling that must not come out (so two sides differ as text). */
export function formatPhone(rng: Rng, p: PhoneNumber, style: PhoneStyle = 'any', avoid?: string): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const text = formatOnce(rng, p, style);
    if (text !== avoid) return flat(text);
  }
  return e164(p) === avoid ? `+${p.country} ${p.national}` : e164(p);
}

function formatOnce(rng: Rng, p: PhoneNumber, style: PhoneStyle): string {
  const n = p.national;
  let text: string;
  if (p.country === '1') {
    text = pick(rng, NANP_FORMATS)(n.slice(0, 3), n.slice(3, 6), n.slice(6));
  } else if (p.country === '44') {
    text = pick(rng, [`+44 ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`, `+44 (0)${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`, `+44${n}`]);
  } else {
    text = pick(rng, [`+${p.country} ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`, `+${p.country}${n}`]);
  }
  const withExt = style === 'extension' || (style === 'any' && rng() < 0.04);
  return withExt ? text + pick(rng, EXTENSIONS) : text;
}
