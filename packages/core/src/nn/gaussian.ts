import * as tf from '@tensorflow/tfjs-core';
import { randomNormal } from '../tensor/init.js';
import type { Rng } from '../tensor/rng.js';
import type { ForwardOptions } from './dropout.js';
import { Dense } from './mlp.js';

/** Output of a {@link GaussianHead}: mean, log-variance and the latent sample, each `[..., outDim]`. */
export interface GaussianOutput {
  mu: tf.Tensor;
  logVar: tf.Tensor;
  /** `μ + σ ⊙ ε` in training, `μ` in evaluation. */
  z: tf.Tensor;
}

/**
 * Diagonal Gaussian head for variational models (Kingma & Welling 2014): two linear maps give `μ` and
 * `log σ²`, and the reparameterised sample `z = μ + exp(½ log σ²) ⊙ ε`, `ε ~ N(0, I)` drawn from the
 * head's seeded {@link Rng} (in JavaScript, so the same seed gives the same noise on every backend).
 * In evaluation mode (the default) `z = μ`.
 */
export class GaussianHead {
  /** `x → μ`. */
  readonly muLayer: Dense;
  /** `x → log σ²`. */
  readonly logVarLayer: Dense;
  private training = false;

  /**
   * @param inDim input width
   * @param outDim latent width
   * @param rng seeded generator for the weights and the sampling noise
   */
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    private readonly rng: Rng,
  ) {
    this.muLayer = new Dense(inDim, outDim, rng);
    this.logVarLayer = new Dense(inDim, outDim, rng);
  }

  /** Sampling in training, `z = μ` in evaluation. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  /**
   * `x [..., inDim] → { mu, logVar, z }`, each `[..., outDim]`. `opts.training` (when given) overrides
   * {@link GaussianHead.setTraining}; the noise comes from `opts.rng`, else the head's own generator.
   */
  apply(x: tf.Tensor, opts: ForwardOptions = {}): GaussianOutput {
    const training = opts.training ?? this.training;
    const rng = opts.rng ?? this.rng;
    return tf.tidy(() => {
      const mu = this.muLayer.apply(x);
      const logVar = this.logVarLayer.apply(x);
      const z = training ? reparameterize(mu, logVar, rng) : tf.clone(mu);
      return { mu, logVar, z };
    });
  }

  /** Trainable variables: the `μ` layer's, then the `log σ²` layer's. */
  variables(): tf.Variable[] {
    return [...this.muLayer.variables(), ...this.logVarLayer.variables()];
  }

  /** Frees the variables. */
  dispose(): void {
    this.muLayer.dispose();
    this.logVarLayer.dispose();
  }
}

/** `μ + exp(½ log σ²) ⊙ ε` with `ε ~ N(0, I)` from `rng` (differentiable in `μ` and `log σ²`). */
export function reparameterize(mu: tf.Tensor, logVar: tf.Tensor, rng: Rng): tf.Tensor {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), randomNormal(mu.shape, 1, rng))));
}

/**
 * `KL(N(μ, σ²) ‖ N(0, I))` per row, summed over the last axis:
 * `½ Σ (σ² + μ² − 1 − log σ²)`. Shape: the input's without its last axis.
 */
export function klStandardNormal(mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mu)), tf.add(logVar, 1)), -1), 0.5));
}

/**
 * `KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²))` for diagonal Gaussians, per row, summed over the last axis:
 * `½ Σ (log σ₂² − log σ₁² + (σ₁² + (μ₁ − μ₂)²) / σ₂² − 1)`.
 */
export function klDiagGaussians(mu1: tf.Tensor, logVar1: tf.Tensor, mu2: tf.Tensor, logVar2: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const ratio = tf.mul(tf.add(tf.exp(logVar1), tf.square(tf.sub(mu1, mu2))), tf.exp(tf.neg(logVar2)));
    return tf.mul(tf.sum(tf.sub(tf.add(tf.sub(logVar2, logVar1), ratio), 1), -1), 0.5);
  });
}
