import * as tf from '@tensorflow/tfjs-core';
import { Embedding, type Rng, type SeqBatch } from '@recsuite/core';

/**
 * The attribute confounder branch (ours; the spec's option): an embedding per attribute value; the state
 * at position `j` is the mean of the attribute embeddings of the items at positions `≤ j` (causal, so a
 * next-item position never sees its target; ids outside `1..numItems`, such as padding or BERT4Rec's
 * [mask], count as no attribute), and an item's confounder embedding `e^s_i` is its attribute's row.
 */
export class AttributeConfounder {
  /** Attribute table `[numAttributes + 1, dim]` (row 0 = no attribute, zero, never trained). */
  readonly table: Embedding;
  private readonly attr: Int32Array;

  /**
   * @param itemAttributes attribute id of each item `0..numItems` (0 = none)
   * @param numAttributes largest attribute id
   * @param dim width of `s`
   * @param rng seeded generator of the table
   */
  constructor(itemAttributes: ArrayLike<number>, numAttributes: number, readonly dim: number, rng: Rng) {
    this.attr = Int32Array.from(itemAttributes);
    this.attr[0] = 0;
    this.table = new Embedding(numAttributes + 1, dim, { rng, grad: 'sparse', paddingIdx: 0, name: 'attributes' });
  }

  /** Attribute ids of item ids (0 for ids outside the item range). */
  attributesOf(ids: Int32Array): Int32Array {
    const out = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = ids[i] > 0 && ids[i] < this.attr.length ? this.attr[ids[i]] : 0;
    return out;
  }

  /** `e^s` rows of item ids, `[..., dim]`. */
  items(ids: Int32Array): tf.Tensor {
    return this.table.lookup(this.attributesOf(ids));
  }

  /** States `[B, L, dim]`: causal prefix means of the attribute embeddings of `batch.seqs`. */
  encode(batch: SeqBatch): tf.Tensor3D {
    const { batchSize: B, maxLen: L, seqs } = batch;
    const a = this.attributesOf(seqs);
    const has = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) has[i] = a[i] > 0 ? 1 : 0;
    return tf.tidy(() => {
      const d = this.dim;
      // prefix sums as a product with the upper-triangular ones matrix U[i, j] = [i ≤ j]
      // (tf.cumsum's gradient is wrong on a non-last axis in TF.js 4.22)
      const u = tf.tensor2d(prefixMatrix(L), [L, L]);
      const e = tf.transpose(tf.reshape(this.table.lookup(a), [B, L, d]), [0, 2, 1]); // [B, d, L]
      const sum = tf.transpose(tf.reshape(tf.matMul(tf.reshape(e, [B * d, L]), u), [B, d, L]), [0, 2, 1]);
      const count = tf.reshape(tf.matMul(tf.tensor2d(has, [B, L]), u), [B, L, 1]);
      return tf.div(sum, tf.maximum(count, 1)) as tf.Tensor3D;
    });
  }

  /** The attribute table. */
  variables(): tf.Variable[] {
    return [this.table.table];
  }

  /** Frees the table. */
  dispose(): void {
    this.table.dispose();
  }
}

/** `[L·L]` row-major upper-triangular ones: entry `(i, j)` is 1 when `i ≤ j`. */
function prefixMatrix(L: number): Float32Array {
  const m = new Float32Array(L * L);
  for (let i = 0; i < L; i++) for (let j = i; j < L; j++) m[i * L + j] = 1;
  return m;
}
