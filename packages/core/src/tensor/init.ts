import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng.js';

/**
 * Initialisers draw their numbers from a seeded {@link Rng} in JavaScript, so the same seed gives
 * bit-identical initial weights on every backend.
 */

/** Fan-in and fan-out of a weight shape (last two dims; embeddings `[V, d]` count as `[fanIn=V, fanOut=d]`). */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const rf = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * rf, shape[shape.length - 1] * rf];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** `N(0, std²)` values. */
export function randomNormal(shape: readonly number[], std: number, rng: Rng): tf.Tensor {
  const n = size(shape);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
  return tf.tensor(a, shape as number[]);
}

/** `U(-limit, limit)` values. */
export function randomUniform(shape: readonly number[], limit: number, rng: Rng): tf.Tensor {
  const n = size(shape);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.float() * 2 - 1) * limit;
  return tf.tensor(a, shape as number[]);
}

/** Glorot (Xavier) normal: `std = sqrt(2 / (fanIn + fanOut))`. */
export function glorotNormal(shape: readonly number[], rng: Rng): tf.Tensor {
  const [fi, fo] = fans(shape);
  return randomNormal(shape, Math.sqrt(2 / (fi + fo)), rng);
}

/** Glorot (Xavier) uniform: `limit = sqrt(6 / (fanIn + fanOut))`. */
export function glorotUniform(shape: readonly number[], rng: Rng): tf.Tensor {
  const [fi, fo] = fans(shape);
  return randomUniform(shape, Math.sqrt(6 / (fi + fo)), rng);
}

/**
 * A variable initialised from `make()`, with the temporary initial tensor freed (`tf.variable` copies
 * its input; creating one from an untracked temporary leaks that temporary).
 */
export function variableFrom<R extends tf.Rank>(make: () => tf.Tensor<R>, trainable = true): tf.Variable<R> {
  return tf.tidy(() => tf.variable(make(), trainable)) as tf.Variable<R>;
}
