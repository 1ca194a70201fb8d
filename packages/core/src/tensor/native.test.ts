import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../test/index.js';
import { nativeUniform } from './native.js';

describeBackends('nativeUniform', (backend) => {
  it('draws seeded [0, 1) noise natively on tensorflow and declines elsewhere', () => {
    const a = nativeUniform([300, 70], 42);
    if (backend !== 'tensorflow') {
      expect(a).toBeNull();
      return;
    }
    const b = nativeUniform([300, 70], 42) as tf.Tensor;
    const c = nativeUniform([300, 70], 43) as tf.Tensor;
    expect(a?.shape).toEqual([300, 70]);
    const va = (a as tf.Tensor).dataSync();
    expect(Array.from(va)).toEqual(Array.from(b.dataSync()));
    expect(Array.from(va)).not.toEqual(Array.from(c.dataSync()));
    let sum = 0;
    for (const v of va) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(Math.abs(sum / va.length - 0.5)).toBeLessThan(0.01);
    tf.dispose([a as tf.Tensor, b, c]);
  });
});
