import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from '../tensor/init.js';
import { customOp } from '../tensor/customOp.js';

/** Options for {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance; default 1e-8 as in SASRec's reference code. */
  eps?: number;
}

/**
 * Layer normalisation over the last axis (Ba et al. 2016):
 * `y = γ ⊙ (x − μ) / sqrt(σ² + ε) + β`, with `μ`, `σ²` the mean and (biased) variance of each row.
 *
 * The gradient is written in closed form (one custom op instead of autodiff through `moments`), which
 * halves the number of full-size kernels in the backward pass: with `x̂ = (x − μ)·r`, `r = (σ² + ε)^-½`,
 * `g = dy ⊙ γ`: `dx = r (g − mean(g) − x̂ mean(g ⊙ x̂))`, `dγ = Σ dy ⊙ x̂`, `dβ = Σ dy` (sums over all
 * leading axes).
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-8): tf.Tensor {
  const d = x.shape[x.shape.length - 1];
  const f = customOp(([xx, g, b], save) => {
    const mean = tf.mean(xx, -1, true);
    const xc = tf.sub(xx, mean);
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));
    const xhat = tf.mul(xc, rstd);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy, saved) => {
        const [xh, r, gg] = saved;
        const gdy = tf.mul(dy, gg);
        const dx = tf.mul(r, tf.sub(tf.sub(gdy, tf.mean(gdy, -1, true)), tf.mul(xh, tf.mean(tf.mul(gdy, xh), -1, true))));
        const dy2 = tf.reshape(dy, [-1, d]);
        const dGamma = tf.sum(tf.mul(dy2, tf.reshape(xh, [-1, d])), 0);
        const dBeta = tf.sum(dy2, 0);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return f(x, gamma, beta);
}

/** {@link layerNorm} with its own gain `γ` (ones) and bias `β` (zeros), both `[dim]`. */
export class LayerNorm {
  /** Gain `[dim]`, initialised to 1. */
  readonly gamma: tf.Variable<tf.Rank.R1>;
  /** Bias `[dim]`, initialised to 0. */
  readonly beta: tf.Variable<tf.Rank.R1>;
  /** Variance epsilon. */
  readonly eps: number;

  /** @param dim size of the normalised (last) axis */
  constructor(
    readonly dim: number,
    opts: LayerNormOptions = {},
  ) {
    if (!(dim > 0)) throw new RangeError(`LayerNorm: dim must be positive, got ${dim}`);
    this.eps = opts.eps ?? 1e-8;
    if (!(this.eps >= 0)) throw new RangeError(`LayerNorm: eps must be >= 0, got ${this.eps}`);
    this.gamma = variableFrom(() => tf.ones([dim]) as tf.Tensor1D);
    this.beta = variableFrom(() => tf.zeros([dim]) as tf.Tensor1D);
  }

  /** Normalises `x [..., dim]`. */
  apply(x: tf.Tensor): tf.Tensor {
    const last = x.shape[x.shape.length - 1];
    if (last !== this.dim) throw new RangeError(`LayerNorm: input width ${last} does not match dim ${this.dim}`);
    return layerNorm(x, this.gamma, this.beta, this.eps);
  }

  /** `[gamma, beta]`. */
  variables(): tf.Variable[] {
    return [this.gamma, this.beta];
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables());
  }
}
