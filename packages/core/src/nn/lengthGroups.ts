/**
 * Length groups: a left-padded batch split, row-wise, into groups of similar history length, each cut to
 * its own longest row. Layers that never let padding reach a real position (masked attention keys, padding
 * zeroed after every block) give the same real-position outputs on the cut groups, for a fraction of the
 * work and of the activation memory: on Beauty 87% of the positions of a `maxLen` 50 batch are padding.
 * The rows of a batch stay together (same gradient, same loss); only the computation is split.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../tensor/customOp.js';

/** One group: the batch rows it holds (ascending by length) and the length it is cut to. */
export interface LengthGroup {
  /** Row indices into the batch. */
  rows: Int32Array;
  /** Positions kept (the last `length` of each row): the group's longest row, at least 1. */
  length: number;
}

/** Options of {@link planLengthGroups}. */
export interface LengthGroupOptions {
  /** Most groups. Default 8. */
  maxGroups?: number;
  /** Fixed cost of a group, in positions (kernel launches of one more pass). Default 512. */
  overhead?: number;
}

/**
 * Splits the rows of a left-padded `[B, L]` id batch (0 = padding) into at most `maxGroups` groups of
 * consecutive rows in length order, minimising `Σ rows·length + overhead` per group (exact dynamic
 * programme over the distinct lengths, so its cost does not grow with the batch size). Returns `null`
 * when one uncut group is best (nothing to save). A row's length counts from its first non-padding id
 * to the end.
 */
export function planLengthGroups(ids: ArrayLike<number>, batchSize: number, length: number, opts: LengthGroupOptions = {}): LengthGroup[] | null {
  const G = opts.maxGroups ?? 8;
  const over = opts.overhead ?? 512;
  if (!(Number.isInteger(G) && G >= 1)) throw new RangeError(`planLengthGroups: maxGroups must be a positive integer, got ${G}`);
  if (!(over >= 0)) throw new RangeError(`planLengthGroups: overhead must be >= 0, got ${over}`);
  if (ids.length !== batchSize * length) throw new RangeError(`planLengthGroups: ${ids.length} ids for a ${batchSize}×${length} batch`);
  const B = batchSize;
  const lens = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let t = 0;
    while (t < length && ids[b * length + t] === 0) t++;
    lens[b] = Math.max(1, length - t);
  }
  const order = Int32Array.from({ length: B }, (_, b) => b).sort((a, b) => lens[a] - lens[b] || a - b);
  const sorted = Int32Array.from(order, (b) => lens[b]);
  if (G === 1 || sorted[0] === length) return null;
  // An optimal split never separates rows of equal length, so the programme runs over the K ≤ L distinct
  // lengths: ends[k] = rows with length ≤ value[k]; a group (j, k] costs (ends[k] − ends[j])·value[k] + over.
  const value: number[] = [0];
  const ends: number[] = [0];
  for (let i = 0; i < B; i++) {
    if (sorted[i] !== value[value.length - 1]) {
      value.push(sorted[i]);
      ends.push(i + 1);
    } else ends[ends.length - 1] = i + 1;
  }
  const K = value.length - 1;
  const INF = Number.POSITIVE_INFINITY;
  const cost = Array.from({ length: G + 1 }, () => new Float64Array(K + 1).fill(INF));
  const cut = Array.from({ length: G + 1 }, () => new Int32Array(K + 1));
  cost[0][0] = 0;
  for (let g = 1; g <= G; g++) {
    for (let k = 1; k <= K; k++) {
      for (let j = g - 1; j < k; j++) {
        const c = cost[g - 1][j] + (ends[k] - ends[j]) * value[k] + over;
        if (c < cost[g][k]) {
          cost[g][k] = c;
          cut[g][k] = j;
        }
      }
    }
  }
  let best = 1;
  for (let g = 2; g <= Math.min(G, K); g++) if (cost[g][K] < cost[best][K]) best = g;
  if (best === 1 && value[K] === length) return null;
  const groups: LengthGroup[] = [];
  for (let g = best, k = K; g >= 1; k = cut[g][k], g--) {
    const j = cut[g][k];
    groups.unshift({ rows: order.slice(ends[j], ends[k]), length: value[k] });
  }
  return groups;
}

/**
 * Applies `f` to each group of `x` `[B, L, d]` cut to the group's length (the last `length` positions of
 * its rows, with the ids of those positions), and reassembles `[B, L, d]` in the original row order with
 * zeros before each group's cut. Exactly `f` on the whole batch at the real positions when `f` keeps
 * padding out of real positions and zeroes its own padding outputs. Differentiable in `x` and in the
 * variables `f` reads.
 * @param x - `[B, L, d]` inputs.
 * @param ids - `[B·L]` ids of `x`'s positions (0 = padding).
 * @param groups - from {@link planLengthGroups}.
 * @param f - the layer stack: `(xg [n, Lg, d], idsG [n·Lg], n, Lg) → [n, Lg, d']`.
 */
export function applyByLengthGroups(
  x: tf.Tensor3D,
  ids: ArrayLike<number>,
  groups: readonly LengthGroup[],
  f: (xg: tf.Tensor3D, idsG: Int32Array, n: number, length: number) => tf.Tensor3D,
): tf.Tensor3D {
  const [B, L, d] = x.shape;
  const seen = new Uint8Array(B);
  let total = 0;
  for (const g of groups) {
    if (!(Number.isInteger(g.length) && g.length >= 1 && g.length <= L)) throw new RangeError(`applyByLengthGroups: group length ${g.length} outside [1, ${L}]`);
    for (const r of g.rows) {
      if (!(r >= 0 && r < B) || seen[r]) throw new RangeError(`applyByLengthGroups: row ${r} is out of range or in two groups`);
      seen[r] = 1;
      total++;
    }
  }
  if (total !== B) throw new RangeError(`applyByLengthGroups: the groups hold ${total} of ${B} rows`);
  const order = new Int32Array(B);
  let k = 0;
  for (const g of groups) for (const r of g.rows) order[k++] = r;
  const inverse = new Int32Array(B);
  order.forEach((r, i) => (inverse[r] = i));
  return tf.tidy(() => {
    const xs = permuteRows(x, order, inverse);
    const parts: tf.Tensor3D[] = [];
    let start = 0;
    for (const g of groups) {
      const n = g.rows.length;
      const Lg = g.length;
      const idsG = new Int32Array(n * Lg);
      g.rows.forEach((r, i) => {
        for (let t = 0; t < Lg; t++) idsG[i * Lg + t] = ids[r * L + L - Lg + t];
      });
      const xg = tf.slice(xs, [start, L - Lg, 0], [n, Lg, d]) as tf.Tensor3D;
      const yg = f(xg, idsG, n, Lg);
      parts.push(Lg === L ? yg : (tf.pad(yg, [[0, 0], [L - Lg, 0], [0, 0]]) as tf.Tensor3D));
      start += n;
    }
    return permuteRows(tf.concat(parts, 0), inverse, order);
  });
}

/**
 * Rows of `x` in the order `perm` (a permutation; `inverse` its inverse). The gradient is the inverse
 * permutation of `dy`, a gather too, so no backend needs `UnsortedSegmentSum` (wasm lacks it).
 */
function permuteRows(x: tf.Tensor3D, perm: Int32Array, inverse: Int32Array): tf.Tensor3D {
  return customOp<tf.Tensor3D>(([v]) => ({
    value: tf.gather(v, tf.tensor1d(perm, 'int32')) as tf.Tensor3D,
    gradFunc: (dy) => [tf.gather(dy as tf.Tensor3D, tf.tensor1d(inverse, 'int32'))],
  }))(x);
}
