import * as tf from '@tensorflow/tfjs-core';

/**
 * `[rows, N]` int32 mask of `scores[r, j] < targets[r]` (internal). `targets` is `[rows, 1]`.
 *
 * On `wasm` a broadcast `Less` falls to a slow generic path (about 1.5 s for 1024 × 12,102 here, against
 * 80 ms for a broadcast `Sub` then a compare with a scalar), so there it is computed as
 * `(scores − target) < 0`. That is the same predicate for every float32 input, infinities and `NaN`
 * included (`∞ − ∞ = NaN` is "not below", like a tie), except that a difference too small to be a normal
 * float may flush to zero and count as a tie, as the native backend does for subnormal inputs anyway.
 */
export function belowTarget(scores: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const below = tf.getBackend() === 'wasm' ? tf.less(tf.sub(scores, targets), 0) : tf.less(scores, targets);
    return tf.cast(below, 'int32') as tf.Tensor2D;
  });
}
