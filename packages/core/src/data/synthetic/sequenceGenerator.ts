/**
 * The frame every per-user sequence generator shares: options resolved against the generator's defaults
 * and checked in a fixed order, and the loop that draws one sequence (its length, then one item per
 * position). Keeping the order of `Rng` draws in one place keeps every generator's output for a seed fixed.
 * @internal
 * @module
 */
import type { Rng } from '../../tensor/rng.js';
import { checkInt, checkProb, intBetween } from './common.js';

/**
 * The generator's numeric options: each one `opts` leaves unset (`undefined` or `null`) takes its value
 * from `defaults`. Keys of `opts` that `defaults` lacks (the seed) are not copied.
 */
export function withDefaults<D extends Record<string, number>>(opts: { readonly [K in keyof D]?: number | null }, defaults: D): D {
  const out = { ...defaults };
  for (const k in defaults) out[k] = (opts[k] ?? defaults[k]) as D[typeof k];
  return out;
}

/** Checks, in the order given, that each named option is an integer ≥ its minimum (`RangeError` naming it). */
export function checkInts<D extends Record<string, number>>(values: D, mins: { readonly [K in keyof D]?: number }): void {
  for (const name in mins) checkInt(name, values[name], mins[name] as number);
}

/** Checks, in the order given, that each named option is a probability (`RangeError` naming it). */
export function checkProbs<D extends Record<string, number>>(values: D, names: readonly (keyof D & string)[]): void {
  for (const name of names) checkProb(name, values[name]);
}

/**
 * Draws one sequence: its length uniform in `[minLength, maxLength]`, then item `t = next(t, s)` for
 * `t = 0, 1, …` in order (`s` holds the items drawn so far). State a generator draws per sequence after
 * the length (a starting interest) belongs in `next` at `t = 0` (every generator checks `minLength >= 1`).
 */
export function drawSequence(
  rng: Rng,
  lengths: { readonly minLength: number; readonly maxLength: number },
  next: (t: number, s: Int32Array) => number,
): Int32Array {
  const s = new Int32Array(intBetween(rng, lengths.minLength, lengths.maxLength));
  for (let t = 0; t < s.length; t++) s[t] = next(t, s);
  return s;
}
