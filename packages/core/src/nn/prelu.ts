import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from '../tensor/init.js';

/**
 * Parametric ReLU (He et al. 2015), the activation DIN compares Dice against (DIN, "Data Adaptive Activation Function"):
 * `f(s) = s` for `s > 0`, `α s` otherwise, with one learned `α` per feature (last axis), initialised to
 * `alpha0` (default 0.25).
 */
export class PReLU {
  /** Slopes `[dim]` for the negative part. */
  readonly alpha: tf.Variable<tf.Rank.R1>;

  /** @param dim feature width (last axis of the input) */
  constructor(
    readonly dim: number,
    alpha0 = 0.25,
  ) {
    this.alpha = variableFrom(() => tf.fill([dim], alpha0) as tf.Tensor1D);
  }

  /** `max(0, x) + α ⊙ min(0, x)` over the last axis, any leading shape. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(tf.relu(x), tf.mul(this.alpha, tf.minimum(x, 0))));
  }

  /** Trainable variables: `[alpha]`. */
  variables(): tf.Variable[] {
    return [this.alpha];
  }

  /** Frees the variables. */
  dispose(): void {
    this.alpha.dispose();
  }
}
