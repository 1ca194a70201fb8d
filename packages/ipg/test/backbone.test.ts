import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@recsuite/core';
import { describeBackends } from '@recsuite/core/test';
import { SASRec } from '@recsuite/baselines';
import { describe, expect, it } from 'vitest';
import { UserSimulator, bucketedBatches, collectLogs, holdOutLastClick, trainBackbone } from '../src/index.js';

describe('backbone data', () => {
  it('holds out each user\'s last click when there are at least two', () => {
    const seqs = [Int32Array.of(1, 2, 3), Int32Array.of(4), Int32Array.of(), Int32Array.of(5, 6)];
    const { train, valid } = holdOutLastClick(seqs);
    expect(train.map((s) => Array.from(s))).toEqual([[1, 2], [4], [], [5]]);
    expect(valid.map((c) => [c.user, Array.from(c.history), c.target])).toEqual([
      [0, [1, 2], 3],
      [3, [5], 6],
    ]);
  });

  it('bucketed batches: every user with ≥ 2 items once per epoch, padded to the batch\'s longest, next-item targets', () => {
    const r = new Rng(1);
    const train = Array.from({ length: 60 }, () => Int32Array.from({ length: r.int(12) }, () => 1 + r.int(30)));
    const seen: number[] = [];
    for (const b of bucketedBatches(train, { maxLen: 8, batchSize: 7, numItems: 30, rng: new Rng(2) })) {
      const L = b.maxLen;
      const lens = Array.from(b.users, (u) => Math.min(8, train[u].length - 1));
      expect(L).toBe(Math.max(...lens));
      for (let k = 0; k < b.batchSize; k++) {
        const s = train[b.users[k]];
        const n = Math.min(L, s.length - 1);
        expect(Array.from(b.seqs.subarray(k * L + L - n, (k + 1) * L))).toEqual(Array.from(s.subarray(s.length - 1 - n, s.length - 1)));
        expect(Array.from(b.targets!.subarray(k * L + L - n, (k + 1) * L))).toEqual(Array.from(s.subarray(s.length - n)));
        for (let t = 0; t < L; t++) {
          const neg = b.negatives![k * L + t];
          if (t < L - n) expect(neg).toBe(0);
          else expect(s.includes(neg)).toBe(false);
        }
      }
      seen.push(...b.users);
    }
    const expected = train.map((s, u) => (s.length >= 2 ? u : -1)).filter((u) => u >= 0);
    expect(seen.sort((a, b) => a - b)).toEqual(expected);
  });
});

describeBackends('trainBackbone', () => {
  it('trains SASRec on logged clicks, keeps the best validated epoch and leaks only the model', async () => {
    const sim = UserSimulator.create({ numUsers: 80, numItems: 60 }, 3);
    const logs = collectLogs(sim, { seed: 4, rounds: 40 });
    // what a model of this size holds (and what its dispose leaves, if anything)
    const t0 = tf.memory().numTensors;
    const probe = new SASRec({ numItems: 60, maxLen: 20, dim: 8, blocks: 1, heads: 2, dropout: 0.1, seed: 1 });
    const own = tf.memory().numTensors - t0;
    probe.dispose();
    const left = tf.memory().numTensors - t0;
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const tb = await trainBackbone(logs.sequences, 60, { seed: 1, epochs: 6, validateEvery: 2, dim: 8, blocks: 1, heads: 2, dropout: 0.1, maxLen: 20, batchSize: 16, lr: 0.01, onEpoch: (l) => losses.push(l.loss) });
    expect(tb.validationCases).toBe(logs.sequences.filter((s) => s.length >= 2).length);
    expect(losses).toHaveLength(6);
    expect(losses[5]).toBeLessThan(losses[0]);
    expect([2, 4, 6]).toContain(tb.fit.bestEpoch);
    expect(tf.memory().numTensors - before).toBe(own);
    tb.model.dispose();
    expect(tf.memory().numTensors - before).toBe(left);
    await expect(trainBackbone(logs.sequences, 60, { seed: 1, epochs: 0 })).rejects.toThrow(/config\.epochs/);
  });
});
