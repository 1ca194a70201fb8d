import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from './stopGradient.js';

/** Options of {@link hsic}. */
export interface HsicOptions {
  /**
   * Gaussian kernel bandwidth `σ²` of `x` and of `y`: a number, or `'mean'` (default) for the mean
   * pairwise squared distance of the sample (held constant under differentiation).
   */
  bandwidth?: number | 'mean';
}

/** `[n, n]` squared Euclidean distances between the rows of `x [n, d]`. */
export function pairwiseSquaredDistances(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), 1, true); // [n, 1]
    const d = tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(tf.matMul(x, x, false, true), 2));
    return tf.relu(d) as tf.Tensor2D; // clip round-off below 0
  });
}

function gaussianGram(x: tf.Tensor2D, bandwidth: number | 'mean'): tf.Tensor2D {
  return tf.tidy(() => {
    const d = pairwiseSquaredDistances(x);
    const n = x.shape[0];
    const s2 =
      bandwidth === 'mean'
        ? stopGradient(tf.maximum(tf.div(tf.sum(d), Math.max(1, n * (n - 1))), 1e-12))
        : tf.scalar(bandwidth);
    return tf.exp(tf.neg(tf.div(d, s2))) as tf.Tensor2D;
  });
}

function centre(k: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.sub(tf.sub(k, tf.mean(k, 0, true)), tf.mean(k, 1, true)), tf.mean(k)) as tf.Tensor2D);
}

/**
 * Biased empirical HSIC (Gretton et al. 2005) between paired samples `x [n, dx]` and `y [n, dy]` with
 * Gaussian kernels `k(a, b) = exp(−‖a − b‖² / σ²)`: `HSIC = tr(K H L H) / (n − 1)²`, `H = I − 11ᵀ/n`.
 * Zero in expectation (up to an O(1/n) bias) when `x` and `y` are independent; differentiable in both.
 */
export function hsic(x: tf.Tensor2D, y: tf.Tensor2D, opts: HsicOptions = {}): tf.Scalar {
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new RangeError(`hsic: x has ${n} rows but y has ${y.shape[0]}`);
  if (n < 2) throw new RangeError(`hsic: need at least 2 rows, got ${n}`);
  const bw = opts.bandwidth ?? 'mean';
  return tf.tidy(() => {
    const k = centre(gaussianGram(x, bw));
    const l = gaussianGram(y, bw);
    return tf.div(tf.sum(tf.mul(k, l)), (n - 1) * (n - 1)) as tf.Scalar; // tr(KHLH) = Σ (HKH) ⊙ L
  });
}
