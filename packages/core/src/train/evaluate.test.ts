import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { EvalCase } from '../data/splits.js';
import type { RecModel, SeqBatch } from '../model.js';
import { describeBackends } from '../test/index.js';
import { evaluateRanking } from './evaluate.js';

/**
 * A model with fixed scores: row `user` of `S` (5 items, column 0 = padding). It records the batches it
 * sees and checks that the previous score tensor was disposed before the next one is requested.
 */
const S = [
  [0, 0.9, 0.8, 0.7, 0.6, 0.5],
  [0, 0.1, 0.5, 0.5, 0.9, 0.2],
  [0, 0.3, 0.2, 0.1, 0.4, 0.5],
  [0, 0.9, 0.1, 0.8, 0.7, 0.2],
];

/**
 * `out[r, c] = x[r, idx[r, c]]` through a flat gather: `tf.gather(x, idx, 1, 1)` (batchDims) returns
 * wrong rows on wasm in tfjs 4.22 (tensorflow/tfjs#8658).
 */
function pickColumns(x: tf.Tensor2D, idx: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, N] = x.shape;
    const flat = tf.add(idx, tf.mul(tf.reshape(tf.range(0, B, 1, 'int32'), [B, 1]), tf.scalar(N, 'int32')));
    return tf.reshape(tf.gather(tf.reshape(x, [-1]), tf.reshape(flat, [-1])), idx.shape) as tf.Tensor2D;
  });
}

class FixedScores implements Pick<RecModel<SeqBatch>, 'score' | 'scoreAll' | 'setTraining'> {
  seen: SeqBatch[] = [];
  last: tf.Tensor | null = null;
  training = true;
  alive = 0;

  scoreAll(b: SeqBatch): tf.Tensor2D {
    if (this.last && !this.last.isDisposed) this.alive++;
    this.seen.push(b);
    this.last = tf.gather(tf.tensor2d(S), tf.tensor1d(b.users, 'int32')) as tf.Tensor2D;
    return this.last as tf.Tensor2D;
  }

  score(b: SeqBatch, cand: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => pickColumns(this.scoreAll(b), cand));
  }

  setTraining(t: boolean): void {
    this.training = t;
  }
}

const cases: EvalCase[] = [
  { user: 0, history: Int32Array.from([1]), target: 3 }, // 2 (0.8) ahead; 1 excluded       -> rank 1
  { user: 1, history: Int32Array.from([4]), target: 2 }, // 3 ties at 0.5 (pessimistic)      -> rank 1
  { user: 2, history: Int32Array.from([5, 4]), target: 1 }, // 2, 3 below; 4, 5 excluded    -> rank 0
  { user: 3, history: Int32Array.from([3, 2, 1, 2]), target: 1 }, // target in history: kept; 4 (0.7) below, 5 below -> rank 0
];

describeBackends('evaluateRanking', () => {
  it('full ranking excluding history: hand-computed HR, NDCG, MRR, groups and per-user values', async () => {
    const m = new FixedScores();
    const before = tf.memory().numTensors;
    const res = await evaluateRanking(m, cases, {
      maxLen: 3,
      batchSize: 3,
      ks: [1, 3],
      groups: (i) => (i % 2 === 0 ? 'even' : ['odd', 'x']),
    });
    // Disposing the last score tensor is the evaluator's job; nothing else is left either.
    expect(tf.memory().numTensors).toBe(before);
    expect(m.alive).toBe(0);
    expect(m.training).toBe(false);
    expect(res.protocol).toBe('full');
    expect(Array.from(res.ranks)).toEqual([1, 1, 0, 0]);
    const l3 = 1 / Math.log2(3);
    expect(res.metrics['HR@1']).toBeCloseTo(2 / 4, 12);
    expect(res.metrics['HR@3']).toBeCloseTo(1, 12);
    expect(res.metrics['NDCG@1']).toBeCloseTo(2 / 4, 12);
    expect(res.metrics['NDCG@3']).toBeCloseTo((l3 + l3 + 1 + 1) / 4, 12);
    expect(res.metrics.MRR).toBeCloseTo((0.5 + 0.5 + 1 + 1) / 4, 12);
    expect(res.groups.even['NDCG@3']).toBeCloseTo((l3 + 1) / 2, 12);
    expect(res.groups.odd['HR@1']).toBeCloseTo(0.5, 12);
    expect(res.counts).toEqual({ all: 4, even: 2, odd: 2, x: 2 });
    expect(Array.from(res.perUser('HR@1'))).toEqual([0, 0, 1, 1]);
    expect(Array.from(res.perUser('MRR', 'even'))).toEqual([0.5, 1]);
    expect(Array.from(res.users)).toEqual([0, 1, 2, 3]);
    // Batches of 3 then 1, histories left-padded to maxLen 3 (the last 3 items, most recent last).
    expect(m.seen.map((b) => b.batchSize)).toEqual([3, 1]);
    expect(Array.from(m.seen[0].seqs)).toEqual([0, 0, 1, 0, 0, 4, 0, 5, 4]);
    expect(Array.from(m.seen[1].seqs)).toEqual([2, 1, 2]);
    expect(Array.from(m.seen[1].users)).toEqual([3]);
  });

  it('without history exclusion the seen items compete', async () => {
    const res = await evaluateRanking(new FixedScores(), cases, { maxLen: 2, batchSize: 8, ks: [1], excludeHistory: false });
    // case 0: item 1 (0.9) and 2 (0.8) ahead -> 2; case 1: 3 tie + 4 (0.9) -> 2; case 2: 4, 5 -> 2; case 3: none -> 0
    expect(Array.from(res.ranks)).toEqual([2, 2, 2, 0]);
  });

  it('sampled protocol: the target ranked among [target, ...negatives], ties pessimistic', async () => {
    const negatives = [Int32Array.from([1, 5]), Int32Array.from([3, 5]), Int32Array.from([4, 5]), Int32Array.from([2, 3])];
    const before = tf.memory().numTensors;
    const res = await evaluateRanking(new FixedScores(), cases, { maxLen: 2, batchSize: 2, ks: [1, 2], negatives });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.protocol).toBe('sampled');
    // case 0: 0.7 vs 0.9, 0.5 -> 1; case 1: 0.5 vs 0.5 (tie), 0.2 -> 1; case 2: 0.3 vs 0.4, 0.5 -> 2; case 3: 0.9 vs 0.1, 0.8 -> 0
    expect(Array.from(res.ranks)).toEqual([1, 1, 2, 0]);
    expect(res.metrics['HR@1']).toBeCloseTo(0.25, 12);
    expect(res.metrics['HR@2']).toBeCloseTo(0.75, 12);
    expect(res.metrics['NDCG@2']).toBeCloseTo((2 / Math.log2(3) + 1) / 4, 12);
    expect(res.metrics.MRR).toBeCloseTo((0.5 + 0.5 + 1 / 3 + 1) / 4, 12);
  });

  it('rejects bad input with the field and the case', async () => {
    const m = new FixedScores();
    await expect(evaluateRanking(m, [], { maxLen: 2, batchSize: 2, ks: [1] })).rejects.toThrow(/no cases/);
    await expect(evaluateRanking(m, cases, { maxLen: 0, batchSize: 2, ks: [1] })).rejects.toThrow(/maxLen must be a positive integer/);
    const negatives = [Int32Array.from([1, 5]), Int32Array.from([3]), Int32Array.from([4, 5]), Int32Array.from([2, 3])];
    await expect(evaluateRanking(m, cases, { maxLen: 2, batchSize: 2, ks: [1], negatives })).rejects.toThrow(
      /negatives\[1\] has 1 items, negatives\[0\] has 2/,
    );
    await expect(evaluateRanking(m, [{ user: 0, history: new Int32Array(0), target: 0 }], { maxLen: 2, batchSize: 2, ks: [1] })).rejects.toThrow(
      /cases\[0\]\.target must be an item id >= 1, got 0/,
    );
  });
});
