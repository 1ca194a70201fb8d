import * as tf from '@tensorflow/tfjs-core';

/**
 * TensorFlow kernels that TF.js does not expose, called directly on the native backend (each has a
 * portable path in its caller for `wasm` and `cpu`):
 * - seeded uniform noise by TensorFlow's stateless Philox kernel (`StatelessRandomUniform`): TF.js's
 *   `tf.randomUniform` fills its buffer in JavaScript on every backend, several times slower for
 *   activation-sized tensors (SASRec's dropout draws ~5·10⁶ numbers per step);
 * - sparse × dense products (`SparseTensorDenseMatMul`): one kernel instead of a gather, a product and a
 *   scatter that each materialise an `[edges, d]` tensor (LightGCN propagates over 1.6·10⁵ edges per layer).
 */

interface NativeBackend {
  executeSingleOutput(name: string, attrs: Array<{ name: string; type: number; value: unknown }>, inputs: tf.Tensor[]): tf.Tensor;
  binding: { TF_ATTR_TYPE: number; TF_ATTR_BOOL: number; TF_FLOAT: number; TF_INT32: number };
}

function nativeBackend(): NativeBackend | null {
  if (tf.getBackend() !== 'tensorflow') return null;
  const b = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof b.executeSingleOutput === 'function' && b.binding ? (b as NativeBackend) : null;
}

/**
 * Uniform `[0, 1)` float32 noise of `shape` from a 32-bit `seed`, drawn natively; `null` when the active
 * backend is not the native one (callers then draw in JavaScript). Deterministic for a seed and shape.
 */
export function nativeUniform(shape: readonly number[], seed: number): tf.Tensor | null {
  const b = nativeBackend();
  if (!b) return null;
  const { TF_ATTR_TYPE, TF_FLOAT, TF_INT32 } = b.binding;
  const shapeT = tf.tensor1d(shape as number[], 'int32');
  // Philox key from the 32-bit seed: two int32 words (the second a fixed odd constant).
  const seedT = tf.tensor1d([seed | 0, 0x2545f491], 'int32');
  try {
    return b.executeSingleOutput(
      'StatelessRandomUniform',
      [
        { name: 'dtype', type: TF_ATTR_TYPE, value: TF_FLOAT },
        { name: 'T', type: TF_ATTR_TYPE, value: TF_INT32 },
        { name: 'Tseed', type: TF_ATTR_TYPE, value: TF_INT32 },
      ],
      [shapeT, seedT],
    );
  } finally {
    tf.dispose([shapeT, seedT]);
  }
}

/** A sparse matrix laid out for {@link nativeSpmm}: made once, reused every product. */
export interface NativeSparse {
  /** `[nnz, 2]` int32 `[row, col]`. */
  indices: tf.Tensor2D;
  /** `[nnz]` values. */
  values: tf.Tensor1D;
  /** The dense shape as a native int64 tensor (the kernel takes no other type). */
  shape64: tf.Tensor1D;
}

/**
 * Lays out the COO matrix `rows`, `cols`, `values` of shape `[numRows, numCols]` for {@link nativeSpmm};
 * `null` off the native backend. The caller disposes the three tensors.
 */
export function nativeSparse(rows: tf.Tensor1D, cols: tf.Tensor1D, values: tf.Tensor, numRows: number, numCols: number): NativeSparse | null {
  const nb = nativeBackend();
  if (!nb) return null;
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_INT32 } = nb.binding;
  const TF_INT64 = (nb.binding as unknown as { TF_INT64: number }).TF_INT64;
  const shape32 = tf.tensor1d([numRows, numCols], 'int32');
  // A native Cast gives a handle of TF type int64 (TF.js labels it int32 and warns once per call).
  const warn = console.warn;
  console.warn = () => {};
  let shape64: tf.Tensor1D;
  try {
    shape64 = nb.executeSingleOutput(
      'Cast',
      [
        { name: 'SrcT', type: TF_ATTR_TYPE, value: TF_INT32 },
        { name: 'DstT', type: TF_ATTR_TYPE, value: TF_INT64 },
        { name: 'Truncate', type: TF_ATTR_BOOL, value: false },
      ],
      [shape32],
    ) as tf.Tensor1D;
  } finally {
    console.warn = warn;
    shape32.dispose();
  }
  return { indices: tf.stack([rows, cols], 1) as tf.Tensor2D, values: tf.reshape(values, [-1]) as tf.Tensor1D, shape64 };
}

/**
 * `A · b` (or `Aᵀ · b` with `adjointA`) for a sparse `A` laid out by {@link nativeSparse} (duplicates
 * summed), in one native kernel; `null` off the native backend. Not differentiable by itself (callers
 * wrap it).
 */
export function nativeSpmm(a: NativeSparse, b: tf.Tensor2D, adjointA = false): tf.Tensor2D | null {
  const nb = nativeBackend();
  if (!nb) return null;
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_FLOAT, TF_INT32 } = nb.binding;
  return nb.executeSingleOutput(
    'SparseTensorDenseMatMul',
    [
      { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
      { name: 'Tindices', type: TF_ATTR_TYPE, value: TF_INT32 },
      { name: 'adjoint_a', type: TF_ATTR_BOOL, value: adjointA },
      { name: 'adjoint_b', type: TF_ATTR_BOOL, value: false },
    ],
    [a.indices, a.values, a.shape64, b],
  ) as tf.Tensor2D;
}
