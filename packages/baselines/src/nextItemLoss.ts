import * as tf from '@tensorflow/tfjs-core';
import { customOp, embeddingLookup, matMulFast, type Embedding } from '@recsuite/core';

/**
 * Next-item losses shared by the sequential baselines. All take the hidden states of the positions that
 * have a target only (see {@link targetRows}), so a batch of short, left-padded sequences pays for its real
 * positions, not for `B·L`.
 */

/** Positions with a target (`targets[i] > 0`) and those targets, in order. */
export function targetPositions(targets: Int32Array): { index: Int32Array; targets: Int32Array } {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] > 0) n++;
  const index = new Int32Array(n);
  const t = new Int32Array(n);
  for (let i = 0, k = 0; i < targets.length; i++) {
    if (targets[i] > 0) {
      index[k] = i;
      t[k++] = targets[i];
    }
  }
  return { index, targets: t };
}

/**
 * Rows `index` of the states `h [B, L, d]` (flattened to `[B·L, d]`), `[M, d]`, with a scatter-add
 * gradient (safe on every backend; the stock gather gradient is missing on wasm).
 */
export function targetRows(h: tf.Tensor, index: Int32Array): tf.Tensor2D {
  const d = h.shape[h.shape.length - 1];
  return tf.tidy(() => embeddingLookup(tf.reshape(h, [-1, d]) as tf.Tensor2D, index) as tf.Tensor2D);
}

/**
 * Binary cross-entropy with sampled negatives (SASRec §III-E eq. 5):
 * `−Σ [log σ(r_pos) + Σ_j log(1 − σ(r_neg_j))] / M`, written with `log σ(x) = −softplus(−x)` (`tf.logSigmoid`'s
 * gradient throws in TF.js 4.22). `h [M, d]` are the states of the `M` target positions, `targets [M]`,
 * `negatives [M · nNeg]` (row-major per position); scores are dot products with the `items` table.
 */
export function bceLoss(h: tf.Tensor2D, items: Embedding, targets: Int32Array, negatives: Int32Array): tf.Scalar {
  const M = targets.length;
  if (M === 0) throw new RangeError('bceLoss: the batch has no target position');
  const nNeg = negatives.length / M;
  if (!Number.isInteger(nNeg) || nNeg < 1) throw new RangeError(`bceLoss: ${negatives.length} negatives for ${M} targets (need a positive multiple)`);
  const d = h.shape[1];
  return tf.tidy(() => {
    const pos = tf.sum(tf.mul(h, items.lookup(targets)), -1); // [M]
    const negE = tf.reshape(items.lookup(negatives), [M, nNeg, d]);
    const neg = tf.sum(tf.mul(tf.expandDims(h, 1), negE), -1); // [M, nNeg]
    // −log σ(pos) = softplus(−pos); −log(1 − σ(neg)) = softplus(neg)
    const per = tf.add(tf.softplus(tf.neg(pos)), tf.sum(tf.softplus(neg), -1));
    return tf.mean(per) as tf.Scalar;
  });
}

/**
 * Row-wise `log Σ_j exp(x_ij)` of a `[M, N]` matrix with a closed-form gradient, `dx = dy ⊙ softmax(x)`:
 * autodiff through `tf.logSumExp` also differentiates its max-shift (an equality mask, a cast and a
 * product over the whole `[M, N]` matrix, which cancel), so for full-softmax losses over ~10⁴ items this
 * op saves several passes over the logits.
 */
export function logSumExpRows(x: tf.Tensor2D): tf.Tensor1D {
  const f = customOp<tf.Tensor1D>(([logits], save) => {
    const m = tf.max(logits, 1, true);
    const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(logits, m)), 1, true)), m); // [M, 1]
    save([logits, lse]);
    return {
      value: tf.reshape(lse, [-1]) as tf.Tensor1D,
      gradFunc: (dy, saved) => tf.mul(tf.exp(tf.sub(saved[0], saved[1])), tf.reshape(dy, [-1, 1])),
    };
  });
  return f(x);
}

/**
 * Full-softmax scores of states `h [M, d]` against items `1..numItems` of `table` (rows past `numItems`,
 * such as BERT4Rec's [mask], and the padding row are left out): `logits [M, N]` and the targets' own scores
 * `target [M]`, each `⟨h_m, E_j⟩ (+ b_j)`. Scores of a concatenation add up
 * (`⟨[a‖b], [E‖F]_j⟩ = ⟨a, E_j⟩ + ⟨b, F_j⟩`), so a model with several score parts can share them.
 */
export function softmaxScores(
  h: tf.Tensor2D,
  table: tf.Tensor2D,
  targets: Int32Array,
  numItems: number,
  bias?: tf.Tensor1D,
): { logits: tf.Tensor2D; target: tf.Tensor1D } {
  const M = targets.length;
  if (M === 0) throw new RangeError('softmaxScores: the batch has no target position');
  return tf.tidy(() => {
    const rows = tf.slice(table, [1, 0], [numItems, table.shape[1]]) as tf.Tensor2D; // items 1..N
    let logits: tf.Tensor2D = matMulFast(h, rows, false, true); // [M, N]
    if (bias) logits = tf.add(logits, tf.slice(bias, [1], [numItems]));
    let target: tf.Tensor = tf.sum(tf.mul(h, embeddingLookup(table, targets)), -1);
    if (bias) target = tf.add(target, tf.reshape(embeddingLookup(tf.reshape(bias, [-1, 1]) as tf.Tensor2D, targets), [M]));
    return { logits, target: target as tf.Tensor1D };
  });
}

/** Cross-entropy of full-softmax scores (see {@link softmaxScores}): `mean_m [log Σ_j exp(logits_mj) − target_m]`. */
export function softmaxLossOfScores(scores: { logits: tf.Tensor2D; target: tf.Tensor1D }): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(logSumExpRows(scores.logits), scores.target)) as tf.Scalar);
}

/**
 * Full-softmax cross-entropy over items `1..numItems` (RecBole's default for SASRec; BERT4Rec, GRU4Rec):
 * `mean_m [log Σ_{j≥1} exp(⟨h_m, E_j⟩ + b_j) − (⟨h_m, E_t⟩ + b_t)]`; the padding row (and any table rows
 * beyond `numItems`, such as BERT4Rec's [mask]) is left out of the softmax. `table` is the whole item table
 * as a differentiable tensor (`items.all()`), `bias` an optional per-item output bias `[numItems + 1]`.
 */
export function softmaxLoss(h: tf.Tensor2D, table: tf.Tensor2D, targets: Int32Array, numItems: number, bias?: tf.Tensor1D): tf.Scalar {
  if (targets.length === 0) throw new RangeError('softmaxLoss: the batch has no target position');
  return tf.tidy(() => softmaxLossOfScores(softmaxScores(h, table, targets, numItems, bias)));
}

/**
 * Cross-entropy over the target and its sampled negatives only (sampled softmax):
 * `mean_m [logsumexp(r_pos, r_neg_1..K) − r_pos]`. Shapes as in {@link bceLoss}.
 */
export function sampledSoftmaxLoss(h: tf.Tensor2D, items: Embedding, targets: Int32Array, negatives: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const { pos, neg } = candidateScores('sampledSoftmaxLoss', h, items, targets, negatives);
    const all = tf.concat([tf.expandDims(pos, 1), neg], 1);
    return tf.mean(tf.sub(tf.logSumExp(all, 1), pos)) as tf.Scalar;
  });
}

/**
 * BPR-max (Hidasi & Karatzoglou 2018, "Recurrent Neural Networks with Top-k Gains", eq. 9):
 * `−log Σ_j s_j σ(r_pos − r_j) + λ Σ_j s_j r_j²`, `s = softmax(r_neg)`, averaged over positions, computed
 * in log space (`log Σ_j exp(log s_j + log σ(r_pos − r_j))`). Shapes as in {@link bceLoss}.
 */
export function bprMaxLoss(h: tf.Tensor2D, items: Embedding, targets: Int32Array, negatives: Int32Array, lambda = 1): tf.Scalar {
  return tf.tidy(() => {
    const { pos, neg } = candidateScores('bprMaxLoss', h, items, targets, negatives);
    const logS = tf.logSoftmax(neg, 1);
    const logSig = tf.neg(tf.softplus(tf.neg(tf.sub(tf.expandDims(pos, 1), neg)))); // log σ(r_pos − r_j)
    const rank = tf.neg(tf.logSumExp(tf.add(logS, logSig), 1));
    const reg = tf.sum(tf.mul(tf.exp(logS), tf.square(neg)), 1);
    return tf.mean(tf.add(rank, tf.mul(reg, lambda))) as tf.Scalar;
  });
}

function candidateScores(fn: string, h: tf.Tensor2D, items: Embedding, targets: Int32Array, negatives: Int32Array): { pos: tf.Tensor1D; neg: tf.Tensor2D } {
  const M = targets.length;
  if (M === 0) throw new RangeError(`${fn}: the batch has no target position`);
  const nNeg = negatives.length / M;
  if (!Number.isInteger(nNeg) || nNeg < 1) throw new RangeError(`${fn}: ${negatives.length} negatives for ${M} targets (need a positive multiple)`);
  const d = h.shape[1];
  // Called inside the caller's tidy.
  const pos = tf.sum(tf.mul(h, items.lookup(targets)), -1) as tf.Tensor1D;
  const negE = tf.reshape(items.lookup(negatives), [M, nNeg, d]);
  const neg = tf.sum(tf.mul(tf.expandDims(h, 1), negE), -1) as tf.Tensor2D;
  return { pos, neg };
}

/**
 * The negatives of the target positions `index` out of a batch's per-position negatives
 * (`[B·L·nNeg]`), `[M·nNeg]`.
 */
export function negativesAt(negatives: Int32Array, index: Int32Array, positions: number): Int32Array {
  const nNeg = negatives.length / positions;
  if (!Number.isInteger(nNeg) || nNeg < 1) {
    throw new RangeError(`batch.negatives has ${negatives.length} ids for ${positions} positions (need batchSize·maxLen·numNegatives)`);
  }
  const out = new Int32Array(index.length * nNeg);
  for (let k = 0; k < index.length; k++) out.set(negatives.subarray(index[k] * nNeg, (index[k] + 1) * nNeg), k * nNeg);
  return out;
}
