import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../tensor/rng.js';
import { MultiHeadAttention } from './attention.js';
import { dropout, type ForwardOptions } from './dropout.js';
import { FeedForward, type FeedForwardActivation } from './feedForward.js';
import { LayerNorm } from './layerNorm.js';

/**
 * Where the LayerNorms sit in a {@link TransformerBlock}:
 * - `pre`: SASRec's reference order (Kang & McAuley 2018, §III-C/D):
 *   `Q = LN(h); h = Q + MHA(Q, h, h); h = LN(h); h = h + FFN(h)`.
 * - `post`: the original Transformer / BERT order (Vaswani et al. 2017; BERT4Rec §3.3):
 *   `h = LN(h + drop(MHA(h, h, h))); h = LN(h + FFN(h))`.
 */
export type NormPlacement = 'pre' | 'post';

/** Options for {@link TransformerBlock}. */
export interface TransformerBlockOptions {
  /** Attention heads; default 1. */
  heads?: number;
  /** Feed-forward hidden width; default `dim`. */
  inner?: number;
  /** Feed-forward activation; default `relu`. */
  activation?: FeedForwardActivation;
  /** Dropout on attention weights, after attention (post-LN) and inside the feed-forward; default 0. */
  dropout?: number;
  /** LayerNorm placement; default `pre` (SASRec). */
  norm?: NormPlacement;
  /** LayerNorm epsilon; default 1e-8. */
  eps?: number;
  /** Causal (left-to-right, SASRec) or bidirectional (BERT4Rec) attention; default true. */
  causal?: boolean;
}

/** Per-call options of {@link TransformerBlock.apply}. */
export interface BlockCallOptions extends ForwardOptions {
  /**
   * `[B, L]`, 1 for real positions and 0 for padding: padded keys get no attention weight and padded
   * positions of the output are zeroed, so nothing at a padded position reaches a real one.
   */
  mask?: tf.Tensor;
}

/**
 * One self-attention block: multi-head self-attention plus point-wise feed-forward, with residual
 * connections and LayerNorm placed as {@link NormPlacement} says.
 */
export class TransformerBlock {
  /** The self-attention sub-layer. */
  readonly attention: MultiHeadAttention;
  /** The point-wise feed-forward sub-layer. */
  readonly ffn: FeedForward;
  /** First LayerNorm (queries in `pre`, after attention in `post`). */
  readonly ln1: LayerNorm;
  /** Second LayerNorm (before the feed-forward in `pre`, after it in `post`). */
  readonly ln2: LayerNorm;
  /** LayerNorm placement. */
  readonly norm: NormPlacement;
  /** Causal or bidirectional attention. */
  readonly causal: boolean;
  /** Dropout rate. */
  readonly dropoutRate: number;

  /**
   * @param dim model width
   * @param rng seeded generator for the initial weights
   */
  constructor(
    readonly dim: number,
    rng: Rng,
    opts: TransformerBlockOptions = {},
  ) {
    this.norm = opts.norm ?? 'pre';
    if (this.norm !== 'pre' && this.norm !== 'post') {
      throw new RangeError(`TransformerBlock: norm must be 'pre' or 'post', got '${String(this.norm)}'`);
    }
    this.causal = opts.causal ?? true;
    this.dropoutRate = opts.dropout ?? 0;
    this.attention = new MultiHeadAttention(dim, rng, { heads: opts.heads, dropout: this.dropoutRate });
    this.ffn = new FeedForward(dim, rng, { inner: opts.inner, activation: opts.activation, dropout: this.dropoutRate });
    this.ln1 = new LayerNorm(dim, { eps: opts.eps });
    this.ln2 = new LayerNorm(dim, { eps: opts.eps });
  }

  /** `h [B, L, d] → [B, L, d]`. */
  apply(h: tf.Tensor3D, opts: BlockCallOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const call = { causal: this.causal, keyMask: opts.mask, training: opts.training, rng: opts.rng };
      let x: tf.Tensor;
      if (this.norm === 'pre') {
        const q = this.ln1.apply(h) as tf.Tensor3D;
        x = tf.add(q, this.attention.apply(q, h, call));
        x = this.ln2.apply(x);
        x = tf.add(x, this.ffn.apply(x, opts));
      } else {
        const a = dropout(this.attention.apply(h, h, call), this.dropoutRate, opts);
        x = this.ln1.apply(tf.add(h, a));
        x = this.ln2.apply(tf.add(x, this.ffn.apply(x, opts)));
      }
      if (opts.mask) x = tf.mul(x, tf.expandDims(tf.cast(opts.mask, 'float32'), -1));
      return x as tf.Tensor3D;
    });
  }

  /** Attention, feed-forward, then the two LayerNorms' variables, in that order. */
  variables(): tf.Variable[] {
    return [...this.attention.variables(), ...this.ffn.variables(), ...this.ln1.variables(), ...this.ln2.variables()];
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables());
  }
}
