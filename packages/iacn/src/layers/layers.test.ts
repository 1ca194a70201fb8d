import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose, gradCheck } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { labelAwareAttention } from './labelAwareAttention.js';
import { capsuleMaskOf, dynamicCapsuleCount, dynamicRouting } from './routing.js';
import { squash } from './squash.js';

/** One routing iteration with given (constant) logits, written out directly: the reference for the last iteration. */
function oneIteration(eHat: tf.Tensor3D, mask: tf.Tensor2D, b: tf.Tensor3D): tf.Tensor3D {
  const w = tf.mul(tf.softmax(b), tf.expandDims(mask, 2));
  return squash(tf.matMul(w, eHat, true, false)) as tf.Tensor3D;
}

describeBackends('IaCN layers', () => {
  it('squash: hand-computed values, norms below 1, finite gradient at 0 and matching finite differences', () => {
    const z = tf.tensor2d([3, 4, 0, 0, 0.1, 0, 100, -100], [4, 2]);
    const u = squash(z);
    // |z| = 5 → 25/26 · z/5; |z| = 0.1 → 0.01/1.01 · (1, 0)
    expectClose(u, tf.tensor2d([(25 / 26) * 0.6, (25 / 26) * 0.8, 0, 0, 0.01 / 1.01, 0, (20000 / 20001) / Math.SQRT2, -(20000 / 20001) / Math.SQRT2], [4, 2]), 1e-4);
    const norms = tf.norm(u, 'euclidean', 1).dataSync();
    for (const n of norms) expect(n).toBeLessThan(1);
    const g = tf.grad((x: tf.Tensor) => tf.sum(squash(x)))(tf.zeros([1, 3])).dataSync();
    for (const v of g) expect(Number.isFinite(v)).toBe(true);
    gradCheck((x) => tf.sum(tf.mul(squash(x), tf.tensor2d([[1, -2, 0.5]]))), [tf.tensor2d([[0.3, -0.8, 1.2]])]);
  });

  it('routing: K distinct capsules with norms < 1; padded behaviours change nothing', () => {
    const B = 2;
    const L = 5;
    const K = 3;
    const C = 4;
    const eHat = tf.randomNormal([B, L, C], 0, 1, 'float32', 1) as tf.Tensor3D;
    const mask = tf.tensor2d([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], [B, L]);
    const logits = tf.randomNormal([B, L, K], 0, 1, 'float32', 2) as tf.Tensor3D;
    const u = dynamicRouting(eHat, mask, logits, { iters: 3 });
    expect(u.shape).toEqual([B, K, C]);
    const a = u.arraySync();
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < K; i++) {
        expect(Math.hypot(...a[b][i])).toBeLessThan(1);
        for (let j = i + 1; j < K; j++) expect(Math.hypot(...a[b][i].map((x, c) => x - a[b][j][c]))).toBeGreaterThan(1e-3);
      }
    }
    // Overwrite the padded positions (row 0, positions 0-1) with anything: the capsules are unchanged.
    const noisy = tf.where(tf.cast(tf.tile(tf.expandDims(mask, 2), [1, 1, C]), 'bool'), eHat, tf.mul(tf.onesLike(eHat), 7)) as tf.Tensor3D;
    const noisyLogits = tf.where(tf.cast(tf.tile(tf.expandDims(mask, 2), [1, 1, K]), 'bool'), logits, tf.mul(tf.onesLike(logits), -3)) as tf.Tensor3D;
    expectClose(dynamicRouting(noisy, mask, noisyLogits, { iters: 3 }), u, 1e-5);
    // An all-padding row gives zero capsules.
    const empty = dynamicRouting(eHat, tf.zeros([B, L]) as tf.Tensor2D, logits, { iters: 2 });
    expectClose(empty, tf.zeros([B, K, C]));
  });

  it('routing: the gradient flows through the last iteration only (finite differences with its logits fixed)', () => {
    const B = 2;
    const L = 4;
    const K = 2;
    const C = 3;
    const eHat = tf.randomNormal([B, L, C], 0, 0.7, 'float32', 3) as tf.Tensor3D;
    const mask = tf.tensor2d([0, 1, 1, 1, 1, 1, 1, 1], [B, L]);
    const b0 = tf.randomNormal([B, L, K], 0, 1, 'float32', 4) as tf.Tensor3D;
    const proj = tf.randomNormal([B, K, C], 0, 1, 'float32', 5);
    // The logits the last of 3 iterations uses, computed by hand from the forward pass.
    let b: tf.Tensor3D = b0;
    for (let it = 0; it < 2; it++) b = tf.add(b, tf.matMul(eHat, oneIteration(eHat, mask, b), false, true)) as tf.Tensor3D;
    const analytic = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(dynamicRouting(x as tf.Tensor3D, mask, b0, { iters: 3 }), proj)))(eHat);
    const reference = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(oneIteration(x as tf.Tensor3D, mask, b), proj)))(eHat);
    expectClose(analytic, reference, 1e-4);
    // and that reference is the true gradient of one iteration with fixed logits
    gradCheck((x) => tf.sum(tf.mul(oneIteration(x as tf.Tensor3D, mask, b), proj)), [eHat]);
    // the same forward value as the reference
    expectClose(dynamicRouting(eHat, mask, b0, { iters: 3 }), oneIteration(eHat, mask, b), 1e-5);
  });

  it('dynamic K: max(1, min(K, ⌊log2(1 + n)⌋)) capsules; inactive ones are zero and get no attention', () => {
    expect(Array.from(dynamicCapsuleCount([0, 1, 2, 3, 7, 15, 100], 4))).toEqual([1, 1, 1, 2, 3, 4, 4]);
    const capMask = capsuleMaskOf(Int32Array.of(1, 2), 3);
    expectClose(capMask, tf.tensor2d([1, 0, 0, 1, 1, 0], [2, 3]));
    const eHat = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 6) as tf.Tensor3D;
    const u = dynamicRouting(eHat, tf.ones([2, 4]) as tf.Tensor2D, tf.randomNormal([1, 4, 3], 0, 1, 'float32', 7) as tf.Tensor3D, { iters: 3, capsuleMask: capMask });
    const a = u.arraySync();
    expect(Math.hypot(...a[0][1]) + Math.hypot(...a[0][2]) + Math.hypot(...a[1][2])).toBe(0);
    expect(Math.hypot(...a[0][0])).toBeGreaterThan(0);
    // a single active capsule takes every behaviour: u = squash(Σ_i ê_i)
    expectClose(tf.slice(u, [0, 0, 0], [1, 1, 3]), tf.reshape(squash(tf.sum(tf.slice(eHat, [0, 0, 0], [1, 4, 3]), 1)), [1, 1, 3]), 1e-5);
    const v = tf.tensor3d([[[1, 0], [0, 1], [5, 5]]]);
    const out = labelAwareAttention(v, tf.tensor3d([[[2, 0]]]), tf.tensor2d([[1, 1, 0]]));
    // scores 2/√2, 0 → softmax → a = (σ(√2), 1 − σ(√2)); the masked capsule [5, 5] takes no weight
    const s = 1 / (1 + Math.exp(-Math.SQRT2));
    expectClose(out, tf.tensor3d([[[s, 1 - s]]]), 1e-5);
  });

  it('label-aware attention: scaled dot-product softmax over the interests (hand-computed)', () => {
    const v = tf.tensor3d([[[1, 0], [0, 2]]]); // K = 2, D = 2
    const q = tf.tensor3d([[[1, 1], [0, 0]]]); // two queries
    const out = labelAwareAttention(v, q);
    // query (1,1): scores 1/√2, 2/√2 → a = softmax; query 0: a = (½, ½)
    const e1 = Math.exp(1 / Math.SQRT2);
    const e2 = Math.exp(2 / Math.SQRT2);
    const a1 = e1 / (e1 + e2);
    expectClose(out, tf.tensor3d([[[a1, 2 * (1 - a1)], [0.5, 1]]]), 1e-5);
    gradCheck((vv, qq) => tf.sum(tf.square(labelAwareAttention(vv as tf.Tensor3D, qq as tf.Tensor3D))), [v, tf.tensor3d([[[0.3, -0.2], [0.5, 0.1]]])]);
  });
});
