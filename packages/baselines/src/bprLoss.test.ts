import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, Rng } from '@recsuite/core';
import { describeBackends, expectClose, gradCheck } from '@recsuite/core/test';
import { it } from 'vitest';
import { bprLoss, bprObjective, l2Penalty } from './bprLoss.js';

describeBackends('BPR loss', () => {
  it('equals mean −ln σ(x_ui − x_uj), by hand', () => {
    const pos = tf.tensor1d([2, 0, -3]);
    const neg = tf.tensor1d([1, 1, -3]);
    const ls = (x: number) => -Math.log(1 / (1 + Math.exp(-x)));
    expectClose(bprLoss(pos, neg), (ls(1) + ls(-1) + ls(0)) / 3);
    // Large margins stay finite (softplus form).
    expectClose(bprLoss(tf.tensor1d([0]), tf.tensor1d([200])), 200);
  });

  it('l2Penalty = ½ Σ‖t‖² / B', () => {
    expectClose(l2Penalty([tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 0], [0, 1]])], 2), (0.5 * (1 + 4 + 9 + 1)) / 2);
  });

  it('bprObjective has correct gradients (finite differences)', () => {
    const rng = new Rng(3);
    const [u, p, n] = [0, 1, 2].map(() => randomNormal([4, 3], 1, rng) as tf.Tensor2D);
    gradCheck((a, b, c) => bprObjective(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, 0.3, [a, b, c]), [u, p, n]);
  });
});
