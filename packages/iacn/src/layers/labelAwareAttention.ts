import * as tf from '@tensorflow/tfjs-core';
import { capsuleLogitMask } from './routing.js';

/**
 * Label-aware attention with a scaled dot product (IaCN; MIND eq. 10 with the power replaced by a softmax
 * of scaled scores): for each query item `e` (the candidate, or each history item),
 * `a_k = softmax_k(v_k · e / √D)` and the interest-based embedding `ẽ = Σ_k a_k v_k`.
 * `interests [B, K, D]`, `queries [B, N, D]` → `[B, N, D]`; inactive capsules (`capsuleMask = 0`) get no weight.
 */
export function labelAwareAttention(interests: tf.Tensor3D, queries: tf.Tensor3D, capsuleMask?: tf.Tensor2D): tf.Tensor3D {
  const D = interests.shape[2];
  if (queries.shape[2] !== D || queries.shape[0] !== interests.shape[0]) {
    throw new RangeError(`labelAwareAttention: queries must be [${interests.shape[0]}, N, ${D}], got [${queries.shape}]`);
  }
  return tf.tidy(() => {
    let s = tf.div(tf.matMul(queries, interests, false, true), Math.sqrt(D)); // [B, N, K]
    if (capsuleMask) s = tf.add(s, capsuleLogitMask(capsuleMask));
    return tf.matMul(tf.softmax(s), interests) as tf.Tensor3D;
  });
}
