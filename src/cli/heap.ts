/**
 * How the `recipes` process asks V8 to size its heap. By default V8 lets the old generation grow to up to
 * four times what survived the last full collection before it collects again. A sync holds its whole data
 * set for its whole run (about 130 MB for 100,000 employees and their plan) while every HTTP request leaves
 * garbage behind, so the heap settled at 2-3x the live size. Growing by 1.3x instead collects sooner:
 * measured at 100,000 employees, peak RSS 283-310 MB against 331-369 MB by default, for 19.4-21.5 s of
 * CPU against 19.7-19.8 s. Nothing caps the heap, so a larger tenant still runs; it only collects sooner.
 * Set before anything sizeable is allocated; the flag is read at each full collection.
 */
import v8 from 'node:v8';

const HEAP_GROWING_PERCENT = 30;

export function tuneHeap(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
