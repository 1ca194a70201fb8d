import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { it } from 'vitest';
import { stopGradient } from './stopGradient.js';

describeBackends('stopGradient', () => {
  it('passes the value through and blocks the gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    // d/dx [x² + stop(x)·x] = 2x + stop(x) = 3x
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.add(tf.square(a), tf.mul(stopGradient(a), a))))(x);
    expectClose(g, [3, -6, 9], 1e-6);
    const y = stopGradient(x);
    expectClose(y, [1, -2, 3], 0);
    tf.dispose([x, g, y]);
  });
});
