import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../test/index.js';
import { Rng } from '../tensor/rng.js';
import { topK } from './topk.js';

describeBackends(
  'topK',
  () => {
    it('excludes padding and seen items; ties in ascending id order', async () => {
      const s = tf.tensor2d([
        [9, 0.5, 0.8, 0.5, 0.2, 0.9, 0.5],
        [0, 0.1, 0.7, 0.3, 0.7, 0.6, 0.2],
      ]);
      const before = tf.memory().numTensors;
      // row 0: pad (9) and item 5 (0.9, seen) removed → 2 (0.8), then the 0.5 ties 1, 3 (6 cut off)
      // row 1: seen [2] → 4 (0.7), 5 (0.6), 3 (0.3)
      const r = await topK(s, 3, [[5], [2]]);
      expect(r.items.map((x) => Array.from(x))).toEqual([[2, 1, 3], [4, 5, 3]]);
      expect(Array.from(r.scores[0])).toEqual([Math.fround(0.8), 0.5, 0.5]);
      // no exclusion: the padding column is still never recommended
      const r2 = await topK(s, 2);
      // the caller's scores are untouched by the masking
      expect(Array.from(s.dataSync().slice(0, 7))).toEqual(Array.from(Float32Array.from([9, 0.5, 0.8, 0.5, 0.2, 0.9, 0.5])));
      expect(r2.items.map((x) => Array.from(x))).toEqual([[5, 2], [2, 4]]);
      expect(tf.memory().numTensors).toBe(before);
      s.dispose();
    });

    it('returns fewer items when fewer candidates remain, never an excluded one', async () => {
      const s = tf.tensor2d([[0, 0.1, 0.7, 0.3, 0.7, 0.6, 0.2]]);
      const r = await topK(s, 10, [[1, 2, 3, 3]]);
      expect(Array.from(r.items[0])).toEqual([4, 5, 6]);
      s.dispose();
    });

    it('agrees with a full sort on random data', async () => {
      const B = 8;
      const N = 500;
      const k = 20;
      const rng = new Rng(4);
      const data = Float32Array.from({ length: B * N }, () => rng.float());
      const exclude = Array.from({ length: B }, () => Array.from({ length: 50 }, () => rng.int(N)));
      const s = tf.tensor2d(data, [B, N]);
      const r = await topK(s, k, exclude);
      for (let row = 0; row < B; row++) {
        const ex = new Set([0, ...exclude[row]]);
        const want = Array.from({ length: N }, (_, j) => j)
          .filter((j) => !ex.has(j))
          .sort((a, b) => data[row * N + b] - data[row * N + a] || a - b)
          .slice(0, k);
        expect(Array.from(r.items[row])).toEqual(want);
      }
      s.dispose();
    });
  },
  { backends: ['tensorflow', 'wasm', 'cpu'] },
);
