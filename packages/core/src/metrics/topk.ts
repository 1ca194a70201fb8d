import * as tf from '@tensorflow/tfjs-core';
import { checkK } from './check.js';
import { excludedPairs, type ExcludeLists } from './exclude.js';

/** Result of {@link topK}: per row, the recommended item ids and their scores, best first. */
export interface TopKResult {
  /** Per row, up to `k` item ids, best first. */
  items: Int32Array[];
  /** Per row, the scores of `items`. */
  scores: Float32Array[];
}

/**
 * Top-`k` items per row of a `[B, N]` score matrix (column 0 = padding), excluding the padding item and
 * each row's `exclude` list (e.g. already-seen items, as `recommend()` does by default).
 *
 * The excluded cells are set to `-Infinity` on the backend with one `tensorScatterUpdate`, then
 * `tf.topk` selects the best `k` without sorting the whole row. Equal scores come out in ascending item
 * id order (the backends' `topk` order). A row with fewer than `k` candidates left returns fewer items;
 * excluded items never appear (so in such a row, a candidate whose own score is `-Infinity` may be left out
 * too, as it ties with the excluded cells). `tf.memory().numTensors` is unchanged on return; `scores` is not disposed.
 *
 * @param scores - `[B, N]` scores.
 * @param k - how many items per row (at most `N − 1` are returned).
 * @param exclude - optional per-row item ids to leave out.
 * @returns per row, ids and scores, best first.
 */
export async function topK(scores: tf.Tensor2D, k: number, exclude?: ExcludeLists): Promise<TopKResult> {
  checkK('topK', k);
  if (scores.rank !== 2) throw new RangeError(`topK: scores must be a [B, N] tensor, got shape [${scores.shape}]`);
  const [B, N] = scores.shape;
  if (B === 0) return { items: [], scores: [] };
  const ex = excludedPairs('topK', B, N, exclude);
  const kk = Math.min(k, N);
  const [valuesT, indicesT] = tf.tidy(() => {
    let s = scores.dtype === 'float32' ? scores : tf.cast(scores, 'float32');
    // tfjs-backend-cpu 4.22's TensorScatterUpdate writes into its input's buffer (it would mask the
    // caller's scores): give it a private copy there. tensorflow and wasm return a new buffer.
    if (s === scores && tf.getBackend() === 'cpu') s = tf.mul(scores, tf.scalar(1));
    const masked = tf.tensorScatterUpdate(s, tf.tensor2d(ex.pairs, [ex.count, 2], 'int32'), tf.fill([ex.count], -Infinity));
    const { values, indices } = tf.topk(masked, kk, true);
    return [values, indices];
  });
  try {
    const [values, indices] = await Promise.all([valuesT.data() as Promise<Float32Array>, indicesT.data() as Promise<Int32Array>]);
    // Row r's excluded ids, for dropping the -Infinity fillers when a row has fewer than k candidates.
    const exStart = new Int32Array(B + 1);
    for (let m = 0; m < ex.count; m++) exStart[ex.pairs[m * 2] + 1]++;
    for (let r = 0; r < B; r++) exStart[r + 1] += exStart[r];
    const items: Int32Array[] = [];
    const outScores: Float32Array[] = [];
    for (let r = 0; r < B; r++) {
      let ids = indices.slice(r * kk, (r + 1) * kk);
      let vals = values.slice(r * kk, (r + 1) * kk);
      if (vals[kk - 1] === -Infinity) {
        const excluded = new Set<number>();
        for (let m = exStart[r]; m < exStart[r + 1]; m++) excluded.add(ex.pairs[m * 2 + 1]);
        const keep: number[] = [];
        for (let i = 0; i < kk; i++) if (!(vals[i] === -Infinity && excluded.has(ids[i]))) keep.push(i);
        ids = Int32Array.from(keep, (i) => ids[i]);
        vals = Float32Array.from(keep, (i) => vals[i]);
      }
      items.push(ids);
      outScores.push(vals);
    }
    return { items, scores: outScores };
  } finally {
    valuesT.dispose();
    indicesT.dispose();
  }
}
