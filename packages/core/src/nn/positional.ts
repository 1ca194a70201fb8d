import * as tf from '@tensorflow/tfjs-core';
import { glorotNormal } from '../tensor/init.js';
import type { Rng } from '../tensor/rng.js';

/**
 * How positions are counted in {@link PositionalEmbedding}:
 * - `fromEnd` (default): position 0 is the last (most recent) slot. With left-padded sequences an item's
 *   embedding then depends only on how far it is from the end, never on the batch's length `L`, so the
 *   same history gives the same encoding whatever the padding. For `L = maxLen` this is SASRec's
 *   absolute-position table with its rows in reverse order.
 * - `fromStart`: position 0 is the first slot (for right-padded or fixed-length inputs).
 */
export type PositionOrder = 'fromEnd' | 'fromStart';

/** Options for {@link PositionalEmbedding}. */
export interface PositionalEmbeddingOptions {
  /** Default `fromEnd`. */
  order?: PositionOrder;
}

/** Learned positional embeddings (SASRec §III-A, `P ∈ R^{n×d}`): a `[maxLen, dim]` table, Glorot-normal. */
export class PositionalEmbedding {
  /** The table `[maxLen, dim]`. */
  readonly table: tf.Variable<tf.Rank.R2>;
  /** Position order. */
  readonly order: PositionOrder;

  /**
   * @param maxLen longest sequence supported
   * @param dim embedding width
   * @param rng seeded generator for the initial values
   */
  constructor(
    readonly maxLen: number,
    readonly dim: number,
    rng: Rng,
    opts: PositionalEmbeddingOptions = {},
  ) {
    if (!(maxLen > 0 && dim > 0)) throw new RangeError(`PositionalEmbedding: maxLen and dim must be positive, got ${maxLen}, ${dim}`);
    this.order = opts.order ?? 'fromEnd';
    if (this.order !== 'fromEnd' && this.order !== 'fromStart') {
      throw new RangeError(`PositionalEmbedding: order must be 'fromEnd' or 'fromStart', got '${String(this.order)}'`);
    }
    this.table = tf.tidy(() => tf.variable(glorotNormal([maxLen, dim], rng), true)) as tf.Variable<tf.Rank.R2>;
  }

  /** Embeddings of the `L` slots of a length-`L` sequence, `[L, dim]` (add to `[B, L, dim]` by broadcasting). */
  apply(length: number): tf.Tensor2D {
    if (!(Number.isInteger(length) && length > 0 && length <= this.maxLen)) {
      throw new RangeError(`PositionalEmbedding: length must be an integer in [1, ${this.maxLen}] (maxLen), got ${length}`);
    }
    return tf.tidy(() => {
      const rows = tf.slice(this.table, [0, 0], [length, this.dim]);
      return (this.order === 'fromEnd' ? tf.reverse(rows, 0) : rows) as tf.Tensor2D;
    });
  }

  /** `[table]`. */
  variables(): tf.Variable[] {
    return [this.table];
  }

  /** Frees the table. */
  dispose(): void {
    this.table.dispose();
  }
}
