import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from '../tensor/init.js';
import { linear } from '../tensor/dense.js';
import { glorotUniform } from '../tensor/init.js';
import type { Rng } from '../tensor/rng.js';
import { dropout, type ForwardOptions } from './dropout.js';

/** Activation of the hidden layer of {@link FeedForward}. */
export type FeedForwardActivation = 'relu' | 'gelu';

/** Options for {@link FeedForward}. */
export interface FeedForwardOptions {
  /** Hidden width; default `dim` (SASRec). BERT uses `4 * dim`. */
  inner?: number;
  /** Hidden activation; default `relu` (SASRec), `gelu` for BERT4Rec. */
  activation?: FeedForwardActivation;
  /** Dropout after the activation and after the output; default 0. */
  dropout?: number;
}

/** GELU, `x Φ(x) = x (1 + erf(x / √2)) / 2` (Hendrycks & Gimpel 2016), exact form. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}

/**
 * Point-wise feed-forward network applied to every position alike (SASRec §III-C eq. 4; Vaswani et al.
 * 2017 eq. 2): `FFN(x) = drop(act(x W₁ + b₁)) W₂ + b₂`, followed by dropout. Owns `W₁ [d, inner]`,
 * `b₁`, `W₂ [inner, d]`, `b₂` (Glorot-uniform weights, zero biases); products through core's `linear`.
 */
export class FeedForward {
  /** Hidden width. */
  readonly inner: number;
  /** Hidden activation. */
  readonly activation: FeedForwardActivation;
  /** Dropout rate. */
  readonly dropoutRate: number;
  /** `W₁ [dim, inner]`. */
  readonly w1: tf.Variable<tf.Rank.R2>;
  /** `b₁ [inner]`. */
  readonly b1: tf.Variable<tf.Rank.R1>;
  /** `W₂ [inner, dim]`. */
  readonly w2: tf.Variable<tf.Rank.R2>;
  /** `b₂ [dim]`. */
  readonly b2: tf.Variable<tf.Rank.R1>;

  /**
   * @param dim input and output width
   * @param rng seeded generator for the initial weights
   */
  constructor(
    readonly dim: number,
    rng: Rng,
    opts: FeedForwardOptions = {},
  ) {
    this.inner = opts.inner ?? dim;
    this.activation = opts.activation ?? 'relu';
    this.dropoutRate = opts.dropout ?? 0;
    if (!(dim > 0 && this.inner > 0)) throw new RangeError(`FeedForward: dim and inner must be positive, got ${dim}, ${this.inner}`);
    if (this.activation !== 'relu' && this.activation !== 'gelu') {
      throw new RangeError(`FeedForward: activation must be 'relu' or 'gelu', got '${String(this.activation)}'`);
    }
    if (!(this.dropoutRate >= 0 && this.dropoutRate < 1)) {
      throw new RangeError(`FeedForward: dropout must be in [0, 1), got ${this.dropoutRate}`);
    }
    this.w1 = tf.tidy(() => tf.variable(glorotUniform([dim, this.inner], rng), true)) as tf.Variable<tf.Rank.R2>;
    this.b1 = variableFrom(() => tf.zeros([this.inner]) as tf.Tensor1D);
    this.w2 = tf.tidy(() => tf.variable(glorotUniform([this.inner, dim], rng), true)) as tf.Variable<tf.Rank.R2>;
    this.b2 = variableFrom(() => tf.zeros([dim]) as tf.Tensor1D);
  }

  /** `x [..., dim] → [..., dim]`. */
  apply(x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor {
    const last = x.shape[x.shape.length - 1];
    if (last !== this.dim) throw new RangeError(`FeedForward: input width ${last} does not match dim ${this.dim}`);
    return tf.tidy(() => {
      const pre = linear(x, this.w1, this.b1);
      const h = dropout(this.activation === 'relu' ? tf.relu(pre) : gelu(pre), this.dropoutRate, opts);
      return dropout(linear(h, this.w2, this.b2), this.dropoutRate, opts);
    });
  }

  /** `[w1, b1, w2, b2]`. */
  variables(): tf.Variable[] {
    return [this.w1, this.b1, this.w2, this.b2];
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables());
  }
}
