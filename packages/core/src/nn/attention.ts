import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from '../tensor/init.js';
import { linear } from '../tensor/dense.js';
import { glorotUniform } from '../tensor/init.js';
import type { Rng } from '../tensor/rng.js';
import { dropout, type ForwardOptions } from './dropout.js';

/** Additive score for disallowed (query, key) pairs: large enough that `exp` underflows to exactly 0. */
const MASKED = -1e9;

/** Options for {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions {
  /** Number of heads; must divide `dim`. Default 1. */
  heads?: number;
  /** Dropout rate on the attention weights. Default 0. */
  dropout?: number;
  /** Output projection `W_O` after the heads are concatenated. Default true. */
  outProjection?: boolean;
}

/** Per-call options of {@link MultiHeadAttention.apply}. */
export interface AttentionCallOptions extends ForwardOptions {
  /** Query `i` sees only keys `j <= i` (needs equal query and key lengths). Default false. */
  causal?: boolean;
  /** `[B, Lk]`, 1 (or true) for real keys and 0 for padding; padded keys get zero weight. */
  keyMask?: tf.Tensor;
}

/**
 * The additive attention bias `[B or 1, 1, Lq, Lk]`: 0 where query `i` may attend to key `j`, −1e9 where
 * it may not (a padded key, or `j > i` when `causal`). `null` when nothing is masked.
 */
export function attentionBias(lq: number, lk: number, causal: boolean, keyMask?: tf.Tensor): tf.Tensor | null {
  if (!causal && !keyMask) return null;
  if (causal && lq !== lk) throw new RangeError(`attention: causal masking needs equal lengths, got ${lq} and ${lk}`);
  return tf.tidy(() => {
    let allowed: tf.Tensor | null = null;
    if (causal) allowed = tf.reshape(tf.linalg.bandPart(tf.ones([lq, lk]), -1, 0), [1, 1, lq, lk]);
    if (keyMask) {
      if (keyMask.rank !== 2 || keyMask.shape[1] !== lk) {
        throw new RangeError(`attention: keyMask must be [B, ${lk}], got [${keyMask.shape.join(', ')}]`);
      }
      const km = tf.reshape(tf.cast(keyMask, 'float32'), [keyMask.shape[0], 1, 1, lk]);
      allowed = allowed ? tf.mul(allowed, km) : km;
    }
    return tf.mul(tf.sub(1, allowed as tf.Tensor), MASKED);
  });
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017, eqs. 1–2; SASRec §III-B eq. 2):
 * `Attention(Q, K, V) = softmax(Q Kᵀ / √d_h) V` per head, heads concatenated, then `W_O`.
 * The projections `Q = x_q W_Q`, `K = x_kv W_K`, `V = x_kv W_V` go through core's `linear`, so the large
 * products stay on each backend's fast path. Owns `W_Q, W_K, W_V [d, d]` (Glorot-uniform), their biases,
 * and optionally `W_O, b_O`.
 */
export class MultiHeadAttention {
  /** Number of heads. */
  readonly heads: number;
  /** Dropout rate on the attention weights. */
  readonly dropoutRate: number;
  /** Query projection `W_Q [d, d]`. */
  readonly wq: tf.Variable<tf.Rank.R2>;
  /** Key projection `W_K [d, d]`. */
  readonly wk: tf.Variable<tf.Rank.R2>;
  /** Value projection `W_V [d, d]`. */
  readonly wv: tf.Variable<tf.Rank.R2>;
  /** Query bias `[d]`. */
  readonly bq: tf.Variable<tf.Rank.R1>;
  /** Key bias `[d]`. */
  readonly bk: tf.Variable<tf.Rank.R1>;
  /** Value bias `[d]`. */
  readonly bv: tf.Variable<tf.Rank.R1>;
  /** Output projection `W_O [d, d]`, when enabled. */
  readonly wo: tf.Variable<tf.Rank.R2> | null;
  /** Output bias `[d]`, when enabled. */
  readonly bo: tf.Variable<tf.Rank.R1> | null;

  /**
   * @param dim model width `d`
   * @param rng seeded generator for the initial weights
   */
  constructor(
    readonly dim: number,
    rng: Rng,
    opts: MultiHeadAttentionOptions = {},
  ) {
    this.heads = opts.heads ?? 1;
    this.dropoutRate = opts.dropout ?? 0;
    if (!(dim > 0) || !Number.isInteger(this.heads) || this.heads < 1 || dim % this.heads !== 0) {
      throw new RangeError(`MultiHeadAttention: heads (${this.heads}) must be a positive divisor of dim (${dim})`);
    }
    if (!(this.dropoutRate >= 0 && this.dropoutRate < 1)) {
      throw new RangeError(`MultiHeadAttention: dropout must be in [0, 1), got ${this.dropoutRate}`);
    }
    const w = () => tf.tidy(() => tf.variable(glorotUniform([dim, dim], rng), true)) as tf.Variable<tf.Rank.R2>;
    const b = () => variableFrom(() => tf.zeros([dim]) as tf.Tensor1D);
    this.wq = w();
    this.wk = w();
    this.wv = w();
    this.bq = b();
    this.bk = b();
    this.bv = b();
    const out = opts.outProjection ?? true;
    this.wo = out ? w() : null;
    this.bo = out ? b() : null;
  }

  /**
   * Attends from `query [B, Lq, d]` over `keyValue [B, Lk, d]` (self-attention: pass the same tensor, or
   * SASRec's normalised queries with un-normalised keys). Returns `[B, Lq, d]`.
   */
  apply(query: tf.Tensor3D, keyValue: tf.Tensor3D, opts: AttentionCallOptions = {}): tf.Tensor3D {
    const [B, lq, d] = query.shape;
    const lk = keyValue.shape[1];
    if (d !== this.dim || keyValue.shape[2] !== this.dim || keyValue.shape[0] !== B) {
      throw new RangeError(
        `MultiHeadAttention: expected query [B, Lq, ${this.dim}] and keyValue [B, Lk, ${this.dim}], got [${query.shape.join(', ')}] and [${keyValue.shape.join(', ')}]`,
      );
    }
    const H = this.heads;
    const dh = d / H;
    return tf.tidy(() => {
      const q = linear(query, this.wq, this.bq);
      const k = linear(keyValue, this.wk, this.bk);
      const v = linear(keyValue, this.wv, this.bv);
      // [B, L, d] -> [B, H, L, dh] (a no-op reshape for one head)
      const split = (x: tf.Tensor, l: number) =>
        H === 1 ? tf.reshape(x, [B, 1, l, dh]) : tf.transpose(tf.reshape(x, [B, l, H, dh]), [0, 2, 1, 3]);
      const qh = split(q, lq);
      const kh = split(k, lk);
      const vh = split(v, lk);
      let scores = tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(dh)); // [B, H, Lq, Lk]
      const bias = attentionBias(lq, lk, opts.causal ?? false, opts.keyMask);
      if (bias) scores = tf.add(scores, bias);
      const weights = dropout(tf.softmax(scores, -1), this.dropoutRate, opts);
      const ctx = tf.matMul(weights, vh); // [B, H, Lq, dh]
      const merged =
        H === 1 ? tf.reshape(ctx, [B, lq, d]) : tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B, lq, d]);
      return (this.wo ? linear(merged, this.wo, this.bo as tf.Tensor1D) : merged) as tf.Tensor3D;
    });
  }

  /** `[wq, wk, wv, bq, bk, bv]`, then `[wo, bo]` when there is an output projection. */
  variables(): tf.Variable[] {
    const v: tf.Variable[] = [this.wq, this.wk, this.wv, this.bq, this.bk, this.bv];
    if (this.wo && this.bo) v.push(this.wo, this.bo);
    return v;
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables());
  }
}
