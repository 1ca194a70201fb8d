import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../test/index.js';
import { Rng } from '../tensor/rng.js';
import { fullRanks, fullRanksMulti } from './full.js';
import { rankInRow } from './ranking.js';

// Hand example, N = 7 (column 0 = padding, items 1..6).
//   row 0: pad 9 (never counted), target 3 (0.5), exclude [5].
//          others: 1 (0.5 tie → ahead), 2 (0.8 ahead), 4 (0.2), 6 (0.5 tie → ahead); 5 (0.9) excluded → rank 3
//          (without the exclusion: 4)
//   row 1: target 2 (0.7), exclude [2, 4]: the target is kept although listed as seen; 4 (0.7 tie) excluded;
//          1, 3, 5, 6 are below → rank 0 (without the exclusion: 1, the tie with item 4)
const HAND = [
  [9, 0.5, 0.8, 0.5, 0.2, 0.9, 0.5],
  [0, 0.1, 0.7, 0.3, 0.7, 0.6, 0.2],
];

/** Random scores quantised to a few levels (many ties), a few NaNs, and random seen lists. */
function randomCase(B: number, N: number, seed: number, nanRate = 0) {
  const rng = new Rng(seed);
  const data = new Float32Array(B * N);
  for (let i = 0; i < data.length; i++) data[i] = rng.float() < nanRate ? NaN : rng.int(20) / 20;
  const targets = Int32Array.from({ length: B }, () => 1 + rng.int(N - 1));
  const exclude = Array.from({ length: B }, (_, r) => {
    const ex = Array.from({ length: rng.int(30) }, () => rng.int(N));
    if (rng.float() < 0.3) ex.push(targets[r]); // target also seen: must be kept
    return ex;
  });
  return { data, targets, exclude };
}

function reference(data: Float32Array, B: number, N: number, targets: ArrayLike<number>, exclude: number[][]) {
  return Int32Array.from({ length: B }, (_, r) =>
    rankInRow(data.subarray(r * N, (r + 1) * N), targets[r], [0, ...exclude[r]]),
  );
}

describeBackends(
  'fullRanks',
  (backend) => {
    it('matches the hand computation (pessimistic ties, exclusion, target kept)', async () => {
      const s = tf.tensor2d(HAND);
      const before = tf.memory().numTensors;
      expect(Array.from(await fullRanks(s, [3, 2], [[5], [2, 4]]))).toEqual([3, 0]);
      expect(Array.from(await fullRanks(s, [3, 2]))).toEqual([4, 1]);
      expect(Array.from(await fullRanks(s, [3, 2], [null, new Set([4])]))).toEqual([4, 0]);
      expect(tf.memory().numTensors).toBe(before);
      s.dispose();
    });

    it('ranks every target of a multi-target row (tied targets push each other down)', async () => {
      const s = tf.tensor2d(HAND);
      const before = tf.memory().numTensors;
      // row 0: targets 3 and 6 (both 0.5), exclude [5, 6]: 6 is a target, so it stays.
      //   target 3: 1 (0.5), 2 (0.8), 6 (0.5, the other target) ahead → 3;  target 6: 1, 2, 3 ahead → 3
      // row 1: targets 2 (0.7) and 5 (0.6), exclude [4]: target 2 → 0; target 5: 2 ahead → 1
      const r = await fullRanksMulti(s, [[3, 6], [2, 5]], [[5, 6], [4]]);
      expect(r.map((x) => Array.from(x))).toEqual([[3, 3], [0, 1]]);
      expect(tf.memory().numTensors).toBe(before);
      s.dispose();
    });

    it('agrees with the JS reference on random tied data with NaNs, whole and chunked', async () => {
      const B = 37;
      const N = 101;
      const { data, targets, exclude } = randomCase(B, N, 5, 0.02);
      const want = reference(data, B, N, targets, exclude);
      const s = tf.tensor2d(data, [B, N]);
      const before = tf.memory().numTensors;
      expect(Array.from(await fullRanks(s, targets, exclude))).toEqual(Array.from(want));
      expect(Array.from(await fullRanks(s, targets, exclude, { maxChunkElements: 5 * N }))).toEqual(Array.from(want));
      // Multi-target with one target per row is the same computation (gathered rows instead of sliced).
      const multi = await fullRanksMulti(s, Array.from(targets, (t) => [t]), exclude, { maxChunkElements: 3 * N });
      expect(multi.map((x) => x[0])).toEqual(Array.from(want));
      expect(tf.memory().numTensors).toBe(before);
      s.dispose();
    });

    it('multi-target ranks agree with the reference', async () => {
      const B = 12;
      const N = 40;
      const rng = new Rng(11);
      const { data, exclude } = randomCase(B, N, 12);
      const targets = Array.from({ length: B }, () => [...new Set(Array.from({ length: 1 + rng.int(5) }, () => 1 + rng.int(N - 1)))]);
      const s = tf.tensor2d(data, [B, N]);
      const got = await fullRanksMulti(s, targets, exclude, { maxChunkElements: 7 * N });
      for (let r = 0; r < B; r++) {
        const row = data.subarray(r * N, (r + 1) * N);
        const ex = [0, ...exclude[r]].filter((j) => !targets[r].includes(j));
        expect(Array.from(got[r])).toEqual(targets[r].map((t) => rankInRow(row, t, ex)));
      }
      s.dispose();
    });

    it('rejects bad targets and exclusions', async () => {
      const s = tf.tensor2d(HAND);
      await expect(fullRanks(s, [0, 2])).rejects.toThrow(/targets\[0\]/);
      await expect(fullRanks(s, [3, 7])).rejects.toThrow(/targets\[1\]/);
      await expect(fullRanks(s, [3])).rejects.toThrow(/one id per row/);
      await expect(fullRanks(s, [3, 2], [[9], []])).rejects.toThrow(/exclude\[0\]/);
      await expect(fullRanksMulti(s, [[3, 3], [2]])).rejects.toThrow(/twice/);
      await expect(fullRanksMulti(s, [[3], []])).rejects.toThrow(/empty/);
      s.dispose();
    });

    it.skipIf(backend === 'cpu')('is fast at B = 1024, N = 12,102 and leaks no tensors', async () => {
      const B = 1024;
      const N = 12_102;
      const { data, targets, exclude } = randomCase(B, N, 99);
      const s = tf.tensor2d(data, [B, N]);
      await fullRanks(s, targets, exclude); // warm-up
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      const got = await fullRanks(s, targets, exclude);
      const ms = performance.now() - t0;
      expect(tf.memory().numTensors).toBe(before);
      console.log(`fullRanks [${B}, ${N}] on ${backend}: ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(1500); // measured here: ~30 ms on tensorflow, ~80 ms on wasm (idle machine)
      expect(Array.from(got)).toEqual(Array.from(reference(data, B, N, targets, exclude)));
      s.dispose();
    });
  },
  { backends: ['tensorflow', 'wasm', 'cpu'] },
);
