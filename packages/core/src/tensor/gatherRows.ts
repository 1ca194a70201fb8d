import * as tf from '@tensorflow/tfjs-core';
import { embeddingLookup } from './embedding.js';

/**
 * `out[b, c] = x[b, idx[b, c]]` for `x` `[B, N]` and `idx` `[B, C]` (int32): per-row candidate scores.
 * Written as one flat gather with `b * N + idx` indices because `tf.gather(x, idx, 1, 1)` (batchDims=1)
 * returns wrong values on wasm in TF.js 4.22 (tensorflow/tfjs#8658). Differentiable through `x` by a
 * scatter-add gradient (the stock gather gradient is missing on wasm).
 */
export function gatherRows(x: tf.Tensor2D, idx: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, n] = x.shape;
    const offsets = tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(n, 'int32'));
    const flatIdx = tf.add(idx, tf.reshape(offsets, [b, 1]));
    return tf.reshape(embeddingLookup(tf.reshape(x, [-1, 1]) as tf.Tensor2D, tf.reshape(flatIdx, [-1])), idx.shape) as tf.Tensor2D;
  });
}
