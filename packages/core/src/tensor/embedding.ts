import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './customOp.js';
import { glorotNormal, variableFrom } from './init.js';
import type { Rng } from './rng.js';

/**
 * How an embedding table receives its gradient:
 * - `sparse` (default): the rows a batch touched are collected as `(ids, dRows)` and the optimizer
 *   updates only those rows (lazy Adam); the table never gets a dense gradient.
 * - `scatter`: a dense gradient built by scatter-add (`tf.scatterND` accumulates duplicate ids), for
 *   dense optimizers; works on every backend.
 * - `stock`: TensorFlow.js's own `tf.gather` gradient, kept only for benchmarks (missing on wasm,
 *   pathological on cpu).
 */
export type EmbeddingGradMode = 'sparse' | 'scatter' | 'stock';

/** Integer ids as a typed array or an int32 tensor. */
export type Ids = Int32Array | number[] | tf.Tensor;

const asIdTensor = (ids: Ids): tf.Tensor1D =>
  ids instanceof tf.Tensor ? (tf.reshape(ids, [-1]) as tf.Tensor1D) : tf.tensor1d(ids as Int32Array, 'int32');

/**
 * `table[ids]` with a scatter-add gradient into the touched rows (`dTable = scatterND(ids, dy)`), never the
 * stock gather gradient (DESIGN.md). Works as a plain function of a table tensor or variable.
 * The result has shape `[...ids.shape, d]`.
 */
export function embeddingLookup(table: tf.Tensor2D, ids: Ids): tf.Tensor {
  const shape = ids instanceof tf.Tensor ? ids.shape : [ids.length];
  const d = table.shape[1];
  return tf.tidy(() => {
    const flat = asIdTensor(ids);
    const f = customOp(([t, idx], save) => {
      save([idx]);
      return {
        value: tf.gather(t, idx),
        gradFunc: (dy, saved) => [
          tf.scatterND(tf.reshape(saved[0], [-1, 1]), tf.reshape(dy, [-1, d]), t.shape),
          tf.zerosLike(saved[0]),
        ],
      };
    });
    return tf.reshape(f(table, flat), [...shape, d]);
  });
}

/** Row gradients collected from `sparse`-mode lookups during one backward pass. */
interface SparseGrad {
  ids: Int32Array | null; // null: the whole table
  dy: tf.Tensor2D;
}

const registry = new WeakMap<tf.Variable, Embedding>();

/** The {@link Embedding} that owns `v` as its table, if any (optimizers use it to find sparse tables). */
export function embeddingOf(v: tf.Variable): Embedding | undefined {
  return registry.get(v);
}

/** Options for {@link Embedding}. */
export interface EmbeddingOptions {
  /** Gradient mode, default `sparse`. */
  grad?: EmbeddingGradMode;
  /** Row that stays zero and never trains (default 0; `null` for none). */
  paddingIdx?: number | null;
  /** Initial values (copied: the caller keeps ownership); default Glorot normal from `rng`. */
  init?: tf.Tensor2D;
  /** Seeded generator for the default initialiser. */
  rng?: Rng;
  /** Variable name prefix (for debugging). */
  name?: string;
}

/**
 * An embedding table `[rows, dim]` with fast lookups and a gradient suited to each backend and
 * optimizer (see {@link EmbeddingGradMode}). Register it among a model's variables through
 * {@link Embedding.table}; the optimizers recognise it.
 */
export class Embedding {
  /** The table variable `[rows, dim]`. */
  readonly table: tf.Variable<tf.Rank.R2>;
  /** Gradient mode. */
  readonly mode: EmbeddingGradMode;
  /** The padding row, if any. */
  readonly paddingIdx: number | null;
  /** Scalar variable the sparse-mode lookups hang their gradient on (its own gradient is always 0). @internal */
  readonly anchor: tf.Variable;
  private sink: SparseGrad[] = [];

  constructor(readonly rows: number, readonly dim: number, opts: EmbeddingOptions = {}) {
    this.mode = opts.grad ?? 'sparse';
    this.paddingIdx = opts.paddingIdx === undefined ? 0 : opts.paddingIdx;
    const init = tf.tidy(() => {
      let t = opts.init ? tf.clone(opts.init) : (glorotNormal([rows, dim], opts.rng ?? requireRng()) as tf.Tensor2D);
      if (this.paddingIdx !== null) {
        const mask = tf.reshape(tf.oneHot([this.paddingIdx], rows), [rows, 1]);
        t = tf.mul(t, tf.sub(1, mask));
      }
      return t;
    });
    this.table = tf.variable(init, true) as tf.Variable<tf.Rank.R2>;
    init.dispose();
    this.anchor = variableFrom(() => tf.scalar(0));
    registry.set(this.table, this);
  }

  /** Embeddings of `ids`, shape `[...ids.shape, dim]`, differentiable under this table's mode. */
  lookup(ids: Ids): tf.Tensor {
    if (this.mode === 'stock') {
      return tf.tidy(() => {
        const shape = ids instanceof tf.Tensor ? ids.shape : [ids.length];
        return tf.reshape(tf.gather(this.table, asIdTensor(ids)), [...shape, this.dim]);
      });
    }
    if (this.mode === 'scatter') return embeddingLookup(this.table, ids);
    const shape = ids instanceof tf.Tensor ? ids.shape : [ids.length];
    const hostIds =
      ids instanceof tf.Tensor ? (ids.dataSync() as Int32Array) : ids instanceof Int32Array ? ids : Int32Array.from(ids);
    return tf.tidy(() => {
      const flat = tf.tensor1d(hostIds, 'int32');
      const f = customOp(([anchor]) => ({
        value: tf.gather(this.table, flat),
        gradFunc: (dy) => {
          this.sink.push({ ids: hostIds, dy: tf.keep(tf.reshape(dy, [-1, this.dim]).clone()) as tf.Tensor2D });
          return tf.zerosLike(anchor);
        },
      }));
      return tf.reshape(f(this.anchor), [...shape, this.dim]);
    });
  }

  /** The whole table as a differentiable tensor (for full-softmax losses and full ranking). */
  all(): tf.Tensor2D {
    if (this.mode !== 'sparse') return this.table;
    const f = customOp<tf.Tensor2D>(([anchor]) => ({
      value: tf.clone(this.table),
      gradFunc: (dy) => {
        this.sink.push({ ids: null, dy: tf.keep(dy.clone()) });
        return tf.zerosLike(anchor);
      },
    }));
    return f(this.anchor);
  }

  /**
   * Takes the row gradients collected since the last call, summed per row: `{ ids, grads }` with unique
   * ids (padding excluded) and `grads` `[ids.length, dim]`, or `dense` when a whole-table gradient was
   * collected. The caller owns the returned tensors. @internal
   */
  drainSparseGrad(): { ids: Int32Array; grads: tf.Tensor2D } | { dense: tf.Tensor2D } | null {
    const parts = this.sink;
    this.sink = [];
    if (parts.length === 0) return null;
    if (parts.some((p) => p.ids === null)) {
      const dense = tf.tidy(() => {
        let g = tf.zeros([this.rows, this.dim]) as tf.Tensor2D;
        for (const p of parts) {
          g = p.ids === null ? tf.add(g, p.dy) : tf.add(g, tf.scatterND(tf.tensor2d(p.ids, [p.ids.length, 1], 'int32'), p.dy, g.shape));
        }
        return (this.paddingIdx === null ? g : tf.mul(g, tf.sub(1, tf.reshape(tf.oneHot([this.paddingIdx], this.rows), [this.rows, 1])))) as tf.Tensor2D;
      });
      parts.forEach((p) => p.dy.dispose());
      return { dense };
    }
    // Unique ids and each occurrence's slot, on the host (ids are small), then one scatter-add.
    let total = 0;
    for (const p of parts) total += (p.ids as Int32Array).length;
    const slot = new Int32Array(total);
    const pos = new Map<number, number>();
    const uniq: number[] = [];
    let k = 0;
    for (const p of parts) {
      for (const id of p.ids as Int32Array) {
        let s = pos.get(id);
        if (s === undefined) {
          s = uniq.length;
          pos.set(id, s);
          uniq.push(id);
        }
        slot[k++] = s;
      }
    }
    const grads = tf.tidy(() => {
      const dy = parts.length === 1 ? parts[0].dy : tf.concat(parts.map((p) => p.dy), 0);
      return tf.scatterND(tf.tensor2d(slot, [total, 1], 'int32'), dy, [uniq.length, this.dim]) as tf.Tensor2D;
    });
    parts.forEach((p) => p.dy.dispose());
    let ids = Int32Array.from(uniq);
    let out = grads;
    const padSlot = this.paddingIdx === null ? undefined : pos.get(this.paddingIdx);
    if (padSlot !== undefined) {
      const keep = Int32Array.from(uniq.map((_, i) => i).filter((i) => i !== padSlot));
      ids = Int32Array.from(keep, (i) => uniq[i]);
      out = tf.tidy(() => tf.gather(grads, tf.tensor1d(keep, 'int32')) as tf.Tensor2D);
      grads.dispose();
    }
    return { ids, grads: out };
  }

  /**
   * Adds a gradient computed elsewhere to the collected ones, as if a lookup of `ids` (or, with `ids`
   * null, {@link Embedding.all}) had received `dy` (`[ids.length, dim]`, or `[rows, dim]`); the next
   * {@link Embedding.drainSparseGrad} sums it in. `dy` is copied. @internal
   */
  pushSparseGrad(ids: Int32Array | null, dy: tf.Tensor2D): void {
    const rows = ids === null ? this.rows : ids.length;
    if (dy.rank !== 2 || dy.shape[0] !== rows || dy.shape[1] !== this.dim) {
      throw new RangeError(`Embedding.pushSparseGrad: gradient must be [${rows}, ${this.dim}], got [${dy.shape.join(', ')}]`);
    }
    this.sink.push({ ids, dy: tf.keep(dy.clone()) });
  }

  /** Discards collected gradients (after a failed step). @internal */
  clearSparseGrad(): void {
    this.sink.forEach((p) => p.dy.dispose());
    this.sink = [];
  }

  /** Frees the table. */
  dispose(): void {
    this.clearSparseGrad();
    registry.delete(this.table);
    this.table.dispose();
    this.anchor.dispose();
  }
}

function requireRng(): never {
  throw new Error('Embedding: pass `rng` (a seeded Rng) or `init` so the initial weights are reproducible');
}
