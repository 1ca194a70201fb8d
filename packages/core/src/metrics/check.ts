/**
 * Input checks shared by the metrics (internal, not re-exported). Every failure is a `RangeError`
 * naming the function, the argument, the offending index and what was expected.
 */

/** Throws unless `a` and `b` have the same length. */
export function checkSameLength(fn: string, names: [string, string], a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new RangeError(`${fn}: ${names[0]} and ${names[1]} must have the same length, got ${a.length} and ${b.length}`);
  }
}

/** Throws unless `k` is a positive integer. */
export function checkK(fn: string, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${fn}: k must be a positive integer, got ${k}`);
}

/** Throws unless `rank` is a non-negative integer or `+Infinity` (a target that was not ranked at all). */
export function checkRank(fn: string, rank: number, where: string): void {
  if (!(rank >= 0) || (!Number.isInteger(rank) && rank !== Infinity)) {
    throw new RangeError(`${fn}: ${where} must be a non-negative integer rank (0 = first) or Infinity, got ${rank}`);
  }
}

/** Throws unless `id` is an integer item id in `[lo, hi)`. */
export function checkId(fn: string, id: number, lo: number, hi: number, where: string): void {
  if (!Number.isInteger(id) || id < lo || id >= hi) {
    throw new RangeError(`${fn}: ${where} must be an integer item id in [${lo}, ${hi - 1}], got ${id}`);
  }
}
