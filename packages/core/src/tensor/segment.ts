import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './customOp.js';
import { nativeSparse, nativeSpmm, type NativeSparse } from './native.js';

/** A weighted edge list: `out[rows[e]] += vals[e] * x[cols[e]]`. */
export interface EdgeList {
  rows: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
  /** Number of output rows. */
  numRows: number;
  /** Number of input rows. */
  numCols: number;
}

/**
 * Sum of `data` rows into `numSegments` segments (`out[s] = Σ_{i: ids[i]=s} data[i]`), by `tf.scatterND`,
 * which accumulates duplicates on every backend (`UnsortedSegmentSum` is missing on wasm). Its gradient
 * is a gather, written out so no backend needs the stock gather gradient.
 */
export function segmentSum(data: tf.Tensor2D, ids: tf.Tensor1D, numSegments: number): tf.Tensor2D {
  const f = customOp<tf.Tensor2D>(([x]) => {
    const idx = tf.reshape(ids, [-1, 1]);
    const value = tf.scatterND(idx, x, [numSegments, x.shape[1] as number]) as tf.Tensor2D;
    idx.dispose();
    return { value, gradFunc: (dy) => tf.gather(dy, ids) };
  });
  return f(data);
}

/** An {@link EdgeList} uploaded once as tensors (a model owns it and disposes it). */
export interface EdgeTensors {
  rows: tf.Tensor1D;
  cols: tf.Tensor1D;
  vals: tf.Tensor2D;
  numRows: number;
  numCols: number;
  /** The same matrix laid out for the native sparse kernel (`null` when made off the native backend). */
  native: NativeSparse | null;
  dispose(): void;
}

/** Uploads an edge list as tensors, once, for repeated {@link spmm} calls. */
export function edgeTensors(e: EdgeList): EdgeTensors {
  const rows = tf.tensor1d(e.rows, 'int32');
  const cols = tf.tensor1d(e.cols, 'int32');
  const vals = tf.tensor2d(e.vals, [e.vals.length, 1]);
  const native = nativeSparse(rows, cols, vals, e.numRows, e.numCols);
  return {
    rows, cols, vals, numRows: e.numRows, numCols: e.numCols,
    native,
    dispose: () => tf.dispose([rows, cols, vals, ...(native ? [native.indices, native.values, native.shape64] : [])]),
  };
}

/**
 * Sparse–dense product `A x` for a weighted edge list `A` (`[numRows, numCols]`) and `x` `[numCols, d]`:
 * the propagation step of graph models such as LightGCN. Gradient: `Aᵀ dy`, by the same gather/scatter,
 * so no backend needs the stock gather gradient.
 */
export function spmm(edges: EdgeTensors, x: tf.Tensor2D): tf.Tensor2D {
  const { rows, cols, vals } = edges;
  // Native backend: one SparseTensorDenseMatMul per direction (no [edges, d] intermediates).
  const sparse = edges.native;
  const native = (src: tf.Tensor2D, adjoint: boolean) => (sparse ? nativeSpmm(sparse, src, adjoint) : null);
  const prop = (src: tf.Tensor, from: tf.Tensor1D, to: tf.Tensor1D, n: number) =>
    tf.tidy(() => tf.scatterND(tf.reshape(to, [-1, 1]), tf.mul(tf.gather(src, from), vals), [n, src.shape[1] as number]));
  const f = customOp<tf.Tensor2D>(([xx]) => ({
    value: (native(xx as tf.Tensor2D, false) ?? prop(xx, cols, rows, edges.numRows)) as tf.Tensor2D,
    gradFunc: (dy) => native(dy as tf.Tensor2D, true) ?? prop(dy, rows, cols, edges.numCols),
  }));
  return f(x);
}
