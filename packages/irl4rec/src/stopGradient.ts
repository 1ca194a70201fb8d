import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '@recsuite/core';

const identityNoGrad = customOp<tf.Tensor>(([x]) => ({
  value: tf.clone(x),
  gradFunc: (dy) => tf.zerosLike(dy),
}));

/**
 * `x` held constant under differentiation (TF.js 4.22's tfjs-core has no `stopGradient`): the forward
 * value is a copy of `x`, the gradient is zero.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityNoGrad(x) as T;
}
