/** Deterministic UUIDs (v4 layout) from a seeded generator, so seeds and hires repeat run after run. */
import type { Rng } from '../shared/rng.js';

const HEX_DIGITS = '0123456789abcdef';
const codes: number[] = new Array(36).fill(45); // '-' stays at 8, 13, 18, 23

/**
 * A v4-layout UUID from 128 random bits. Built from char codes in one go: a large seed makes half a million of
 * these, and string concatenation would leave each one as a tree of string pieces in memory.
 */
export function uuidFrom(rng: Rng): string {
  let at = 0;
  for (let word = 0; word < 4; word++) {
    let n = Math.floor(rng() * 0x1_0000_0000);
    for (let k = 0; k < 8; k++) {
      if (at === 8 || at === 13 || at === 18 || at === 23) at++;
      codes[at++] = HEX_DIGITS.charCodeAt(n >>> 28);
      n = (n << 4) >>> 0;
    }
  }
  codes[14] = 52; // '4': version
  const variantDigit = codes[19] as number;
  const value = variantDigit <= 57 ? variantDigit - 48 : variantDigit - 87;
  codes[19] = HEX_DIGITS.charCodeAt((value & 0x3) | 0x8); // variant: 10xx
  return String.fromCharCode(...codes);
}

/**
 * Hands out change stamps that strictly increase across the whole store (so also per record): the next stamp
 * is the wall clock, or one millisecond after the previous stamp when the clock has not moved past it. The
 * poll trigger's `(updatedAt, id)` cursor relies on this.
 */
export class MonotonicClock {
  private last: number;

  constructor(startAfter: number = 0) {
    this.last = startAfter;
  }

  /** Makes sure future stamps come after `iso` (used for seeded records). */
  observe(iso: string): void {
    const ms = Date.parse(iso);
    if (Number.isFinite(ms) && ms > this.last) this.last = ms;
  }

  next(now: number = Date.now()): string {
    this.last = Math.max(now, this.last + 1);
    return new Date(this.last).toISOString();
  }

  /** Today's date (`YYYY-MM-DD`) as the store sees it, for default hire/termination dates. */
  today(now: number = Date.now()): string {
    return new Date(Math.max(now, this.last)).toISOString().slice(0, 10);
  }
}
