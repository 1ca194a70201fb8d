import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from '../tensor/init.js';
import { customOp } from '../tensor/customOp.js';
import type { ForwardOptions } from './dropout.js';

/**
 * Dice with batch statistics on `x [N, d]` as one op with a hand-written gradient (the gradient of
 * `tf.moments` by autodiff costs about six times the kernels). With `x̂ = (x − μ) / sqrt(σ² + ε)`,
 * `p = σ(x̂)`, `y = x (α + p (1 − α))`:
 * `dα = Σ_n dy x (1 − p)`, `dx̂ = dy x (1 − α) p (1 − p)`, and the batch-normalisation backward
 * `dx = dy (α + p (1 − α)) + (dx̂ − mean(dx̂) − x̂ mean(dx̂ x̂)) / sqrt(σ² + ε)`.
 * `onStats(μ, σ²)` receives the batch statistics (for the running averages).
 */
function diceBatch(
  x: tf.Tensor,
  alpha: tf.Tensor,
  eps: number,
  onStats: (mean: tf.Tensor, variance: tf.Tensor) => void,
): tf.Tensor {
  const f = customOp(([xx, a], save) => {
    const { mean, variance } = tf.moments(xx, 0);
    onStats(mean, variance);
    const inv = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(xx, mean), inv);
    const p = tf.sigmoid(xhat);
    save([xx, a, xhat, p, inv]);
    return {
      value: tf.mul(xx, tf.add(a, tf.mul(p, tf.sub(1, a)))),
      gradFunc: (dy, saved) => {
        const [sx, sa, sxhat, sp, sinv] = saved;
        const dyx = tf.mul(dy, sx);
        const da = tf.sum(tf.mul(dyx, tf.sub(1, sp)), 0);
        const dxhat = tf.mul(tf.mul(dyx, tf.sub(1, sa)), tf.mul(sp, tf.sub(1, sp)));
        const bn = tf.mul(tf.sub(tf.sub(dxhat, tf.mean(dxhat, 0)), tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), 0))), sinv);
        const direct = tf.mul(dy, tf.add(sa, tf.mul(sp, tf.sub(1, sa))));
        return [tf.add(direct, bn), da];
      },
    };
  });
  return f(x, alpha);
}

/** Options for {@link Dice}. */
export interface DiceOptions {
  /** Added to the variance, default 1e-8 (DIN's ε; larger values smooth the gate). */
  epsilon?: number;
  /** Running-statistics momentum, default 0.99 (`run = m·run + (1 − m)·batch`). */
  momentum?: number;
}

/**
 * Dice, DIN's data-adaptive activation (Zhou et al. 2018, "Data Adaptive Activation Function"):
 *
 * ```
 * p(s) = σ((s − E[s]) / sqrt(Var[s] + ε))
 * f(s) = p(s) · s + (1 − p(s)) · α · s
 * ```
 *
 * with one learned `α` per feature (initialised to 0) and `E[s]`, `Var[s]` taken per feature over every
 * other axis (the batch, and the sequence axis for `[B, L, d]` inputs).
 *
 * **Training vs evaluation.** In training mode ({@link Dice.setTraining}`(true)`) the statistics are the
 * current batch's (and the gradient flows through them, as in batch normalisation), and every forward
 * pass also folds them into running averages with `momentum`. In evaluation mode (the default) the
 * running averages are used, so a row's output depends on that row only (no batch effects, padding
 * elsewhere in the batch cannot change it). The running statistics are state, not trainable: they are
 * listed by {@link Dice.stateVariables} and must be saved with the model. A loss evaluated twice per step
 * (e.g. two gradient calls) folds the batch in twice.
 */
export class Dice {
  /** Negative-part slopes `[dim]`. */
  readonly alpha: tf.Variable<tf.Rank.R1>;
  /** Running mean `[dim]` (state). */
  readonly runningMean: tf.Variable<tf.Rank.R1>;
  /** Running variance `[dim]` (state). */
  readonly runningVar: tf.Variable<tf.Rank.R1>;
  readonly epsilon: number;
  readonly momentum: number;
  private training = false;

  /** @param dim feature width (last axis of the input) */
  constructor(
    readonly dim: number,
    opts: DiceOptions = {},
  ) {
    this.epsilon = opts.epsilon ?? 1e-8;
    this.momentum = opts.momentum ?? 0.99;
    this.alpha = variableFrom(() => tf.zeros([dim]) as tf.Tensor1D);
    this.runningMean = variableFrom(() => tf.zeros([dim]) as tf.Tensor1D, false);
    this.runningVar = variableFrom(() => tf.ones([dim]) as tf.Tensor1D, false);
  }

  /** Batch statistics (training) or running statistics (evaluation). */
  setTraining(training: boolean): void {
    this.training = training;
  }

  /** Dice over the last axis of `x` (any leading shape); `opts.training`, when given, overrides {@link Dice.setTraining}. */
  apply(x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor {
    const training = opts.training ?? this.training;
    if (x.shape[x.shape.length - 1] !== this.dim) {
      throw new RangeError(`Dice: input width ${x.shape[x.shape.length - 1]} does not match dim ${this.dim}`);
    }
    return tf.tidy(() => {
      if (training) {
        const d = this.dim;
        const y = diceBatch(tf.reshape(x, [-1, d]), this.alpha, this.epsilon, (mean, variance) => {
          const k = this.momentum;
          this.runningMean.assign(tf.add(tf.mul(this.runningMean, k), tf.mul(mean, 1 - k)) as tf.Tensor1D);
          this.runningVar.assign(tf.add(tf.mul(this.runningVar, k), tf.mul(variance, 1 - k)) as tf.Tensor1D);
        });
        return tf.reshape(y, x.shape);
      }
      const p = tf.sigmoid(tf.div(tf.sub(x, this.runningMean), tf.sqrt(tf.add(this.runningVar, this.epsilon))));
      // f(s) = p s + (1 − p) α s = s (α + p (1 − α))
      return tf.mul(x, tf.add(this.alpha, tf.mul(p, tf.sub(1, this.alpha))));
    });
  }

  /** Trainable variables: `[alpha]`. */
  variables(): tf.Variable[] {
    return [this.alpha];
  }

  /** Non-trainable state to save: `[runningMean, runningVar]`. */
  stateVariables(): tf.Variable[] {
    return [this.runningMean, this.runningVar];
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose([this.alpha, this.runningMean, this.runningVar]);
  }
}
