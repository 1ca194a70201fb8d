import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { randomNormal } from '../tensor/init.js';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '../test/index.js';
import { LayerNorm, layerNorm } from './layerNorm.js';

describeBackends('LayerNorm', () => {
  it('matches a hand computation over the last axis, with gain and bias', () => {
    const ln = new LayerNorm(4, { eps: 1e-3 });
    ln.gamma.assign(tf.tensor1d([1, 2, 1, 0.5]));
    ln.beta.assign(tf.tensor1d([0, 0, 1, -1]));
    // row [1, 2, 3, 4]: mean 2.5, variance 1.25; row [2, 2, 2, 2]: mean 2, variance 0
    const x = tf.tensor3d([[[1, 2, 3, 4], [2, 2, 2, 2]]]);
    const s = 1 / Math.sqrt(1.25 + 1e-3);
    const expected = [-1.5 * s, 2 * -0.5 * s, 0.5 * s + 1, 0.5 * 1.5 * s - 1, 0, 0, 1, -1];
    const y = ln.apply(x);
    expect(y.shape).toEqual([1, 2, 4]);
    expectClose(y, expected);
    tf.dispose([x, y]);
    ln.dispose();
  });

  it('defaults to eps 1e-8 and lists gamma and beta', () => {
    const ln = new LayerNorm(3);
    expect(ln.eps).toBe(1e-8);
    expect(ln.variables()).toEqual([ln.gamma, ln.beta]);
    expect(() => ln.apply(tf.zeros([2, 4]))).toThrow(/width 4 does not match dim 3/);
    ln.dispose();
  });

  it('custom gradient: matches autodiff of the formula, passes a finite-difference check, leaks nothing', async () => {
    const rng = new Rng(3);
    const x = randomNormal([3, 5], 1, rng);
    const g = randomNormal([5], 1, rng) as tf.Tensor1D;
    const b = randomNormal([5], 1, rng) as tf.Tensor1D;
    const w = randomNormal([3, 5], 1, rng);
    gradCheck((xx, gg, bb) => tf.sum(tf.mul(layerNorm(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5), w)), [x, g, b], {
      eps: 1e-2,
      tol: 3e-2,
    });
    await expectNoLeak(() => layerNorm(x, g, b));
    // rank 3, against autodiff through the textbook formula
    const x3 = randomNormal([2, 3, 5], 2, rng);
    const w3 = randomNormal([2, 3, 5], 1, rng);
    const reference = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const { mean, variance } = tf.moments(xx, -1, true);
      return tf.sum(tf.mul(tf.add(tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, 1e-5))), gg), bb), w3)) as tf.Scalar;
    };
    const custom = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(layerNorm(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5), w3)) as tf.Scalar;
    const gRef = tf.grads(reference)([x3, g, b]);
    const gCustom = tf.grads(custom)([x3, g, b]);
    gCustom.forEach((t, i) => expectClose(t, gRef[i], 1e-3));
    gradCheck(custom, [x3, g, b], { eps: 1e-2, tol: 3e-2 });
    await expectNoLeak(() => tf.tidy(() => tf.grads(custom)([x3, g, b])[0]));
    tf.dispose([x, g, b, w, x3, w3, ...gRef, ...gCustom]);
  });
});
