import * as tf from '@tensorflow/tfjs-core';

/**
 * The capsule non-linearity (Sabour et al. 2017, eq. 1; MIND eq. 7): `squash(z) = ‖z‖² / (1 + ‖z‖²) · z / ‖z‖`
 * over the last axis, so every output norm lies in `[0, 1)`. Written `z · √(‖z‖² + ε) / (1 + ‖z‖²)` so the
 * gradient stays finite at `z = 0`.
 */
export function squash(z: tf.Tensor, eps = 1e-9): tf.Tensor {
  return tf.tidy(() => {
    const n2 = tf.sum(tf.square(z), -1, true);
    return tf.mul(z, tf.div(tf.sqrt(tf.add(n2, eps)), tf.add(n2, 1)));
  });
}
