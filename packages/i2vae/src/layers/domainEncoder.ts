/**
 * The per-domain self-attention encoder of i2VAE and masked mean pooling.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { paddingMask } from '@recsuite/baselines';
import { TransformerBlock, applyByLengthGroups, dropout, planLengthGroups, type ForwardOptions, type Rng } from '@recsuite/core';

/** `[B, L, d] → [B, d]`: mean over the positions where `mask` is 1 (an all-padding row gives zeros). */
export function maskedMean(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sum = tf.sum(tf.mul(x, tf.expandDims(mask, -1)), 1);
    const count = tf.maximum(tf.sum(mask, 1, true), 1);
    return tf.div(sum, count) as tf.Tensor2D;
  });
}

/** Options of {@link DomainEncoder}. */
export interface DomainEncoderOptions {
  /** Self-attention blocks (official 2). */
  blocks: number;
  /** Heads per block (official 1). */
  heads: number;
  /** Dropout on the input embeddings and in the blocks (official 0.2). */
  dropout: number;
  /**
   * Most length groups the blocks run in when the ids are given (core's `planLengthGroups`); 1 turns it
   * off. Default 8.
   */
  lengthGroups?: number;
}

/**
 * One domain's sequence encoder: dropout on the (shared-table) item embeddings, then `blocks` causal
 * self-attention blocks (core's {@link TransformerBlock}, pre-LN, padding keys masked), padding positions
 * zeroed, no positional embedding (as the official code). The caller looks the items up, so both domains
 * share one item table.
 */
export class DomainEncoder {
  /** The blocks. */
  readonly blocks: TransformerBlock[];

  /**
   * @param dim width `d`
   * @param rng seeded generator of the initial weights
   * @param opts sizes
   */
  constructor(
    readonly dim: number,
    rng: Rng,
    readonly opts: DomainEncoderOptions,
  ) {
    this.blocks = Array.from({ length: opts.blocks }, () => new TransformerBlock(dim, rng, { heads: opts.heads, inner: dim, dropout: opts.dropout, causal: true }));
  }

  /**
   * States `[B, L, d]` of embedded items `emb [B, L, d]` with padding mask `mask [B, L]` (1 = item). Given
   * the ids `[B·L]` behind `emb` (left-padded, 0 = padding), the blocks run on length groups: the same
   * outputs, since padding never reaches a real position and is zeroed after every block.
   */
  apply(emb: tf.Tensor3D, mask: tf.Tensor2D, opts: ForwardOptions = {}, ids?: Int32Array): tf.Tensor3D {
    return tf.tidy(() => {
      const [B, L] = mask.shape;
      const blocks = (xs: tf.Tensor3D, mk: tf.Tensor2D): tf.Tensor3D => {
        const m = tf.expandDims(mk, -1);
        for (const b of this.blocks) xs = tf.mul(b.apply(xs, { mask: mk, training: opts.training, rng: opts.rng }), m) as tf.Tensor3D;
        return xs;
      };
      const x = tf.mul(dropout(emb, this.opts.dropout, opts), tf.expandDims(mask, -1)) as tf.Tensor3D;
      const groups = ids && this.blocks.length > 0 ? planLengthGroups(ids, B, L, { maxGroups: this.opts.lengthGroups ?? 8 }) : null;
      return groups ? applyByLengthGroups(x, ids!, groups, (xg, idsG, n, Lg) => blocks(xg, paddingMask(idsG, n, Lg))) : blocks(x, mask);
    });
  }

  /** The blocks' variables, in order. */
  variables(): tf.Variable[] {
    return this.blocks.flatMap((b) => b.variables());
  }

  /** Frees the variables. */
  dispose(): void {
    this.blocks.forEach((b) => b.dispose());
  }
}
