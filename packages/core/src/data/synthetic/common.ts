/**
 * Helpers shared by the synthetic generators.
 * @internal
 * @module
 */
import type { Rng } from '../../tensor/rng.js';
import { IdMap } from '../idmap.js';
import type { ItemAttributes } from '../schema.js';

/** Uniform integer in `[lo, hi]`. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** A uniform element of a non-empty array (one `rng.int` draw). */
export function pick<T>(rng: Rng, from: ArrayLike<T>): T {
  return from[rng.int(from.length)];
}

/** Assigns items `1..numItems` to `numClusters` clusters of near-equal size, in a shuffled order. */
export function clusterItems(rng: Rng, numItems: number, numClusters: number): { itemCluster: Int32Array; members: Int32Array[] } {
  if (!(numClusters >= 1 && numItems >= numClusters)) throw new RangeError(`need 1 <= numClusters <= numItems, got ${numClusters}, ${numItems}`);
  const perm = rng.permutation(numItems);
  const itemCluster = new Int32Array(numItems + 1).fill(-1);
  const lists: number[][] = Array.from({ length: numClusters }, () => []);
  for (let k = 0; k < numItems; k++) {
    const item = perm[k] + 1;
    const c = k % numClusters;
    itemCluster[item] = c;
    lists[c].push(item);
  }
  return { itemCluster, members: lists.map((l) => Int32Array.from(l).sort()) };
}

/** `k` distinct values from `0..n-1`. */
export function distinct(rng: Rng, n: number, k: number): Int32Array {
  return rng.permutation(n).slice(0, Math.min(k, n));
}

/** Item attributes holding one categorical value per item: `value[item] + 1` (so ids start at 1). */
export function singleAttribute(values: Int32Array, numValues: number, numItems: number): ItemAttributes {
  const out: Int32Array[] = [new Int32Array(0)];
  for (let i = 1; i <= numItems; i++) out.push(Int32Array.of(values[i] + 1));
  return { values: out, numValues, vocab: IdMap.identity(numValues, 1, 0) };
}

/** Validates that a parameter is an integer ≥ `min`. */
export function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
}

/** Validates that a parameter is a probability. */
export function checkProb(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
}
