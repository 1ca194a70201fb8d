import * as tf from '@tensorflow/tfjs-core';
import { embeddingOf, type Embedding } from './embedding.js';

/** Optimizer state for checkpoints: slot tensors in the order of the variables passed to `step`. */
export interface OptimizerState {
  /** Steps taken. */
  step: number;
  /** Slot tensors per variable (e.g. Adam's `m`, `v`), in variable order. */
  slots: tf.Tensor[][];
}

/** What the trainer needs from an optimizer. */
export interface Optimizer {
  /**
   * One step: computes `lossFn()` and its gradients, updates `variables`, and returns the loss value.
   * When the loss is not finite nothing is updated and the value is returned for the caller to report.
   */
  step(lossFn: () => tf.Scalar, variables: tf.Variable[]): number;
  /** Copies of the state (owned by the caller). */
  getState(variables: tf.Variable[]): OptimizerState;
  /** Restores a state from {@link Optimizer.getState}. */
  setState(variables: tf.Variable[], state: OptimizerState): void;
  /** Frees the slots. */
  dispose(): void;
  /**
   * Named parts of the last step's loss (e.g. `{ main, aux }` of a joint objective), when the optimizer
   * computes them; `fit` logs their epoch means as {@link EpochLog.lossParts}.
   */
  lastLossParts?(): Record<string, number> | undefined;
  /**
   * Updates variables from gradients computed elsewhere (e.g. a mix of two gradient calls), with exactly
   * the update `step` would make had the loss had these gradients; see {@link Adam.applyGradients}.
   */
  applyGradients?(grads: ReadonlyMap<tf.Variable, GivenGradient>): void;
}

/**
 * A gradient handed to {@link Optimizer.applyGradients}: a dense tensor shaped like the variable, or, for
 * an embedding table, rows `[ids.length, dim]` for `ids` (repeats are summed, the padding row dropped).
 */
export type GivenGradient = { dense: tf.Tensor } | { ids: Int32Array; rows: tf.Tensor2D };

/** Options for {@link Adam}. */
export interface AdamOptions {
  /** Learning rate, default 1e-3. */
  lr?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /**
   * How embedding tables in `sparse` mode are updated: `lazy` (default) updates only the rows a batch
   * touched (LazyAdam: moments of untouched rows are left as they are); `dense` turns their row gradients
   * into a full-table gradient and runs ordinary Adam (for comparison).
   */
  embeddings?: 'lazy' | 'dense';
}

interface Slots {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * Adam (Kingma & Ba 2015) with a row-sparse path for {@link Embedding} tables: for a table in `sparse`
 * mode, only the rows in the batch have their moments and weights updated (the table is never given a
 * dense gradient). Other variables get the ordinary dense update.
 */
export class Adam implements Optimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly embeddings: 'lazy' | 'dense';
  private t = 0;
  private slots = new Map<tf.Variable, Slots>();

  constructor(opts: AdamOptions = {}) {
    this.lr = opts.lr ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.embeddings = opts.embeddings ?? 'lazy';
  }

  private slotsOf(v: tf.Variable): Slots {
    let s = this.slots.get(v);
    if (!s) {
      const zeros = tf.zerosLike(v);
      s = { m: tf.variable(zeros, false), v: tf.variable(zeros, false) };
      zeros.dispose();
      this.slots.set(v, s);
    }
    return s;
  }

  step(lossFn: () => tf.Scalar, variables: tf.Variable[]): number {
    const dense: tf.Variable[] = [];
    const sparse: Embedding[] = [];
    for (const v of variables) {
      const e = embeddingOf(v);
      if (e && e.mode === 'sparse') sparse.push(e);
      else dense.push(v);
    }
    const watched = [...dense, ...sparse.map((e) => e.anchor)];
    const { value, grads } = tf.variableGrads(lossFn, watched);
    const loss = value.dataSync()[0];
    value.dispose();
    if (!Number.isFinite(loss)) {
      tf.dispose(grads);
      sparse.forEach((e) => e.clearSparseGrad());
      return loss;
    }
    this.update(dense.map((v) => [v, grads[v.name]] as const), sparse);
    tf.dispose(grads);
    return loss;
  }

  /**
   * One Adam update from given gradients (`grads` stays the caller's): dense ones as in `step`, and for
   * a table in `sparse` mode the same row-sparse (or, with a dense gradient, full) update `step` makes
   * after a lookup, repeated ids summed and the padding row left alone. Variables without a gradient
   * are not touched; the step count advances once.
   */
  applyGradients(grads: ReadonlyMap<tf.Variable, GivenGradient>): void {
    const dense: (readonly [tf.Variable, tf.Tensor])[] = [];
    const sparse: Embedding[] = [];
    try {
      for (const [v, g] of grads) {
        const e = embeddingOf(v);
        if (e && e.mode === 'sparse') {
          sparse.push(e);
          e.pushSparseGrad('ids' in g ? g.ids : null, ('ids' in g ? g.rows : g.dense) as tf.Tensor2D);
        } else if ('ids' in g) {
          throw new TypeError(`Adam.applyGradients: row gradient for ${v.name}, which is not an embedding table in sparse mode`);
        } else dense.push([v, g.dense]);
      }
    } catch (err) {
      sparse.forEach((e) => e.clearSparseGrad()); // a rejected call updates nothing and leaves nothing behind
      throw err;
    }
    this.update(dense, sparse);
  }

  /** The update shared by `step` and `applyGradients`; drains the sparse tables' collected gradients. */
  private update(dense: readonly (readonly [tf.Variable, tf.Tensor | undefined])[], sparse: readonly Embedding[]): void {
    this.t += 1;
    const lrT = (this.lr * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
    for (const [v, g] of dense) if (g) this.denseUpdate(v, g, lrT);
    for (const e of sparse) {
      const sg = e.drainSparseGrad();
      if (!sg) continue;
      if ('dense' in sg) {
        this.denseUpdate(e.table, sg.dense, lrT);
        sg.dense.dispose();
      } else if (this.embeddings === 'dense') {
        const g = tf.tidy(() => tf.scatterND(tf.tensor2d(sg.ids, [sg.ids.length, 1], 'int32'), sg.grads, e.table.shape));
        this.denseUpdate(e.table, g, lrT);
        g.dispose();
        sg.grads.dispose();
      } else {
        this.rowUpdate(e.table, sg.ids, sg.grads, lrT);
        sg.grads.dispose();
      }
    }
  }

  private denseUpdate(w: tf.Variable, g: tf.Tensor, lrT: number): void {
    const s = this.slotsOf(w);
    tf.tidy(() => {
      const m = tf.add(tf.mul(s.m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(s.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      s.m.assign(m);
      s.v.assign(v);
      w.assign(tf.sub(w, tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.epsilon)), lrT)));
    });
  }

  /** LazyAdam: moments and weights of the touched rows only (`ids` unique). */
  private rowUpdate(w: tf.Variable, ids: Int32Array, g: tf.Tensor2D, lrT: number): void {
    if (ids.length === 0) return;
    const s = this.slotsOf(w);
    tf.tidy(() => {
      const idx1 = tf.tensor1d(ids, 'int32');
      const idx = tf.reshape(idx1, [-1, 1]);
      const m = tf.add(tf.mul(tf.gather(s.m, idx1), this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(tf.gather(s.v, idx1), this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      const rows = tf.sub(tf.gather(w, idx1), tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.epsilon)), lrT));
      s.m.assign(tf.tensorScatterUpdate(s.m, idx, m));
      s.v.assign(tf.tensorScatterUpdate(s.v, idx, v));
      w.assign(tf.tensorScatterUpdate(w, idx, rows));
    });
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return {
      step: this.t,
      slots: variables.map((v) => {
        const s = this.slots.get(v);
        return s ? [s.m.clone(), s.v.clone()] : [];
      }),
    };
  }

  setState(variables: tf.Variable[], state: OptimizerState): void {
    if (state.slots.length !== variables.length) {
      throw new Error(`Adam.setState: state has ${state.slots.length} variables, model has ${variables.length}`);
    }
    this.t = state.step;
    variables.forEach((v, i) => {
      const sl = state.slots[i];
      if (sl.length === 0) return;
      const s = this.slotsOf(v);
      s.m.assign(sl[0]);
      s.v.assign(sl[1]);
    });
  }

  dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }
}
