import * as tf from '@tensorflow/tfjs-core';
import { GRU4REC_DEFAULTS, SASREC_DEFAULTS, type GRU4RecLoss, type SASRecLoss } from '@recsuite/baselines';
import type { BackboneKind, RankingLossKind } from './config.js';

/**
 * Ranking loss of positive scores `pos [M]` against negative scores `neg [M, k]`, averaged over rows:
 * - `bce`: `softplus(−pos) + Σ_j softplus(neg_j)` (= −log σ(pos) − Σ log(1 − σ(neg)), SASRec eq. 5);
 * - `bpr`: `mean_j softplus(neg_j − pos)` (= −log σ(pos − neg)).
 */
export function rankingLoss(kind: Exclude<RankingLossKind, 'ce'>, pos: tf.Tensor1D, neg: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    if (kind === 'bce') return tf.mean(tf.add(tf.softplus(tf.neg(pos)), tf.sum(tf.softplus(neg), 1))) as tf.Scalar;
    return tf.mean(tf.softplus(tf.sub(neg, tf.expandDims(pos, 1)))) as tf.Scalar;
  });
}

/**
 * The value of a ranking loss for a random scorer (every score 0): `(1 + k)·ln 2` (BCE with `k`
 * negatives), `ln 2` (BPR), `ln N` (`ce`, a softmax over `numItems` = N items).
 */
export function randomScorerLoss(kind: RankingLossKind, numNegatives: number, numItems?: number): number {
  if (kind === 'ce') {
    if (!(numItems !== undefined && numItems >= 1)) throw new RangeError('randomScorerLoss: numItems is required for ce');
    return Math.log(numItems);
  }
  return kind === 'bce' ? (1 + numNegatives) * Math.LN2 : Math.LN2;
}

/**
 * The ranking loss that matches what a backbone trains with (the spec's "L being the backbone's own
 * ranking loss"): SASRec's `bce` or `ce`; GRU4Rec's `ce`, or `bce` with sampled negatives for its
 * `bprMax` and `sampled` losses, which Irl4Rec does not have; BERT4Rec's cloze cross-entropy, `ce`.
 * @param backbone - the backbone.
 * @param backboneLoss - the backbone's configured loss (default: its package default).
 */
export function backboneRankingLoss(backbone: BackboneKind, backboneLoss?: SASRecLoss | GRU4RecLoss): RankingLossKind {
  if (backbone === 'sasrec') return (backboneLoss as SASRecLoss | undefined) ?? SASREC_DEFAULTS.loss;
  if (backbone === 'gru4rec') return (backboneLoss ?? GRU4REC_DEFAULTS.loss) === 'ce' ? 'ce' : 'bce';
  return 'ce';
}

/** The terms of the Irl4Rec objective (each a scalar tensor) and their weighted sum. */
export interface ObjectiveTerms {
  /** `L(t)`: the adjustment part alone. */
  lt: tf.Scalar;
  /** `L([t‖s])`: both parts (equal to `lt` without a confounder branch). */
  lts: tf.Scalar;
  /** `L(s)`: the confounder part alone, before clipping (0 without a confounder branch). */
  ls: tf.Scalar;
  /** Compression: `mean ‖μ_t‖²` (fixed σ) or `mean KL(N(μ_t, σ_t²) ‖ N(0, I))` (learned σ). */
  compression: tf.Scalar;
  /** Independence penalty `D(t, s)` (0 when none). */
  independence: tf.Scalar;
  /** Auxiliary loss that trains only auxiliary networks (CLUB's q; 0 otherwise). */
  auxiliary: tf.Scalar;
  /**
   * `(1 − α)·L(t) + α·L([t‖s]) − γ·min(L(s), L_random) + β·compression + sign·λ·D(t, s) + auxiliary`
   * (DIB's practical form, Liu et al. 2021, with the spec's guard and options).
   */
  total: tf.Scalar;
}
