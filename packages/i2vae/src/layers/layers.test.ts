import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng, initBackend } from '@recsuite/core';
import { expectClose } from '@recsuite/core/test';
import { maskedMean } from './domainEncoder.js';
import { l2Normalize } from './gaussianEncoder.js';
import { PairScorer } from './scorer.js';

await initBackend('tensorflow');

describe('layer helpers', () => {
  it('maskedMean averages only unmasked positions; an all-padding row gives zeros', async () => {
    const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    const m = tf.tensor2d([[0, 1, 1], [0, 0, 0]]);
    const y = maskedMean(x, m);
    expectClose(await y.data(), [4, 5, 0, 0]);
    tf.dispose([x, m, y]);
  });

  it('l2Normalize gives unit rows and a finite (zero) gradient at an all-zero row', async () => {
    const x = tf.tensor2d([[3, 4], [0, 0]]);
    const y = l2Normalize(x);
    expectClose(await y.data(), [0.6, 0.8, 0, 0]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(l2Normalize(t as tf.Tensor2D), tf.tensor2d([[1, 2], [3, 4]]))))(x);
    const gv = Array.from(await g.data());
    expect(gv.every(Number.isFinite)).toBe(true);
    expectClose(gv.slice(2), [0, 0]);
    // d/dx of <x/|x|, w> at (3, 4) with w = (1, 2): (w − (x̂·w) x̂) / |x| = ((1, 2) − 2.2·(0.6, 0.8)) / 5
    expectClose(gv.slice(0, 2), [(1 - 2.2 * 0.6) / 5, (2 - 2.2 * 0.8) / 5], 1e-5);
    tf.dispose([x, y, g]);
  });

  it('PairScorer.applyIds equals apply on the gathered rows, on both paths (table projected once when the candidates outnumber its rows)', async () => {
    const sc = new PairScorer(6, 5, new Rng(4));
    const u = tf.randomNormal([3, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
    const ids = tf.tensor2d([[0, 5, 5, 7], [1, 2, 3, 4], [7, 6, 0, 7]], [3, 4], 'int32'); // 12 candidates
    for (const rows of [30, 8]) {
      const table = tf.randomNormal([rows, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
      const a = sc.applyIds(u, table, ids);
      const b = sc.apply(u, tf.gather(table, ids) as unknown as tf.Tensor3D);
      expect(a.shape).toEqual([3, 4]);
      expectClose(await a.data(), await b.data(), 1e-5);
      tf.dispose([table, a, b]);
    }
    tf.dispose([u, ids]);
    sc.dispose();
  });
});
