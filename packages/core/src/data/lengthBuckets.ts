/**
 * Length bucketing of training batches, as DIEN's released data iterator does (`sort_by_length` over 20
 * batches): shared by the CTR and the sequence batchers.
 * @module
 */
import type { Rng } from '../tensor/rng.js';

/** A batch plan: the order in which rows are visited, and where each batch ends in it. */
export interface BatchPlan {
  /** Row ids in visiting order. */
  order: Int32Array;
  /** End (exclusive) of each batch in `order`. */
  ends: number[];
  /** With bucketing: each batch's longest row by `lengthOf` (at least 1), the length to cut it to. */
  longest?: number[];
}

/**
 * Cuts `order` into batches of `batchSize`. With `buffer > 0`, takes `order` `buffer` batches at a time,
 * sorts those rows by `lengthOf` (stable: ties by row id), cuts them into batches and, given `rng`, visits
 * those batches in random order; so a batch holds rows of similar length and can be cut to its longest,
 * given in `longest`.
 * Throws a `RangeError` naming `who` when `buffer` is not a non-negative integer.
 */
export function lengthBucketPlan(order: Int32Array, lengthOf: (row: number) => number, batchSize: number, buffer: number, rng: Rng | undefined, who: string): BatchPlan {
  if (!(Number.isInteger(buffer) && buffer >= 0)) throw new RangeError(`${who}: lengthBuffer must be a non-negative integer, got ${buffer}`);
  const ends: number[] = [];
  if (buffer === 0) {
    for (let start = 0; start < order.length; start += batchSize) ends.push(Math.min(start + batchSize, order.length));
    return { order, ends };
  }
  const out = new Int32Array(order.length);
  const longest: number[] = [];
  let o = 0;
  for (let start = 0; start < order.length; start += batchSize * buffer) {
    const chunk = Array.from(order.subarray(start, Math.min(start + batchSize * buffer, order.length)));
    chunk.sort((a, b) => lengthOf(a) - lengthOf(b) || a - b);
    const batches: number[][] = [];
    for (let k = 0; k < chunk.length; k += batchSize) batches.push(chunk.slice(k, k + batchSize));
    if (rng) rng.shuffle(batches);
    for (const b of batches) {
      out.set(b, o);
      o += b.length;
      ends.push(o);
      longest.push(Math.max(1, lengthOf(b[b.length - 1]))); // rows sorted by length: the last is the longest
    }
  }
  return { order: out, ends, longest };
}
