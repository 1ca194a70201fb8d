import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { describeBackends, expectNoLeak } from '../test/index.js';
import { Dropout, dropout, dropoutMask } from './dropout.js';

describeBackends('dropout', () => {
  it('is the identity (same tensor) when not training or at rate 0', () => {
    const x = tf.ones([4, 3]);
    expect(dropout(x, 0.5)).toBe(x);
    expect(dropout(x, 0.5, { training: false, rng: new Rng(1) })).toBe(x);
    expect(dropout(x, 0, { training: true, rng: new Rng(1) })).toBe(x);
    x.dispose();
  });

  it('zeroes about `rate` of the entries and scales the rest by 1/(1-rate)', () => {
    const rate = 0.3;
    const m = dropoutMask([200, 500], rate, 12345);
    const v = m.dataSync();
    let zeros = 0;
    for (const a of v) {
      if (a === 0) zeros++;
      else expect(a).toBeCloseTo(1 / (1 - rate), 6);
    }
    expect(Math.abs(zeros / v.length - rate)).toBeLessThan(0.005);
    // mean is preserved in expectation
    const x = tf.fill([200, 500], 2);
    const y = dropout(x, rate, { training: true, rng: new Rng(9) });
    expect(Math.abs(tf.mean(y).dataSync()[0] - 2)).toBeLessThan(0.02);
    tf.dispose([m, x, y]);
  });

  it('is deterministic under a seed, differs between draws, and needs an rng when training', async () => {
    const x = tf.ones([50, 40]);
    const a = dropout(x, 0.5, { training: true, rng: new Rng(7) });
    const b = dropout(x, 0.5, { training: true, rng: new Rng(7) });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const rng = new Rng(7);
    const c1 = dropout(x, 0.5, { training: true, rng });
    const c2 = dropout(x, 0.5, { training: true, rng });
    expect(Array.from(c1.dataSync())).not.toEqual(Array.from(c2.dataSync()));
    // odd sizes fill every entry
    const odd = dropoutMask([7], 0.2, 3).dataSync();
    expect(odd.every((v) => v === 0 || Math.abs(v - 1.25) < 1e-6)).toBe(true);
    expect(() => dropout(x, 0.5, { training: true })).toThrow(/needs `rng`/);
    expect(() => new Dropout(1)).toThrow(/\[0, 1\)/);
    await expectNoLeak(() => new Dropout(0.2).apply(x, { training: true, rng }));
    tf.dispose([x, a, b, c1, c2]);
  });

  it('gradient is the mask', () => {
    const x = tf.tensor1d([1, 2, 3, 4, 5, 6]);
    const rng = new Rng(5);
    const state = rng.getState();
    const g = tf.grad((v: tf.Tensor) => tf.sum(dropout(v, 0.5, { training: true, rng })))(x);
    rng.setState(state);
    const mask = dropoutMask([6], 0.5, rng.nextU32());
    expect(Array.from(g.dataSync())).toEqual(Array.from(mask.dataSync()));
    tf.dispose([x, g, mask]);
  });
});
