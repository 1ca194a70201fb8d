import * as tf from '@tensorflow/tfjs-core';
import { Adam, Rng, spuriousPropertyData, trainSequenceBatches } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { Irl4Rec } from './irl4rec.js';
import { backboneRankingLoss, randomScorerLoss, rankingLoss } from './objective.js';

describeBackends('Irl4Rec objective', () => {
  it('ranking losses match hand values; the random-scorer level is what all-zero scores give', () => {
    const pos = tf.tensor1d([1, -2]);
    const neg = tf.tensor2d([[0, 3], [1, -1]]);
    const sp = (x: number) => Math.log1p(Math.exp(x));
    expectClose(rankingLoss('bce', pos, neg), (sp(-1) + sp(0) + sp(3) + sp(2) + sp(1) + sp(-1)) / 2, 1e-5);
    expectClose(rankingLoss('bpr', pos, neg), (sp(-1) + sp(2) + sp(3) + sp(1)) / 4, 1e-5);
    const z1 = tf.zeros([3]) as tf.Tensor1D;
    const z2 = tf.zeros([3, 4]) as tf.Tensor2D;
    expectClose(rankingLoss('bce', z1, z2), randomScorerLoss('bce', 4), 1e-5);
    expectClose(rankingLoss('bpr', z1, z2), randomScorerLoss('bpr', 4), 1e-5);
    // ce: a uniform softmax over N items costs ln N; the item count is required
    expect(randomScorerLoss('ce', 1, 20)).toBeCloseTo(Math.log(20), 12);
    expect(() => randomScorerLoss('ce', 1)).toThrow(/numItems is required for ce/);
    // the loss matching each backbone's: its default, or its configured loss where Irl4Rec has it
    expect(['sasrec', 'gru4rec', 'bert4rec'].map((b) => backboneRankingLoss(b as 'sasrec'))).toEqual(['bce', 'ce', 'ce']);
    expect([backboneRankingLoss('sasrec', 'ce'), backboneRankingLoss('gru4rec', 'bprMax'), backboneRankingLoss('gru4rec', 'sampled')]).toEqual(['ce', 'bce', 'bce']);
    tf.dispose([pos, neg, z1, z2]);
  });

  it('the terms combine as (1−α)L(t) + αL([t‖s]) − γ·min(L(s), L_rand) + β‖μ_t‖² (+ λ·HSIC)', () => {
    const data = spuriousPropertyData({ numUsers: 8, numItems: 20, numClusters: 2, seed: 1 });
    const m = new Irl4Rec({ numItems: 20, maxLen: 6, dim: 8, blocks: 1, alpha: 0.3, beta: 0.01, gamma: 0.1, independence: 'hsic', independenceWeight: 0.5, seed: 2 });
    const b = trainSequenceBatches(data.train, { maxLen: 6, batchSize: 8, numItems: 20, rng: new Rng(1), numNegatives: 2 }).next().value!;
    const terms = m.objective(b);
    const [lt, lts, ls, comp, ind, total] = [terms.lt, terms.lts, terms.ls, terms.compression, terms.independence, terms.total].map((x) => x.dataSync()[0]);
    const want = 0.7 * lt + 0.3 * lts - 0.1 * Math.min(ls, 3 * Math.LN2) + 0.01 * comp + 0.5 * ind;
    expect(total).toBeCloseTo(want, 4);
    expect(ind).toBeGreaterThan(0);
    tf.dispose(Object.values(terms));
    m.dispose();
  });

  it('the negative-weight term stays bounded over a training run with the guard (and runs away without it)', () => {
    const data = spuriousPropertyData({ numUsers: 30, numItems: 30, numClusters: 3, seed: 3 });
    const run = (clip: boolean) => {
      const m = new Irl4Rec({ numItems: 30, maxLen: 8, dim: 8, blocks: 1, confounder: 'head', gamma: 0.9, alpha: 0.1, clipConfounderLoss: clip, seed: 4 });
      const opt = new Adam({ lr: 0.05 });
      const rng = new Rng(2);
      const ceiling = randomScorerLoss('bce', 1);
      let maxLs = 0;
      let lastTotal = 0;
      let before = -1; // after the first step (Adam creates its slots there)
      m.setTraining(true);
      for (let epoch = 0; epoch < 4; epoch++) {
        for (const b of trainSequenceBatches(data.train, { maxLen: 8, batchSize: 20, numItems: 30, rng, numNegatives: 1 })) {
          lastTotal = opt.step(() => m.loss(b), m.variables());
          const terms = m.objective(b);
          maxLs = Math.max(maxLs, terms.ls.dataSync()[0]);
          tf.dispose(Object.values(terms));
          if (before < 0) before = tf.memory().numTensors;
        }
      }
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      m.dispose();
      return { maxLs, lastTotal, ceiling };
    };
    const guarded = run(true);
    expect(Number.isFinite(guarded.lastTotal)).toBe(true);
    expect(guarded.maxLs).toBeLessThan(2 * guarded.ceiling);
    const unguarded = run(false);
    expect(unguarded.maxLs).toBeGreaterThan(2 * unguarded.ceiling);
  });
}, { backends: ['tensorflow'] });
