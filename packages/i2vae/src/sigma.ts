/**
 * The official code's bounded standard deviation and the KL divergences of i2VAE's Gaussian latents.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { klDiagGaussians } from '@recsuite/core';

/** Upper clip of the raw log σ before the softplus (official: 0.4). */
export const RAW_LOG_SIGMA_MAX = 0.4;

/**
 * The σ transform as a log-variance: `σ = exp(0.1 + 0.9·softplus(min(r, 0.4)))`, returned as
 * `log σ² = 2·(0.1 + 0.9·softplus(min(r, 0.4)))` so KL terms and sampling never take a log of an exp.
 * σ ∈ (e^0.1, e^(0.1 + 0.9·softplus(0.4))] ≈ (1.105, 2.513].
 * @param raw - the encoder's raw `log σ` output (any shape).
 */
export function sigmaLogVar(raw: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.add(tf.mul(tf.softplus(tf.minimum(raw, RAW_LOG_SIGMA_MAX)), 0.9), 0.1), 2));
}

/** The σ transform of a number (plain JavaScript, for constants and tests). */
export function sigmaOf(raw: number): number {
  const r = Math.min(raw, RAW_LOG_SIGMA_MAX);
  const softplus = r > 20 ? r : Math.log1p(Math.exp(r));
  return Math.exp(0.1 + 0.9 * softplus);
}

/** Smallest σ the transform can give (its infimum, `e^0.1`). */
export const SIGMA_MIN = Math.exp(0.1);
/** Largest σ the transform can give (`σ(0.4)` ≈ 2.513). */
export const SIGMA_MAX = sigmaOf(RAW_LOG_SIGMA_MAX);
/** σ of the fixed prior of the cross-domain latents: the transform of the priors' initial raw log σ (1) ≈ 2.513. */
export const CROSS_PRIOR_SIGMA = sigmaOf(1);

/** A diagonal Gaussian given by its mean and log-variance (same shape, or broadcastable). */
export type Gaussian = {
  mu: tf.Tensor;
  logVar: tf.Tensor;
};

/**
 * `KL(q ‖ p)` per row, summed over the last axis, for diagonal Gaussians; `p` may broadcast (a learnable
 * scalar prior `N(m, s²)` as shape `[]` or `[1]` tensors, or a fixed one). Closed form:
 * `½ Σ (log s_p² − log s_q² + (s_q² + (μ_q − μ_p)²) / s_p² − 1)`.
 */
export function klGaussian(q: Gaussian, p: Gaussian): tf.Tensor {
  return tf.tidy(() => {
    const d = q.mu.shape[q.mu.shape.length - 1];
    const full = (t: tf.Tensor) => (t.shape.length === q.mu.shape.length && t.shape[t.shape.length - 1] === d ? t : tf.add(t, tf.zerosLike(q.mu)));
    return klDiagGaussians(q.mu, q.logVar, full(p.mu), full(p.logVar));
  });
}

/** `KL(q ‖ N(0, σ²·I))` per row for a fixed σ (the cross-domain latents' prior). */
export function klFixedPrior(q: Gaussian, sigma: number): tf.Tensor {
  return tf.tidy(() => klGaussian(q, { mu: tf.scalar(0), logVar: tf.scalar(2 * Math.log(sigma)) }));
}
