import * as tf from '@tensorflow/tfjs-core';
import { Rng, randomNormal } from '@recsuite/core';
import { describeBackends, expectClose, expectNoLeak } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { hsic } from './hsic.js';

describeBackends('hsic', () => {
  it('matches a hand-computed value on two points: (1 − e^{−1})² with σ² = 1', () => {
    const x = tf.tensor2d([[0], [1]]);
    expectClose(hsic(x, x, { bandwidth: 1 }), (1 - Math.exp(-1)) ** 2, 1e-5);
    x.dispose();
  });

  it('is near 0 on independent samples and large on dependent ones', () => {
    const rng = new Rng(5);
    const [ind, dep, ratio] = tf.tidy(() => {
      const x = randomNormal([200, 4], 1, rng) as tf.Tensor2D;
      const y = randomNormal([200, 3], 1, rng) as tf.Tensor2D;
      const fx = tf.add(tf.tanh(tf.slice(x, [0, 0], [200, 3])), tf.mul(randomNormal([200, 3], 1, rng), 0.1)) as tf.Tensor2D;
      const a = hsic(x, y).dataSync()[0];
      const b = hsic(x, fx).dataSync()[0];
      return [a, b, b / a];
    });
    console.log(`[hsic] independent ${ind}, dependent ${dep}`);
    expect(Math.abs(ind)).toBeLessThan(0.003);
    expect(dep).toBeGreaterThan(0.02);
    expect(ratio).toBeGreaterThan(10);
  });

  it('has a gradient and leaks nothing; rejects mismatched rows', () => {
    const rng = new Rng(1);
    const x = randomNormal([6, 2], 1, rng) as tf.Tensor2D;
    const y = randomNormal([6, 2], 1, rng) as tf.Tensor2D;
    expectNoLeak(() => {
      const g = tf.grad((a: tf.Tensor) => hsic(a as tf.Tensor2D, y))(x);
      expect(Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0])).toBe(true);
      g.dispose();
    });
    const z = tf.zeros([5, 2]) as tf.Tensor2D;
    expect(() => hsic(x, z)).toThrow(/x has 6 rows but y has 5/);
    tf.dispose([x, y, z]);
  });
});
