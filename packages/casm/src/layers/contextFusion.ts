import * as tf from '@tensorflow/tfjs-core';
import { Embedding, embeddingLookup, linear, matMulFast, randomNormal, type Rng } from '@recsuite/core';

/**
 * CASM's behaviour-context embedding `C_b` (§3, "context embedding"): the official code applies a dense
 * layer with bias to the one-hot behaviour, which is a table row plus a bias, `C_b = W_c[b] + b_c`. The
 * table has a padding row so a padded position gets the zero vector (and is masked anyway). Kernel
 * initialised N(0, std²) and bias 0, as the official dense layers.
 */
export class BehaviourContext {
  /** `[numBehaviours + 1, d]`, row 0 = padding (zero, never trained), row `b + 1` = behaviour `b`. */
  readonly table: Embedding;
  /** `b_c [d]`. */
  readonly bias: tf.Variable<tf.Rank.R1>;

  /**
   * @param numBehaviours - size of the behaviour vocabulary.
   * @param dim - width `d`.
   * @param rng - seeded generator of the initial weights.
   * @param std - standard deviation of the initial table.
   */
  constructor(
    readonly numBehaviours: number,
    readonly dim: number,
    rng: Rng,
    std: number,
  ) {
    const init = tf.tidy(() => randomNormal([numBehaviours + 1, dim], std, rng) as tf.Tensor2D);
    this.table = new Embedding(numBehaviours + 1, dim, { init, grad: 'scatter', paddingIdx: 0, name: 'behaviourContext' });
    init.dispose();
    this.bias = tf.tidy(() => tf.variable(tf.zeros([dim]), true)) as tf.Variable<tf.Rank.R1>;
  }

  /**
   * `C_b` for behaviour codes `codes` (`[n]`), `[n, d]`; rows where `mask[i]` is 0 (padding) are the zero
   * vector.
   */
  lookup(codes: Int32Array, mask?: Uint8Array): tf.Tensor2D {
    const rows = new Int32Array(codes.length);
    for (let i = 0; i < codes.length; i++) rows[i] = mask && !mask[i] ? 0 : codes[i] + 1;
    return tf.tidy(() => {
      const c = tf.add(this.table.lookup(rows), this.bias);
      if (!mask) return c as tf.Tensor2D;
      const m = tf.tensor2d(Float32Array.from(mask), [codes.length, 1]);
      return tf.mul(c, m) as tf.Tensor2D;
    });
  }

  /** Every `C_b` at once, `[numBehaviours + 1, d]`: row 0 (padding) zero, row `b + 1` = `W_c[b] + b_c`. */
  all(): tf.Tensor2D {
    return tf.tidy(() => {
      const rowMask = new Float32Array(this.numBehaviours + 1).fill(1);
      rowMask[0] = 0;
      return tf.mul(tf.add(this.table.table, this.bias), tf.tensor2d(rowMask, [this.numBehaviours + 1, 1])) as tf.Tensor2D;
    });
  }

  /** `[table, bias]`. */
  variables(): tf.Variable[] {
    return [this.table.table, this.bias];
  }

  /** Frees the variables. */
  dispose(): void {
    this.table.dispose();
    this.bias.dispose();
  }
}

/**
 * The shared map `W_f` (§3, eq. of the input/target representation): `x = W_f [E_i ‖ C_b] + b_f`
 * (`2d → d`) with context, `x = W_f E_i + b_f` (`d → d`) without. The same map builds the inputs and the
 * targets. Kernel N(0, std²), bias 0 (official dense layer).
 */
export class ContextFusion {
  /** `W_f [inputDim, d]`, rows `0..d-1` act on the item, rows `d..2d-1` on the context. */
  readonly kernel: tf.Variable<tf.Rank.R2>;
  /** `b_f [d]`. */
  readonly bias: tf.Variable<tf.Rank.R1>;
  /** `2d` with context, `d` without. */
  readonly inputDim: number;

  /**
   * @param dim - width `d`.
   * @param context - whether a context embedding is concatenated to the item embedding.
   * @param rng - seeded generator of the initial kernel.
   * @param std - standard deviation of the initial kernel.
   */
  constructor(
    readonly dim: number,
    readonly context: boolean,
    rng: Rng,
    std: number,
  ) {
    this.inputDim = context ? 2 * dim : dim;
    this.kernel = tf.tidy(() => tf.variable(randomNormal([this.inputDim, dim], std, rng) as tf.Tensor2D, true)) as tf.Variable<tf.Rank.R2>;
    this.bias = tf.tidy(() => tf.variable(tf.zeros([dim]), true)) as tf.Variable<tf.Rank.R1>;
  }

  /** `W_f [e ‖ c] + b_f` for `e`, `c` `[..., d]` (`c` ignored, and may be null, without context). */
  apply(e: tf.Tensor, c: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => {
      if (!this.context) return linear(e, this.kernel, this.bias);
      if (!c) throw new RangeError('ContextFusion: a context embedding is required (context is on)');
      return linear(tf.concat([e, c], -1), this.kernel, this.bias);
    });
  }

  /**
   * `W_f [e_n ‖ C_{codes[n]}] + b_f` for item embeddings `e [..., d]` (one row per code, `codes.length`
   * rows in all) and behaviour codes, computed without the concatenation: `e W_f^item` plus the row
   * `C_b W_f^ctx + b_f` of the code, taken from the `[numBehaviours + 1, d]` table of those rows (only a few
   * behaviours exist). Rows whose `mask` entry is 0 (padding) get `C = 0`. Without context: `W_f e + b_f`.
   */
  applyCodes(e: tf.Tensor, context: BehaviourContext | null, codes: Int32Array, mask?: Uint8Array): tf.Tensor {
    return tf.tidy(() => {
      if (!this.context) return linear(e, this.kernel, this.bias);
      if (!context) throw new RangeError('ContextFusion: a context embedding is required (context is on)');
      const d = this.dim;
      const rows = new Int32Array(codes.length);
      for (let i = 0; i < codes.length; i++) rows[i] = mask && !mask[i] ? 0 : codes[i] + 1;
      const wItem = tf.slice(this.kernel, [0, 0], [d, d]) as tf.Tensor2D;
      const wCtx = tf.slice(this.kernel, [d, 0], [d, d]) as tf.Tensor2D;
      const perBehaviour = tf.add(matMulFast(context.all(), wCtx), this.bias) as tf.Tensor2D; // C_b W_f^ctx + b_f
      const shift = tf.reshape(embeddingLookup(perBehaviour, rows), e.shape);
      return tf.add(linear(e, wItem), shift);
    });
  }

  /**
   * `W_f [E_i ‖ c] + b_f` for every row `E_i` of `items [N, d]` with one shared context `c [d]`, computed as
   * `E W_f^item + (c W_f^ctx + b_f)`: `[N, d]` (full-ranking targets).
   */
  applyShared(items: tf.Tensor2D, c: tf.Tensor1D | null): tf.Tensor2D {
    return tf.tidy(() => {
      const d = this.dim;
      const wItem = this.context ? (tf.slice(this.kernel, [0, 0], [d, d]) as tf.Tensor2D) : this.kernel;
      let shift: tf.Tensor = this.bias;
      if (this.context) {
        if (!c) throw new RangeError('ContextFusion: a context embedding is required (context is on)');
        const wCtx = tf.slice(this.kernel, [d, 0], [d, d]) as tf.Tensor2D;
        shift = tf.add(tf.reshape(matMulFast(tf.reshape(c, [1, d]) as tf.Tensor2D, wCtx), [d]), this.bias);
      }
      return tf.add(matMulFast(items, wItem), shift) as tf.Tensor2D;
    });
  }

  /** `[kernel, bias]`. */
  variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  /** Frees the variables. */
  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}
