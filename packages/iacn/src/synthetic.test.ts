import { Adam, Rng, auc, type CtrRows, type Optimizer } from '@recsuite/core';
import { DIN, type CtrModel } from '@recsuite/baselines';
import { describeBackends, slowIt } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { GradientMixOptimizer } from './gradientMix.js';
import { IaCN } from './iacn.js';
import { batchesOf, syntheticCtr, type SyntheticCtr } from './testing/syntheticCtr.js';

const EVAL_USERS = 600;
/** Training settings of a synthetic run. */
interface Run {
  epochs: number;
  maxLen: number;
  batchSize: number;
  lr: number;
}

/** Every row (train, valid, test) of the users `user ∈ [lo, hi)`. */
function rowsOf(t: SyntheticCtr, lo: number, hi: number): CtrRows {
  const parts = [t.data.train, t.data.valid, t.data.test];
  const idx = parts.map((r) => Array.from({ length: r.length }, (_, k) => k).filter((k) => r.user[k] >= lo && r.user[k] < hi));
  const cat = <T extends Int32Array | Uint8Array>(f: (r: CtrRows) => T, make: (n: number) => T) => {
    const out = make(idx.reduce((n, x) => n + x.length, 0));
    let o = 0;
    parts.forEach((r, p) => idx[p].forEach((k) => (out[o++] = f(r)[k])));
    return out;
  };
  const user = cat((r) => r.user, (n) => new Int32Array(n));
  return { length: user.length, user, item: cat((r) => r.item, (n) => new Int32Array(n)), label: cat((r) => r.label, (n) => new Uint8Array(n)), pos: cat((r) => r.pos, (n) => new Int32Array(n)) };
}

/** Trains `model` on `train`, returns its AUC on `test` (and the auxiliary head's, for IaCN); disposes it. */
function trainAndAuc(t: SyntheticCtr, model: CtrModel, opt: Optimizer, train: CtrRows, test: CtrRows, r: Run): { auc: number; aux: number } {
  const vars = model.variables();
  model.setTraining(true);
  const rng = new Rng(7);
  for (let e = 0; e < r.epochs; e++) for (const b of batchesOf(t, train, r.batchSize, r.maxLen, rng)) opt.step(() => model.loss(b), vars);
  model.setTraining(false);
  const labels: number[] = [];
  const scores: number[] = [];
  const aux: number[] = [];
  for (const b of batchesOf(t, test, 2048, r.maxLen)) {
    const p = model.predict(b);
    scores.push(...p.dataSync());
    p.dispose();
    if (model instanceof IaCN) {
      const a = model.auxLogits(b);
      aux.push(...a.dataSync());
      a.dispose();
    }
    labels.push(...b.labels);
  }
  opt.dispose();
  model.dispose();
  const y = Float32Array.from(labels);
  return { auc: auc(y, Float32Array.from(scores)), aux: aux.length ? auc(y, Float32Array.from(aux)) : NaN };
}

/** The task: the first `trainUsers` users train, the next EVAL_USERS (same item clusters, never seen) evaluate. */
function task(trainUsers: number, attributes: boolean) {
  const t = syntheticCtr({ seed: 3, numUsers: trainUsers + EVAL_USERS, numItems: 300, numClusters: 30, minInterests: 3, maxInterests: 5, minLength: 10, maxLength: 20, embedDim: 8, attributes, profile: false });
  return { t, train: rowsOf(t, 0, trainUsers), test: rowsOf(t, trainUsers, trainUsers + EVAL_USERS) };
}

const iacnDin = (t: SyntheticCtr, seed: number) => new IaCN({ base: 'DIN', baseConfig: { ...t.baseConfig(seed), mlpActivation: 'relu' }, iacn: { interestHidden: [16], delta: 0.5 } });

describeBackends(
  'IaCN synthetic multi-interest',
  () => {
    it('the capsule network learns multi-interest users: its own head and IaCN+DIN predict clicks of unseen users', () => {
      const { t, train, test } = task(150, true);
      const m = iacnDin(t, 1);
      const r = trainAndAuc(t, m, new GradientMixOptimizer(m, new Adam({ lr: 0.01 })), train, test, { epochs: 2, maxLen: 10, batchSize: 64, lr: 0.01 });
      expect(r.aux).toBeGreaterThan(0.65);
      expect(r.auc).toBeGreaterThan(0.65);
    });

    // The paper's claim on this generator, evaluated on 600 unseen users. It needs training to converge: after
    // 3 epochs DIN is still ahead (IaCN+DIN 0.796 / 0.793 vs DIN 0.809 / 0.806, seeds 1, 2), after 8 epochs IaCN+DIN
    // leads (0.834 vs 0.812, seed 1). About 2.5 minutes on a busy machine: run with RECSUITE_SLOW=1.
    slowIt('IaCN+DIN beats DIN on multi-interest users (same features, same seeds; evaluated on unseen users)', () => {
      const { t, train, test } = task(300, true);
      const run = { epochs: 8, maxLen: 15, batchSize: 64, lr: 0.005 };
      const seed = 1;
      const din = trainAndAuc(t, new DIN({ ...t.baseConfig(seed), mlpActivation: 'relu' }), new Adam({ lr: run.lr }), train, test, run).auc;
      const m = iacnDin(t, seed);
      const iacn = trainAndAuc(t, m, new GradientMixOptimizer(m, new Adam({ lr: run.lr })), train, test, run).auc;
      expect(iacn).toBeGreaterThan(din);
    });
  },
  { backends: ['tensorflow'] },
);
