import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { defaultTolerance } from './backends.js';

type Numeric = tf.Tensor | ArrayLike<number> | number;

const toArray = (x: Numeric): Float64Array =>
  x instanceof tf.Tensor ? Float64Array.from(x.dataSync()) : typeof x === 'number' ? Float64Array.of(x) : Float64Array.from(x);

/**
 * Asserts `|a - e| <= tol * max(1, |e|)` element-wise (backend-aware default tolerance), with shapes
 * compared when both sides are tensors; the message names the first index that differs.
 */
export function expectClose(actual: Numeric, expected: Numeric, tol = defaultTolerance()): void {
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) expect(actual.shape).toEqual(expected.shape);
  const a = toArray(actual);
  const e = toArray(expected);
  expect(a.length, 'length').toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i]));
    if (!ok) expect.fail(`index ${i}: ${a[i]} vs expected ${e[i]} (tol ${tol})`);
  }
}

/**
 * Runs `fn` and asserts it leaves `tf.memory().numTensors` unchanged (after disposing what it returns,
 * when it returns tensors).
 */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  if (out instanceof tf.Tensor) out.dispose();
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  return out;
}
