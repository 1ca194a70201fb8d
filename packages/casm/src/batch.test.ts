import { Rng, trainSequenceBatches, type BehaviourEvalCase } from '@recsuite/core';
import { describe, expect, it } from 'vitest';
import { behaviourEvalBatch, behaviourTrainBatches } from './batch.js';

describe('behaviour batches', () => {
  const split = {
    train: [Int32Array.of(1, 2, 3, 4), Int32Array.of(5), Int32Array.of(6, 7, 8, 9, 10, 11, 12)],
    trainBehaviours: [Uint8Array.of(0, 1, 2, 0), Uint8Array.of(1), Uint8Array.of(2, 2, 1, 0, 0, 1, 2)],
  };
  const opts = (seed: number) => ({ maxLen: 4, batchSize: 2, numItems: 15, rng: new Rng(seed) });

  it('yields core\'s batches (same users, inputs, targets, negatives) with aligned behaviours', () => {
    const plain = [...trainSequenceBatches(split.train, opts(7))];
    const withBeh = [...behaviourTrainBatches(split, opts(7))];
    expect(withBeh.length).toBe(plain.length);
    withBeh.forEach((b, k) => {
      expect(b.users).toEqual(plain[k].users);
      expect(b.seqs).toEqual(plain[k].seqs);
      expect(b.targets).toEqual(plain[k].targets);
      expect(b.negatives).toEqual(plain[k].negatives);
    });
    const all = withBeh.flatMap((b) => Array.from(b.users, (u, r) => ({ u, r, b })));
    const row = (u: number) => {
      const x = all.find((e) => e.u === u)!;
      const sl = (a: Int32Array) => Array.from(a.subarray(x.r * 4, x.r * 4 + 4));
      return { seqs: sl(x.b.seqs), beh: sl(x.b.behaviours), tgt: sl(x.b.targets!), tbeh: sl(x.b.targetBehaviours!) };
    };
    // User 0: input 1 2 3 (behaviours 0 1 2), targets 2 3 4 (behaviours 1 2 0).
    expect(row(0)).toEqual({ seqs: [0, 1, 2, 3], beh: [0, 0, 1, 2], tgt: [0, 2, 3, 4], tbeh: [0, 1, 2, 0] });
    // User 2: the last 4 of input 6..11 and of targets 7..12.
    expect(row(2)).toEqual({ seqs: [8, 9, 10, 11], beh: [1, 0, 0, 1], tgt: [9, 10, 11, 12], tbeh: [0, 0, 1, 2] });
    expect(all.some((e) => e.u === 1)).toBe(false); // one event: nothing to train on
  });

  it('builds evaluation batches from the last maxLen events with their behaviours', () => {
    const cases: BehaviourEvalCase[] = [
      { user: 4, history: Int32Array.of(1, 2), historyBehaviours: Uint8Array.of(2, 1), target: 3 },
      { user: 9, history: Int32Array.of(1, 2, 3, 4, 5), historyBehaviours: Uint8Array.of(0, 1, 2, 0, 1), target: 6 },
    ];
    const b = behaviourEvalBatch(cases, 3);
    expect(Array.from(b.users)).toEqual([4, 9]);
    expect(Array.from(b.seqs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(b.behaviours)).toEqual([0, 2, 1, 2, 0, 1]);
  });
});
