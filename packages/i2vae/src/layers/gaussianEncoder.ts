/**
 * The Gaussian encoders of i2VAE's latents: from a pooled sequence vector, and (cross-domain) from
 * attention of one domain's states over the other's.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Dense, LayerNorm, MultiHeadAttention, dropout, type ForwardOptions, type Rng } from '@recsuite/core';
import { sigmaLogVar, type Gaussian } from '../sigma.js';
import { maskedMean } from './domainEncoder.js';

/** Splits `[B, 2k]` into the mean `[B, k]` and the transformed log-variance of the raw log σ `[B, k]`. */
function splitGaussian(out: tf.Tensor2D, latent: number): Gaussian {
  const B = out.shape[0];
  const mu = tf.slice(out, [0, 0], [B, latent]);
  const raw = tf.slice(out, [0, latent], [B, latent]);
  return { mu, logVar: sigmaLogVar(raw) };
}

/**
 * `x / ‖x‖₂` per row, and 0 for an all-zero row (an empty sequence), whose gradient is then 0 — not the NaN
 * of `tf.norm`'s gradient at 0, nor the 1e12 of `x / max(‖x‖, 1e-12)`.
 */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const ss = tf.sum(tf.square(x), -1, true);
    const inv = tf.mul(tf.rsqrt(tf.maximum(ss, 1e-24)), tf.step(tf.sub(ss, 1e-24))); // step: 1 for a non-zero row, else 0
    return tf.mul(x, inv) as tf.Tensor2D;
  });
}

/**
 * `q(z | s)`: L2-normalise, dropout (official 0.5), `Linear d→h`, tanh, `Linear h→2k` split into `μ` and
 * the raw log σ, then the σ transform (eq. for Z^X, Z^X_a, and the auxiliary r^x, r^y).
 */
export class GaussianEncoder {
  /** `d → h`. */
  readonly hidden: Dense;
  /** `h → 2k`. */
  readonly out: Dense;

  constructor(
    inDim: number,
    hidden: number,
    readonly latent: number,
    readonly dropoutRate: number,
    rng: Rng,
  ) {
    this.hidden = new Dense(inDim, hidden, rng);
    this.out = new Dense(hidden, 2 * latent, rng);
  }

  /** `s [B, d] → { mu, logVar }`, each `[B, k]`. */
  apply(s: tf.Tensor2D, opts: ForwardOptions = {}): Gaussian {
    return tf.tidy(() => {
      const x = dropout(l2Normalize(s), this.dropoutRate, opts);
      return splitGaussian(this.out.apply(tf.tanh(this.hidden.apply(x))) as tf.Tensor2D, this.latent);
    });
  }

  /** `[hidden.w, hidden.b, out.w, out.b]`. */
  variables(): tf.Variable[] {
    return [...this.hidden.variables(), ...this.out.variables()];
  }

  /** Frees the variables. */
  dispose(): void {
    this.hidden.dispose();
    this.out.dispose();
  }
}

/**
 * The cross-domain latent `q(Z^Y_t | X, Y)`: multi-head attention with queries from the target domain's
 * states and keys = values from the other domain's (padding keys masked), LayerNorm, mean over the query
 * positions, `Linear d→2k` split into `μ` and the raw log σ, then the σ transform. (The official call
 * passes query = S_Y, key = S_X, value = S_Y; we use query = S_X, key = value = S_Y.)
 */
export class CrossLatentEncoder {
  /** The attention (official 4 heads, with output projection). */
  readonly attention: MultiHeadAttention;
  /** LayerNorm after the attention. */
  readonly norm: LayerNorm;
  /** `d → 2k`. */
  readonly out: Dense;

  constructor(
    dim: number,
    readonly latent: number,
    heads: number,
    rng: Rng,
  ) {
    this.attention = new MultiHeadAttention(dim, rng, { heads });
    this.norm = new LayerNorm(dim, { eps: 1e-5 });
    this.out = new Dense(dim, 2 * latent, rng);
  }

  /**
   * @param query target-domain states `[B, Lq, d]`, mask `[B, Lq]`
   * @param keyValue other-domain states `[B, Lk, d]`, mask `[B, Lk]`
   */
  apply(query: tf.Tensor3D, queryMask: tf.Tensor2D, keyValue: tf.Tensor3D, keyMask: tf.Tensor2D, opts: ForwardOptions = {}): Gaussian {
    return tf.tidy(() => {
      const a = this.attention.apply(query, keyValue, { keyMask, training: opts.training, rng: opts.rng });
      const pooled = maskedMean(this.norm.apply(a) as tf.Tensor3D, queryMask);
      return splitGaussian(this.out.apply(pooled) as tf.Tensor2D, this.latent);
    });
  }

  /** Attention, LayerNorm, then output variables. */
  variables(): tf.Variable[] {
    return [...this.attention.variables(), ...this.norm.variables(), ...this.out.variables()];
  }

  /** Frees the variables. */
  dispose(): void {
    this.attention.dispose();
    this.norm.dispose();
    this.out.dispose();
  }
}
