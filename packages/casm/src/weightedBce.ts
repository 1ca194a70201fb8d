import * as tf from '@tensorflow/tfjs-core';

/**
 * CASM's per-behaviour weighted binary cross-entropy (§3.4; official `model.py`):
 *
 * `L = Σ_t [ −α_{b(pos_t)} log σ(s⁺_t) − Σ_j log(1 − σ(s⁻_{t,j})) ] / M`
 *
 * over the `M` non-padding positions, α weighting only the positive term. Written with
 * `−log σ(x) = softplus(−x)` and `−log(1 − σ(x)) = softplus(x)` (TF.js 4.22's `logSigmoid` gradient throws),
 * which is also exact where the official `log(σ(x) + 1e-24)` saturates.
 *
 * @param pos - positive scores `s⁺` `[M]`.
 * @param neg - negative scores `s⁻` `[M]` (one negative per position) or `[M, nNeg]`.
 * @param alpha - α of each position's positive behaviour `[M]`.
 */
export function weightedBce(pos: tf.Tensor1D, neg: tf.Tensor, alpha: tf.Tensor1D): tf.Scalar {
  const M = pos.shape[0];
  if (M === 0) throw new RangeError('weightedBce: no target position');
  if (neg.shape[0] !== M || alpha.shape[0] !== M) {
    throw new RangeError(`weightedBce: pos [${pos.shape}], neg [${neg.shape}] and alpha [${alpha.shape}] must share their first dimension`);
  }
  return tf.tidy(() => {
    const posTerm = tf.mul(alpha, tf.softplus(tf.neg(pos)));
    const negTerm = neg.rank === 1 ? tf.softplus(neg) : tf.sum(tf.softplus(neg), -1);
    return tf.div(tf.sum(tf.add(posTerm, negTerm)), M) as tf.Scalar;
  });
}
