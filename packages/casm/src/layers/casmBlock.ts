import * as tf from '@tensorflow/tfjs-core';
import { FeedForward, LayerNorm, MultiHeadAttention, type BlockCallOptions, type Rng } from '@recsuite/core';

/** Options of {@link CASMBlock}. */
export interface CASMBlockOptions {
  /** Attention heads (official: 1). */
  heads?: number;
  /** Dropout on the attention weights and after each feed-forward layer. */
  dropout?: number;
  /** LayerNorm epsilon (official: 1e-8). */
  eps?: number;
}

/**
 * The attention block of the official CASM code (its `multihead_attention(res=True)` then
 * `feedforward(normalize(·))`), which differs from our SASRec's pre-LN block:
 *
 * `a = x + Attn(Q = x W_Q + b_Q, K = x W_K + b_K, V = x W_V + b_V)` (causal, padded keys masked, dropout on
 * the attention weights, no output projection, the residual adds the raw input);
 * `n = LN(a)`; `y = n + drop(drop(ReLU(n W_1 + b_1)) W_2 + b_2)` (two `d → d` position-wise layers);
 * padded positions zeroed. LayerNorm ε 1e-8. Built from core's layers.
 *
 * In the official code the queries and the keys/values are both the block's raw input (`queries=self.seq,
 * keys=self.seq`), so nothing is normalised before the attention.
 */
export class CASMBlock {
  readonly attention: MultiHeadAttention;
  readonly ffn: FeedForward;
  readonly ln: LayerNorm;

  /**
   * @param dim - width `d`.
   * @param rng - seeded generator of the initial weights.
   */
  constructor(
    readonly dim: number,
    rng: Rng,
    opts: CASMBlockOptions = {},
  ) {
    const dropout = opts.dropout ?? 0;
    this.attention = new MultiHeadAttention(dim, rng, { heads: opts.heads ?? 1, dropout, outProjection: false });
    this.ffn = new FeedForward(dim, rng, { inner: dim, activation: 'relu', dropout });
    this.ln = new LayerNorm(dim, { eps: opts.eps ?? 1e-8 });
  }

  /** `x [B, L, d] → [B, L, d]`; `opts.mask [B, L]` marks real positions. */
  apply(x: tf.Tensor3D, opts: BlockCallOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const call = { causal: true, keyMask: opts.mask, training: opts.training, rng: opts.rng };
      const a = tf.add(x, this.attention.apply(x, x, call));
      const n = this.ln.apply(a);
      let y = tf.add(n, this.ffn.apply(n, opts));
      if (opts.mask) y = tf.mul(y, tf.expandDims(tf.cast(opts.mask, 'float32'), -1));
      return y as tf.Tensor3D;
    });
  }

  /** Attention, feed-forward, then the LayerNorm's variables. */
  variables(): tf.Variable[] {
    return [...this.attention.variables(), ...this.ffn.variables(), ...this.ln.variables()];
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables());
  }
}
