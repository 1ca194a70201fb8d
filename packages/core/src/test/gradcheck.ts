import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Options for {@link gradCheck}. */
export interface GradCheckOptions {
  /** Finite-difference step; default 1e-2 (float32). */
  eps?: number;
  /** Relative tolerance on each gradient entry; default 2e-2. */
  tol?: number;
  /** Check at most this many entries per input (spread evenly); default 64. */
  maxEntries?: number;
}

/**
 * Finite-difference check of the gradient of a scalar function: compares `tf.grads(f)` at `xs` with the
 * central difference `(f(x + εe_i) - f(x - εe_i)) / 2ε` on up to `maxEntries` entries of each input.
 * Use on every custom gradient, on every backend. The error is scaled by `max(1, |analytic|, |numeric|)`.
 */
export function gradCheck(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[], opts: GradCheckOptions = {}): void {
  const eps = opts.eps ?? 1e-2;
  const tol = opts.tol ?? 2e-2;
  const maxEntries = opts.maxEntries ?? 64;
  const analytic = tf.tidy(() => tf.grads(f)(xs).map((g) => g.dataSync().slice()));
  xs.forEach((x, k) => {
    const base = Float32Array.from(x.dataSync());
    const stride = Math.max(1, Math.floor(base.length / maxEntries));
    for (let i = 0; i < base.length; i += stride) {
      const at = (delta: number) =>
        tf.tidy(() => {
          const v = base.slice();
          v[i] += delta;
          const args = xs.map((y, j) => (j === k ? tf.tensor(v, x.shape, x.dtype) : y));
          return f(...args).dataSync()[0];
        });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const a = analytic[k][i];
      const err = Math.abs(a - numeric) / Math.max(1, Math.abs(a), Math.abs(numeric));
      if (err > tol) expect.fail(`input ${k} entry ${i}: analytic ${a} vs numeric ${numeric} (rel err ${err.toFixed(4)})`);
    }
  });
}
