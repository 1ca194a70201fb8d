/**
 * Batched encoding of many histories into user vectors, each batch padded only to its own longest
 * history (the backbone's output does not depend on padding).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqBatch } from '@recsuite/core';
import type { GuidanceBackbone } from './backbone.js';

/** Options of {@link encodeHistories}. */
export interface EncodeOptions {
  /** Histories per batch. Default 512. */
  batchSize?: number;
}

/**
 * User vectors `[n × d]` (row-major) of `n` histories (chronological item ids, most recent last; only the
 * last `backbone.maxLen` are read; an empty history is encoded as a single padding position).
 * Histories are sorted by length and batched, each batch `L` = its longest history, so short histories
 * cost little. `tf.memory().numTensors` is unchanged on return.
 */
export async function encodeHistories(backbone: GuidanceBackbone, histories: readonly ArrayLike<number>[], opts: EncodeOptions = {}): Promise<Float32Array> {
  const n = histories.length;
  const bs = opts.batchSize ?? 512;
  if (!(Number.isInteger(bs) && bs >= 1)) throw new RangeError(`encodeHistories: batchSize must be a positive integer, got ${bs}`);
  const maxLen = backbone.maxLen;
  const lens = new Int32Array(n);
  for (let k = 0; k < n; k++) lens[k] = Math.min(maxLen, histories[k].length);
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => lens[a] - lens[b] || a - b);
  let out: Float32Array | null = null;
  let d = 0;
  for (let s = 0; s < n; s += bs) {
    const rows = order.slice(s, s + bs);
    const B = rows.length;
    const L = Math.max(1, lens[rows[B - 1]]);
    const seqs = new Int32Array(B * L);
    rows.forEach((k, b) => {
      const h = histories[k];
      const m = lens[k];
      for (let t = 0; t < m; t++) seqs[b * L + L - m + t] = h[h.length - m + t];
    });
    const batch: SeqBatch = { users: Int32Array.from(rows), seqs, batchSize: B, maxLen: L };
    const v = backbone.userVector(batch);
    let data: Float32Array;
    try {
      data = (await v.data()) as Float32Array;
      d = v.shape[1];
    } finally {
      v.dispose();
    }
    out ??= new Float32Array(n * d);
    rows.forEach((k, b) => out!.set(data.subarray(b * d, (b + 1) * d), k * d));
  }
  return out ?? new Float32Array(0);
}

/** Rows `rows` of a row-major `[* × d]` matrix as a `[rows.length, d]` tensor. */
export function gatherVectors(vecs: Float32Array, d: number, rows: ArrayLike<number>): tf.Tensor2D {
  const out = new Float32Array(rows.length * d);
  for (let k = 0; k < rows.length; k++) out.set(vecs.subarray(rows[k] * d, rows[k] * d + d), k * d);
  return tf.tensor2d(out, [rows.length, d]);
}
