/**
 * The BPR objective (Rendle et al. 2009, Sec. 4.1, BPR-Opt) and the batch L2 penalty used by BPR-MF and
 * LightGCN.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean BPR loss `−ln σ(x_ui − x_uj)` over a batch, written as `softplus(−(x_ui − x_uj))` (numerically
 * stable, and `tf.logSigmoid`'s gradient throws in TF.js 4.22).
 * @param pos - scores `x_ui` of the positive items `[B]`.
 * @param neg - scores `x_uj` of the negative items `[B]`.
 */
export function bprLoss(pos: tf.Tensor1D, neg: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(tf.sub(neg, pos))) as tf.Scalar);
}

/**
 * L2 penalty on the embeddings of a batch, `½ Σ_t ‖t‖² / batchSize` (the per-batch form of `λ‖Θ‖²`,
 * as in LightGCN's training objective); multiply by `λ` yourself.
 * @param parts - the batch's embeddings (e.g. users, positives, negatives), any shapes.
 * @param batchSize - rows in the batch.
 */
export function l2Penalty(parts: tf.Tensor[], batchSize: number): tf.Scalar {
  return tf.tidy(() => {
    let s: tf.Tensor = tf.scalar(0);
    for (const p of parts) s = tf.add(s, tf.sum(tf.square(p)));
    return tf.div(tf.mul(s, 0.5), batchSize) as tf.Scalar;
  });
}

/**
 * The scores `x_ui = ⟨e_u, e_i⟩` and `x_uj` of a batch, then `bprLoss + λ · l2Penalty(ego)`.
 * @param u - final user embeddings `[B, d]`.
 * @param p - final positive-item embeddings `[B, d]`.
 * @param n - final negative-item embeddings `[B, d]`.
 * @param l2 - `λ`.
 * @param ego - the embeddings the penalty applies to (the layer-0 rows of the batch).
 */
export function bprObjective(u: tf.Tensor2D, p: tf.Tensor2D, n: tf.Tensor2D, l2: number, ego: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    const xPos = tf.sum(tf.mul(u, p), 1) as tf.Tensor1D;
    const xNeg = tf.sum(tf.mul(u, n), 1) as tf.Tensor1D;
    const loss = bprLoss(xPos, xNeg);
    return (l2 > 0 ? tf.add(loss, tf.mul(l2Penalty(ego, u.shape[0]), l2)) : loss) as tf.Scalar;
  });
}
