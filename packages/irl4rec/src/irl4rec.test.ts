import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Adam, Rng, spuriousPropertyData, trainSequenceBatches, type SeqBatch } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { describe, expect, it } from 'vitest';
import { IRL4REC_DEFAULTS, irl4recConfig } from './config.js';
import { Irl4Rec } from './irl4rec.js';
import { SASRec } from '@recsuite/baselines';
import type { BackboneKind, Irl4RecConfig } from './config.js';

const N = 20;
const data = spuriousPropertyData({ numUsers: 12, numItems: N, numClusters: 2, seed: 7 });
const attrs = Array.from(data.itemProperty, (v, i) => (i === 0 ? 0 : v ? 1 : 2));
const trainBatch = (nNeg = 2): SeqBatch => trainSequenceBatches(data.train, { maxLen: 6, batchSize: 6, numItems: N, rng: new Rng(3), numNegatives: nNeg }).next().value!;
const evalBatch: SeqBatch = { users: Int32Array.of(0, 1), seqs: Int32Array.of(0, 0, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6), batchSize: 2, maxLen: 6 };
const small = (backbone: BackboneKind, extra: Partial<Irl4RecConfig> = {}) =>
  new Irl4Rec({ numItems: N, backbone, maxLen: 6, dim: 8, blocks: 1, heads: 1, seed: 5, ...extra });

describe('Irl4Rec config', () => {
  it('fills defaults and names a bad key', () => {
    const c = irl4recConfig({ numItems: 5 });
    expect(c).toEqual({ ...IRL4REC_DEFAULTS, numItems: 5, confounderDim: 64 });
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(() => irl4recConfig({ numItems: 5, alpha: 2 })).toThrow(/Irl4Rec config.alpha must be a number in \[0, 1\], got 2/);
    expect(() => irl4recConfig({ numItems: 5, backbone: 'lstm' as 'sasrec' })).toThrow(/config.backbone/);
    expect(() => irl4recConfig({ numItems: 5, itemSide: 'shared', confounderDim: 3 })).toThrow(/config.confounderDim must be equal to dim/);
    expect(() => irl4recConfig({ numItems: 5, confounder: 'attributes' })).toThrow(/config.numAttributes/);
    expect(() => irl4recConfig({ numItems: 2, confounder: 'attributes', numAttributes: 1, itemAttributes: [0, 1, 4] })).toThrow(/item 2 has 4/);
    expect(() => irl4recConfig({ numItems: 5, confounder: 'none', independence: 'hsic' })).toThrow(/config.independence/);
    expect(() => irl4recConfig({ numItems: 5, confounder: 'none', testScore: 'joint' })).toThrow(/config.testScore must be 'adjustment' when confounder is 'none'/);
    expect(() => irl4recConfig({ numItems: 5, adjustmentHead: 'mlp' as 'linear' })).toThrow(/config.adjustmentHead must be one of 'linear', 'identity', got "mlp"/);
  });
});

describeBackends(
  'Irl4Rec',
  () => {
    for (const backbone of ['sasrec', 'gru4rec', 'bert4rec'] as const) {
      it(`${backbone}: shapes of loss, score, scoreAll; training steps leak nothing`, async () => {
        const m = small(backbone, { sigma: backbone === 'gru4rec' ? 'learned' : 0.1 });
        const b = trainBatch();
        const opt = new Adam({ lr: 0.01 });
        m.setTraining(true);
        const l0 = opt.step(() => m.loss(b), m.variables());
        expect(Number.isFinite(l0)).toBe(true);
        const before = tf.memory().numTensors;
        opt.step(() => m.loss(b), m.variables());
        expect(tf.memory().numTensors).toBe(before);
        m.setTraining(false);
        const all = m.scoreAll(evalBatch);
        expect(all.shape).toEqual([2, N + 1]);
        const cand = tf.tensor2d([[1, 5, 9], [2, 4, 20]], [2, 3], 'int32');
        const sc = m.score(evalBatch, cand);
        expect(sc.shape).toEqual([2, 3]);
        const a = all.arraySync();
        expectClose(sc, [a[0][1], a[0][5], a[0][9], a[1][2], a[1][4], a[1][20]], 1e-4);
        const rec = await m.recommend([3, 4, 5], 5);
        expect(rec).toHaveLength(5);
        expect(rec.some((i) => i === 0 || i === 3 || i === 4 || i === 5)).toBe(false);
        tf.dispose([all, cand, sc]);
        opt.dispose();
        m.dispose();
      });
    }

    for (const backbone of ['sasrec', 'gru4rec', 'bert4rec'] as const) {
      it(`${backbone}: adjustmentHead identity scores with the backbone's own state (μ_t = h), trains without the mean layer`, () => {
        const m = small(backbone, { adjustmentHead: 'identity', confounder: 'none' });
        const mean = m.adjustment.muLayer.variables();
        const trained = new Set(m.variables());
        expect(mean.some((v) => trained.has(v))).toBe(false);
        const opt = new Adam({ lr: 0.01 });
        m.setTraining(true);
        opt.step(() => m.loss(trainBatch()), m.variables());
        const before = tf.memory().numTensors;
        opt.step(() => m.loss(trainBatch()), m.variables());
        expect(tf.memory().numTensors).toBe(before);
        m.setTraining(false);
        // the backbone's baseline model scores ⟨h, e⟩ with the same encoder and item table (BERT4Rec: its head too,
        // plus an output bias that Irl4Rec does not use, which is still at its initial 0)
        const ours = m.scoreAll(evalBatch);
        const base = m.backbone.model.scoreAll(evalBatch);
        expectClose(ours, base.arraySync().flat(), 1e-4);
        // the linear head gives other scores from the same weights
        const lin = small(backbone, { confounder: 'none' });
        const other = lin.scoreAll(evalBatch);
        const plain = lin.backbone.model.scoreAll(evalBatch);
        expect(Math.max(...other.dataSync().map((x, i) => Math.abs(x - plain.dataSync()[i])))).toBeGreaterThan(1e-3);
        tf.dispose([ours, base, other, plain]);
        opt.dispose();
        m.dispose();
        lin.dispose();
      });
    }

    for (const confounder of ['parallel', 'head', 'attributes'] as const) {
      it(`test-time scores do not depend on the confounder branch (${confounder})`, () => {
        const m = small('sasrec', { confounder, itemAttributes: attrs, numAttributes: 2 });
        // train a little so the branches are coupled through the shared loss
        const opt = new Adam({ lr: 0.01 });
        m.setTraining(true);
        opt.step(() => m.loss(trainBatch()), m.variables());
        m.setTraining(false);
        const before = m.scoreAll(evalBatch);
        const lossBefore = tf.tidy(() => m.loss(trainBatch()).dataSync()[0]);
        const conf = m.confounderVariables();
        expect(conf.length).toBeGreaterThan(0);
        const rng = new Rng(9);
        for (const v of conf) tf.tidy(() => v.assign(tf.add(v, tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', rng.nextU32()), 3))));
        const after = m.scoreAll(evalBatch);
        expectClose(after, Array.from(before.dataSync()), 0);
        // the training objective does see the branch
        const lossAfter = tf.tidy(() => m.loss(trainBatch()).dataSync()[0]);
        expect(Math.abs(lossAfter - lossBefore)).toBeGreaterThan(1e-3);
        tf.dispose([before, after]);
        opt.dispose();
        m.dispose();
      });
    }

    for (const [backbone, confounder] of [['sasrec', 'attributes'], ['bert4rec', 'attributes'], ['gru4rec', 'parallel'], ['sasrec', 'head']] as const) {
      it(`the joint control adds ⟨s, e^s⟩ to the test score, and it depends on the branch (${backbone}, ${confounder})`, () => {
        const cfg = { confounder, itemAttributes: attrs, numAttributes: 2 };
        const adj = small(backbone, cfg);
        const joint = small(backbone, { ...cfg, testScore: 'joint' });
        const a = adj.scoreAll(evalBatch);
        const j = joint.scoreAll(evalBatch);
        expect(j.shape).toEqual([2, N + 1]);
        // ⟨s, e^s_i⟩ from the branch's parts, by hand
        const extra = tf.tidy(() => {
          const input = joint.backbone.queryInput(evalBatch);
          const hs = joint.attributeBranch
            ? (tf.squeeze(tf.slice(joint.attributeBranch.encode(input), [0, input.maxLen - 1, 0], [-1, 1, -1]), [1]) as tf.Tensor2D)
            : joint.confounderBackbone
              ? joint.confounderBackbone.query(input)
              : joint.backbone.query(input);
          const sv = joint.confounderHead!.apply(hs) as tf.Tensor2D;
          const ids = Int32Array.from({ length: N + 1 }, (_, i) => i);
          const es = (joint.attributeBranch ? joint.attributeBranch.items(ids) : joint.confounderItems!.table) as tf.Tensor2D;
          return tf.add(a, tf.matMul(sv, es, false, true));
        });
        expectClose(j, Array.from(extra.dataSync()), 1e-4);
        const conf = joint.confounderVariables();
        const rng = new Rng(9);
        for (const v of conf) tf.tidy(() => v.assign(tf.add(v, tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', rng.nextU32()), 3))));
        const moved = joint.scoreAll(evalBatch);
        expect(Math.max(...Array.from(tf.tidy(() => tf.abs(tf.sub(moved, j))).dataSync()))).toBeGreaterThan(1e-3);
        tf.dispose([a, j, extra, moved]);
        adj.dispose();
        joint.dispose();
      });
    }

    it("rankingLoss 'ce': with an identity adjustment head, σ = 0 and no confounder, L(t) is the backbone's own full-softmax loss", () => {
      const m = small('sasrec', { rankingLoss: 'ce', confounder: 'none', sigma: 0, beta: 0, dropout: 0 });
      const ref = new SASRec({ numItems: N, maxLen: 6, dim: 8, blocks: 1, heads: 1, dropout: 0, seed: 5, loss: 'ce' });
      // same seed, same backbone weights; make μ_t = h
      for (const [k, v] of Object.entries(ref.namedVariables())) expect(Array.from(m.backbone.model.namedVariables()[k].dataSync())).toEqual(Array.from(v.dataSync()));
      const [w, b] = m.adjustment.muLayer.variables();
      w.assign(tf.eye(8));
      b.assign(tf.zeros(b.shape));
      m.setTraining(true);
      ref.setTraining(true);
      const batch = trainBatch();
      const terms = m.objective(batch);
      const want = ref.loss(batch);
      expectClose(terms.lt, [want.dataSync()[0]], 1e-5);
      expectClose(terms.total, [want.dataSync()[0]], 1e-5);
      tf.dispose([...Object.values(terms), want]);
      m.dispose();
      ref.dispose();
    });

    for (const backbone of ['bert4rec', 'gru4rec'] as const) {
      it(`rankingLoss 'ce' (${backbone}, attribute branch): finite terms near ln N at initialisation, trains, leaks nothing`, () => {
        const m = small(backbone, { rankingLoss: 'ce', confounder: 'attributes', itemAttributes: attrs, numAttributes: 2, gamma: 0.05 });
        m.setTraining(true);
        const terms = m.objective(trainBatch());
        for (const t of Object.values(terms)) expect(Number.isFinite(t.dataSync()[0])).toBe(true);
        // near initialisation every score set is close to uniform: each loss is close to ln N
        for (const t of [terms.lt, terms.lts, terms.ls]) expect(Math.abs(t.dataSync()[0] - Math.log(N))).toBeLessThan(0.5);
        tf.dispose(Object.values(terms));
        const opt = new Adam({ lr: 0.01 });
        const l0 = opt.step(() => m.loss(trainBatch()), m.variables());
        const before = tf.memory().numTensors;
        let l = l0;
        for (let i = 0; i < 20; i++) l = opt.step(() => m.loss(trainBatch()), m.variables());
        expect(tf.memory().numTensors).toBe(before);
        expect(l).toBeLessThan(l0);
        opt.dispose();
        m.dispose();
      });
    }

    it('runs with CLUB and the shared item side, leaking nothing', () => {
      const m = small('sasrec', { confounder: 'parallel', independence: 'club', itemSide: 'shared', independenceSign: -1 });
      const opt = new Adam({ lr: 0.01 });
      m.setTraining(true);
      opt.step(() => m.loss(trainBatch()), m.variables());
      const before = tf.memory().numTensors;
      const l = opt.step(() => m.loss(trainBatch()), m.variables());
      expect(Number.isFinite(l)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      expect(m.variables()).toEqual(expect.arrayContaining(m.club!.variables()));
      opt.dispose();
      m.dispose();
    });

    it('save/load round trip gives the same scores and config; a wrong directory is rejected', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'irl4rec-'));
      try {
        const m = small('bert4rec', { confounder: 'attributes', itemAttributes: attrs, numAttributes: 2, independence: 'club' });
        const opt = new Adam({ lr: 0.01 });
        m.setTraining(true);
        opt.step(() => m.loss(trainBatch()), m.variables());
        m.setTraining(false);
        await m.save(path.join(dir, 'm'));
        const l = await Irl4Rec.load(path.join(dir, 'm'));
        expect(l.config).toEqual(m.config);
        const a = m.scoreAll(evalBatch);
        const b = l.scoreAll(evalBatch);
        expectClose(b, Array.from(a.dataSync()), 1e-6);
        const nm = m.namedVariables();
        const nl = l.namedVariables();
        expect(Object.keys(nl)).toEqual(Object.keys(nm));
        for (const k of Object.keys(nm)) expectClose(nl[k], Array.from(nm[k].dataSync()), 0);
        await expect(Irl4Rec.load(path.join(dir, 'missing'))).rejects.toThrow();
        tf.dispose([a, b]);
        opt.dispose();
        m.dispose();
        l.dispose();
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('rejects bad batches with the field named', () => {
      const m = small('sasrec');
      expect(() => m.scoreAll({ ...evalBatch, seqs: Int32Array.of(0, 0, 3, 4, 5, 99, 1, 2, 3, 4, 5, 6) })).toThrow(/batch.seqs\[5\] \(row 0, position 5\) is 99/);
      expect(() => m.loss({ ...trainBatch(), negatives: undefined })).toThrow(/batch.negatives is required/);
      m.dispose();
    });
  },
  { backends: ['tensorflow'] },
);
