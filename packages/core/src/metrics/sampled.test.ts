import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeBackends } from '../test/index.js';
import { Rng } from '../tensor/rng.js';
import { fullRanks } from './full.js';
import { sampledRanks } from './sampled.js';

describeBackends(
  'sampledRanks',
  () => {
    it('matches the hand computation with pessimistic ties', async () => {
      // row 0: target 0.5; negatives 0.7 (ahead), 0.5 (tie → ahead), 0.1 → rank 2
      // row 1: target 0.9; all negatives below → rank 0
      // row 2: target NaN → last rank 3;  row 3: negative NaN counts ahead, 0.2 & 0.1 below → rank 1
      // row 4: target +Inf, negatives +Inf (tie → ahead), -Inf, 3 → rank 1
      const s = tf.tensor2d([
        [0.5, 0.7, 0.5, 0.1],
        [0.9, 0.1, 0.2, 0.3],
        [NaN, 0.1, 0.2, 0.3],
        [0.3, NaN, 0.2, 0.1],
        [Infinity, Infinity, -Infinity, 3],
      ]);
      const before = tf.memory().numTensors;
      expect(Array.from(await sampledRanks(s))).toEqual([2, 0, 3, 1, 1]);
      expect(tf.memory().numTensors).toBe(before);
      s.dispose();
    });

    it('agrees with full ranking when the negatives are every non-excluded item', async () => {
      // Construct: full scores [B, N] with ties; each row excludes the same number of seen items, so the
      // remaining candidates (target first, then every other allowed item) form a rectangular [B, 1 + nNeg].
      const B = 16;
      const N = 60;
      const nSeen = 9;
      const rng = new Rng(21);
      const full = Float32Array.from({ length: B * N }, () => rng.int(12) / 12);
      const targets: number[] = [];
      const seen: number[][] = [];
      const cand: number[] = [];
      for (let r = 0; r < B; r++) {
        const perm = Array.from(rng.permutation(N - 1), (j) => j + 1); // items 1..N-1
        targets.push(perm[0]);
        seen.push(perm.slice(1, 1 + nSeen));
        const negs = perm.slice(1 + nSeen); // all other allowed items
        for (const j of [perm[0], ...negs]) cand.push(full[r * N + j]);
      }
      const nCols = N - 1 - nSeen;
      const fs = tf.tensor2d(full, [B, N]);
      const ss = tf.tensor2d(Float32Array.from(cand), [B, nCols]);
      const fr = await fullRanks(fs, targets, seen);
      const sr = await sampledRanks(ss);
      expect(Array.from(sr)).toEqual(Array.from(fr));
      expect(fr.some((x) => x > 0)).toBe(true);
      fs.dispose();
      ss.dispose();
    });
  },
  { backends: ['tensorflow', 'wasm', 'cpu'] },
);
