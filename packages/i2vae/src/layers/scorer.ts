/**
 * i2VAE's scoring head `MLP([u ‖ e_i])` (official 256 → 32 → 1), with the first layer split so that the
 * user part is computed once per row and the item part once per candidate.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Dense, type Rng } from '@recsuite/core';

/** `s(u, i) = w₂ᵀ relu(W_u u + W_e e_i + b₁) + b₂` (a logit; the official sigmoid is in the BCE). */
export class PairScorer {
  /** `W_u, b₁`. */
  readonly user: Dense;
  /** `W_e` (no bias). */
  readonly item: Dense;
  /** `w₂, b₂`. */
  readonly out: Dense;

  constructor(dim: number, hidden: number, rng: Rng) {
    this.user = new Dense(dim, hidden, rng);
    this.item = new Dense(dim, hidden, rng, false);
    this.out = new Dense(hidden, 1, rng);
  }

  /** Logits `[B, C]` of users `[B, d]` against candidate embeddings `[B, C, d]`. */
  apply(u: tf.Tensor2D, items: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = tf.relu(tf.add(tf.expandDims(this.user.apply(u), 1), this.item.apply(items)));
      return tf.squeeze(this.out.apply(h), [2]) as tf.Tensor2D;
    });
  }

  /**
   * Logits `[B, C]` of users `[B, d]` against candidate ids `[B, C]` (int32) of a table `[N, d]`: the same
   * values as {@link PairScorer.apply} on the gathered rows. When the candidates outnumber the table's rows
   * (evaluation against many negatives), `W_e` is applied to the table once and the projected rows
   * (`hidden` wide, not `d`) are gathered; otherwise the candidates' rows are gathered and projected.
   */
  applyIds(u: tf.Tensor2D, table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      if (ids.size <= table.shape[0]) return this.apply(u, tf.gather(table, ids) as unknown as tf.Tensor3D);
      const items = tf.gather(this.item.apply(table), ids) as tf.Tensor3D; // [B, C, hidden]
      const h = tf.relu(tf.add(tf.expandDims(this.user.apply(u), 1), items));
      return tf.squeeze(this.out.apply(h), [2]) as tf.Tensor2D;
    });
  }

  /** Logits `[B, N]` of users `[B, d]` against every row of a table `[N, d]`. */
  applyAll(u: tf.Tensor2D, table: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = tf.relu(tf.add(tf.expandDims(this.user.apply(u), 1), tf.expandDims(this.item.apply(table), 0)));
      return tf.squeeze(this.out.apply(h), [2]) as tf.Tensor2D;
    });
  }

  /** User, item, then output variables. */
  variables(): tf.Variable[] {
    return [...this.user.variables(), ...this.item.variables(), ...this.out.variables()];
  }

  /** Frees the variables. */
  dispose(): void {
    this.user.dispose();
    this.item.dispose();
    this.out.dispose();
  }
}
