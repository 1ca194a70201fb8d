import * as tf from '@tensorflow/tfjs-core';

/**
 * Seeded uniform noise drawn by TensorFlow's own stateless kernel (`StatelessRandomUniform`, Philox) on the
 * native backend. TF.js's `tf.randomUniform` fills its buffer in JavaScript on every backend; on
 * `tensorflow` one native kernel is several times faster for activation-sized tensors (SASRec's dropout
 * draws ~5·10⁶ numbers per step).
 */

interface NativeBackend {
  executeSingleOutput(name: string, attrs: Array<{ name: string; type: number; value: unknown }>, inputs: tf.Tensor[]): tf.Tensor;
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number; TF_INT32: number };
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
