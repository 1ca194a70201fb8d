import * as tf from '@tensorflow/tfjs-core';
import { Adam, Rng } from '@recsuite/core';
import { DIEN } from '@recsuite/baselines';
import { describeBackends, expectClose, expectNoLeak } from '@recsuite/core/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { IacnConfigError } from './config.js';
import { GradientMixOptimizer, denseGradient, disposeGrads, gradientsOf } from './gradientMix.js';
import { IaCN, type IacnBase } from './iacn.js';
import { batchesOf, syntheticCtr } from './testing/syntheticCtr.js';

const task = syntheticCtr({ seed: 11, numUsers: 40 });
const batch = batchesOf(task, task.data.train, 16, 10, new Rng(1))[0];
const make = (base: IacnBase, iacn = {}, seed = 3, over = {}) =>
  new IaCN({ base, baseConfig: { ...task.baseConfig(seed), auxWeight: 0.5, ...over }, iacn: { interestHidden: [8], ...iacn } });

describeBackends('IaCN model', () => {
  it('widens every item embedding the base consumes to [e ‖ ẽ] (DIN, DIEN, WideDeep) and adds only S and the interest MLP', () => {
    for (const base of ['DIN', 'DIEN', 'WideDeep'] as const) {
      const m = make(base);
      expect(m.name).toBe(`IaCN+${base}`);
      expect(m.base.itemDim).toBe(2 * m.itemDim);
      expect(m.itemDim).toBe(8); // d = 4, id + pooled cluster attribute
      expect(m.ownVariables().length).toBe(1 + 4); // S, then two dense layers (W, b)
      const p = m.predict(batch);
      expect(p.shape).toEqual([16]);
      for (const v of p.dataSync()) expect(v > 0 && v < 1).toBe(true);
      p.dispose();
      m.dispose();
    }
  });

  it('evaluation scores are deterministic and independent of the batch; training forwards draw fresh routing logits', () => {
    const m = make('DIN', {}, 3, { mlpActivation: 'relu' }); // no Dice: training forwards leave no running statistics
    const a = m.predict(batch).dataSync();
    const b = m.predict(batch).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const half = batchesOf(task, task.data.train, 16, 10, new Rng(1))[0];
    const sub = { ...half, batchSize: 8, users: half.users.slice(8), items: half.items.slice(8), labels: half.labels.slice(8), history: half.history.slice(80), historyLength: half.historyLength.slice(8), itemAttrs: half.itemAttrs?.slice(8), historyAttrs: half.historyAttrs?.slice(80), userFeatures: { grp: half.userFeatures!.grp.slice(8) } };
    expectClose(m.predict(sub).dataSync(), a.slice(8), 1e-5);
    // the same rows padded further left (a batch cut to a shorter longest history sees the same logits)
    const L = batch.maxLen;
    const A = batch.numAttrSlots ?? 0;
    const history = new Int32Array(16 * (L + 4));
    const historyAttrs = new Int32Array(16 * (L + 4) * A);
    for (let r = 0; r < 16; r++) {
      history.set(batch.history.subarray(r * L, (r + 1) * L), r * (L + 4) + 4);
      if (batch.historyAttrs) historyAttrs.set(batch.historyAttrs.subarray(r * L * A, (r + 1) * L * A), (r * (L + 4) + 4) * A);
    }
    const longer = { ...batch, maxLen: L + 4, history, historyAttrs: batch.historyAttrs ? historyAttrs : undefined };
    expectClose(m.predict(longer).dataSync(), a, 1e-5);
    m.setTraining(true);
    const t1 = m.logits(batch).dataSync();
    const t2 = m.logits(batch).dataSync();
    expect(Array.from(t1)).not.toEqual(Array.from(t2));
    m.setTraining(false);
    expect(Array.from(m.predict(batch).dataSync())).toEqual(Array.from(a));
    m.dispose();
  });

  it('options: candidateOnly, dynamic K, evalDraws, sampled-softmax auxiliary loss; bad settings name the key', () => {
    const c = make('DIN', { candidateOnly: true, dynamicK: true, evalDraws: 3, auxLoss: 'sampledSoftmax' });
    expect(c.base.itemDim).toBe(c.itemDim);
    expect(c.base.mlpExtraDim).toBe(c.itemDim);
    c.setTraining(true);
    const l = c.loss(batch).dataSync()[0];
    expect(Number.isFinite(l)).toBe(true);
    c.setLossPart('aux');
    expect(c.loss(batch).dataSync()[0]).toBeGreaterThan(0);
    c.setLossPart('joint');
    c.dispose();
    expect(() => make('DIN', { delta: 1.5 })).toThrow(IacnConfigError);
    expect(() => make('DIN', { delta: 1.5 })).toThrow(/config\.delta/);
    expect(() => make('DIN', { capsules: 0 })).toThrow(/config\.capsules/);
  });

  it('save/load round trip gives the same scores (every base)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'iacn-'));
    try {
      for (const base of ['DIN', 'DIEN', 'WideDeep'] as const) {
        const m = make(base, { dynamicK: true });
        const opt = new GradientMixOptimizer(m, new Adam({ lr: 0.01 }));
        m.setTraining(true);
        opt.step(() => m.loss(batch), m.variables());
        m.setTraining(false);
        const before = m.predict(batch).dataSync();
        await m.save(path.join(dir, base));
        const back = await IaCN.load(path.join(dir, base));
        expect(back.name).toBe(m.name);
        expectClose(back.predict(batch).dataSync(), before, 1e-6);
        opt.dispose();
        m.dispose();
        back.dispose();
      }
      await expect(IaCN.load(path.join(dir, 'nowhere'))).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no tensor leak per mixed training step or evaluation (DIN, DIEN, WideDeep)', async () => {
    for (const base of ['DIN', 'DIEN', 'WideDeep'] as const) {
      const m = make(base);
      const opt = new GradientMixOptimizer(m, new Adam({ lr: 0.01 }));
      m.setTraining(true);
      opt.step(() => m.loss(batch), m.variables()); // creates the optimizer slots
      await expectNoLeak(() => {
        const v = opt.step(() => m.loss(batch), m.variables());
        expect(Number.isFinite(v)).toBe(true);
      });
      m.setTraining(false);
      await expectNoLeak(() => m.predict(batch));
      opt.dispose();
      m.dispose();
    }
    expect(tf.memory().numTensors).toBeGreaterThan(0);
  });

  it('one forward routes once: IaCN+DIEN reuses the interests for its negative history items, with the same loss and gradients as routing per call', () => {
    const counted = (m: IaCN) => {
      const calls = { n: 0 };
      const f = m.capsules.interests.bind(m.capsules);
      m.capsules.interests = (...a: Parameters<typeof f>) => (calls.n++, f(...a));
      return calls;
    };
    const reused = make('DIEN');
    const separate = make('DIEN'); // same seeds: same weights and routing draws
    Object.defineProperty(separate, 'depth', { get: () => 0, set: () => {} }); // never inside a forward: no reuse
    const [cr, cs] = [counted(reused), counted(separate)];
    const grads = (m: IaCN) => {
      m.setTraining(true);
      m.setLossPart('main');
      const { value, grads: g } = gradientsOf(() => m.loss(batch), m.variables());
      const out = m.variables().map((v) => {
        const x = g.get(v);
        if (!x) return null;
        return tf.tidy(() => denseGradient(v, x).dataSync() as Float32Array);
      });
      disposeGrads(g);
      return { loss: value, g: out };
    };
    const a = grads(reused);
    const b = grads(separate);
    expect([cr.n, cs.n]).toEqual([1, 2]); // history + candidate, then the negatives: routed again only without reuse
    expectClose([a.loss], [b.loss], 1e-6);
    expect(a.g.map((x) => x === null)).toEqual(b.g.map((x) => x === null));
    expect(a.g.filter((x) => x !== null).length).toBeGreaterThan(10);
    a.g.forEach((x, k) => x && expectClose(x, b.g[k]!, 1e-5));
    reused.dispose();
    separate.dispose();
  });
});

describeBackends('IaCN lifetime', () => {
  it('construct + dispose leaves nothing behind beyond the base model’s own leftovers', () => {
    const before = tf.memory().numTensors;
    new DIEN({ ...task.baseConfig(3), auxWeight: 0.5 }).dispose();
    const baseLeft = tf.memory().numTensors - before; // measured, not IaCN's (reported upstream)
    const mid = tf.memory().numTensors;
    make('DIEN').dispose();
    expect(tf.memory().numTensors - mid).toBe(baseLeft);
  });
});
