import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose, gradCheck } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { weightedBce } from './weightedBce.js';

const sp = (x: number) => Math.log1p(Math.exp(x));

describeBackends('weightedBce', () => {
  it('matches the hand-computed weighted BCE, α on the positive term only', () => {
    const pos = tf.tensor1d([2, -1, 0.5]);
    const neg = tf.tensor1d([0.3, 1.5, -2]);
    const alpha = tf.tensor1d([0.9, 0.1, 0]);
    const v = weightedBce(pos, neg, alpha).dataSync()[0];
    // −α log σ(s⁺) − log(1 − σ(s⁻)) = α softplus(−s⁺) + softplus(s⁻)
    const expected = (0.9 * sp(-2) + sp(0.3) + 0.1 * sp(1) + sp(1.5) + 0 * sp(-0.5) + sp(-2)) / 3;
    expectClose(v, expected);
    // α = 0 removes the positive term but keeps the negative one.
    const only = weightedBce(tf.tensor1d([5]), tf.tensor1d([1]), tf.tensor1d([0])).dataSync()[0];
    expectClose(only, sp(1));
    // Several negatives per position are summed.
    const multi = weightedBce(tf.tensor1d([1]), tf.tensor2d([[0, 2]]), tf.tensor1d([1])).dataSync()[0];
    expectClose(multi, sp(-1) + sp(0) + sp(2));
    tf.dispose([pos, neg, alpha]);
  });

  it('is finite where log(σ) saturates and has the right gradient (finite differences)', () => {
    const big = weightedBce(tf.tensor1d([-200]), tf.tensor1d([200]), tf.tensor1d([1])).dataSync()[0];
    expectClose(big, 400, 1e-3);
    const pos = tf.tensor1d([0.7, -1.2, 2.5, 0.1]);
    const neg = tf.tensor1d([-0.4, 0.9, 1.1, -2]);
    const alpha = tf.tensor1d([0.9, 0.1, 0, 1]);
    gradCheck((p, n) => weightedBce(p as tf.Tensor1D, n, alpha), [pos, neg], { eps: 1e-2, tol: 1e-2 });
    const g = tf.grads((p: tf.Tensor) => weightedBce(p as tf.Tensor1D, neg, alpha))([pos])[0].dataSync();
    expect(Math.abs(g[2])).toBe(0); // α = 0: no gradient through the positive
    tf.dispose([pos, neg, alpha]);
  });

  it('rejects mismatched shapes and empty batches', () => {
    expect(() => weightedBce(tf.tensor1d([1, 2]), tf.tensor1d([1]), tf.tensor1d([1, 1]))).toThrow(/first dimension/);
    expect(() => weightedBce(tf.tensor1d([]), tf.tensor1d([]), tf.tensor1d([]))).toThrow(/no target/);
  });
});
