import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@recsuite/core';
import { describeBackends, expectClose, expectNoLeak } from '@recsuite/core/test';
import { SASRec } from '@recsuite/baselines';
import { describe, expect, it } from 'vitest';
import { IPG, guidanceMetrics, hrAtK, hrAtKOfficial, ioiAtK, ioiAtKOfficial, ipgGain, ipgScores, l2Normalize, sasrecBackbone, type Trajectory } from '../src/index.js';

const rand = (shape: number[], seed: number) => {
  const r = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => r.normal());
};

describeBackends('IPG scores', () => {
  it('the ranking is invariant to γ (γ only scales g by 1 − γ)', () => {
    const h = tf.tensor2d(rand([5, 6], 1), [5, 6]);
    const items = tf.tensor2d(rand([40, 6], 2), [40, 6]);
    const ej = tf.tensor1d(rand([6], 3));
    const s = [0, 0.3, 0.5, 0.9].map((gamma) => ipgScores(h, items, ej, { form: 'paper', gamma }));
    const order = (t: tf.Tensor2D) => Array.from(tf.topk(t, 40).indices.dataSync());
    for (const t of s) expect(order(t)).toEqual(order(s[0]));
    const ratio = tf.div(s[3], s[1]).dataSync();
    for (const r of ratio) expect(r).toBeCloseTo(0.1 / 0.7, 4);
    tf.dispose([h, items, ej, ...s]);
  });

  it('the paper form on L2-normalised vectors equals the cos form up to p̂', () => {
    const h = tf.tensor2d(rand([4, 8], 4), [4, 8]);
    const items = tf.tensor2d(rand([25, 8], 5), [25, 8]);
    const ej = tf.tensor1d(rand([8], 6));
    const gamma = 0.25;
    const hn = l2Normalize(h);
    const itn = l2Normalize(items);
    const ejn = tf.reshape(l2Normalize(tf.reshape(ej, [1, 8]) as tf.Tensor2D), [8]) as tf.Tensor1D;
    const paperOnUnit = tf.div(ipgGain(hn, itn, ejn, { form: 'paper', gamma }), 1 - gamma);
    const cos = ipgGain(h, items, ej, { form: 'cos' });
    expectClose(paperOnUnit, cos);
    // the full scores differ only in p̂, which both compute from the raw vectors
    const pHat = tf.sigmoid(tf.matMul(h, items, false, true));
    expectClose(ipgScores(h, items, ej, { form: 'cos' }), tf.mul(pHat, paperOnUnit));
    // hand-computed entry
    const H = h.arraySync()[0];
    const E = items.arraySync()[3];
    const J = Array.from(ej.dataSync());
    const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
    const cosv = (a: number[], b: number[]) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    const expected = (1 / (1 + Math.exp(-dot(H, E)))) * (cosv(E, J) - cosv(H, J));
    expect(ipgScores(h, items, ej, { form: 'cos' }).arraySync()[0][3]).toBeCloseTo(expected, 4);
    const paper = (1 / (1 + Math.exp(-dot(H, E)))) * (1 - gamma) * (dot(J, E) - dot(J, H));
    expect(ipgScores(h, items, ej, { form: 'paper', gamma }).arraySync()[0][3]).toBeCloseTo(paper, 3);
    tf.dispose([h, items, ej, hn, itn, ejn, paperOnUnit, cos, pHat]);
  });

  it('rejects a γ outside [0, 1) and an unknown form', () => {
    const h = tf.zeros([1, 2]) as tf.Tensor2D;
    const e = tf.zeros([3, 2]) as tf.Tensor2D;
    const j = tf.zeros([2]) as tf.Tensor1D;
    expect(() => ipgGain(h, e, j, { form: 'paper', gamma: 1 })).toThrow(/config\.gamma/);
    expect(() => ipgGain(h, e, j, { form: 'dot' as 'cos' })).toThrow(/config\.form/);
    tf.dispose([h, e, j]);
  });

  it('IPG.recommend is the argmax of scoreAll without excluded items, and leaks nothing', async () => {
    const model = new SASRec({ numItems: 30, maxLen: 8, dim: 8, blocks: 1, heads: 2, dropout: 0, seed: 3 });
    const ipg = new IPG(sasrecBackbone(model), { form: 'cos' });
    const histories = [[1, 2, 3], [], [7, 7, 9, 4, 5, 6, 11, 12, 13, 14]];
    const exclude = [[], [5], [2, 3]];
    const recs = await expectNoLeak(() => ipg.recommend(histories, 17, 3, { exclude }));
    for (let b = 0; b < histories.length; b++) {
      const h = histories[b].slice(-8);
      const seqs = new Int32Array(8);
      seqs.set(h, 8 - h.length);
      const s = ipg.scoreAll({ users: Int32Array.of(b), seqs, batchSize: 1, maxLen: 8 }, 17);
      const row = Array.from(s.dataSync());
      s.dispose();
      expect(row[0]).toBe(-Infinity);
      const order = row.map((v, i) => [v, i]).filter(([, i]) => i > 0 && !exclude[b].includes(i)).sort((a, c) => c[0] - a[0]);
      expect(recs[b]).toEqual(order.slice(0, 3).map(([, i]) => i));
    }
    await expect(ipg.recommend(histories, 31, 1)).rejects.toThrow(/target 31/);
    model.dispose();
  });
});

describe('guidance metrics on a hand-made trajectory', () => {
  // 2 targets, 3 rounds, 4 users
  const tr: Trajectory = {
    targets: Int32Array.of(5, 9),
    rounds: 3,
    numUsers: 4,
    affinity: Float64Array.of(0.1, 0.2, 0.35, 0.5, /* target 9 */ -0.2, -0.2, -0.1, 0.0),
    clicks: Int32Array.of(2, 1, 4, /* target 9 */ 0, 3, 3),
  };

  it('IoI@K: affinity after K rounds minus before round 1, averaged over targets', () => {
    expect(ioiAtK(tr, 1)).toBeCloseTo((0.1 + 0) / 2, 12);
    expect(ioiAtK(tr, 2)).toBeCloseTo((0.25 + 0.1) / 2, 12);
    expect(ioiAtK(tr, 3)).toBeCloseTo((0.4 + 0.2) / 2, 12);
  });

  it('IoI@K (official): after K − 1 rounds', () => {
    expect(ioiAtKOfficial(tr, 1)).toBe(0);
    expect(ioiAtKOfficial(tr, 3)).toBeCloseTo((0.25 + 0.1) / 2, 12);
  });

  it('HR@K: click rate over the first K rounds', () => {
    expect(hrAtK(tr, 1)).toBeCloseTo((2 + 0) / 8, 12);
    expect(hrAtK(tr, 2)).toBeCloseTo((2 + 1 + 0 + 3) / 16, 12);
    expect(hrAtK(tr, 3)).toBeCloseTo(13 / 24, 12);
  });

  it('HR@K (official): the all-round click rate of the first K targets', () => {
    expect(hrAtKOfficial(tr, 1)).toBeCloseTo(7 / 12, 12);
    expect(hrAtKOfficial(tr, 2)).toBeCloseTo(13 / 24, 12);
    expect(() => hrAtKOfficial(tr, 3)).toThrow(/config\.K/);
  });

  it('guidanceMetrics names every value, official variants labelled', () => {
    const m = guidanceMetrics(tr, [1, 3]);
    expect(Object.keys(m).sort()).toEqual(['HR@1', 'HR@1 (official)', 'HR@3', 'IoI@1', 'IoI@1 (official)', 'IoI@3', 'IoI@3 (official)'].sort());
    expect(() => ioiAtK(tr, 4)).toThrow(/config\.K/);
  });
});

describeBackends('SASRec backbone', () => {
  it('the last-block shortcut equals SASRec.userVector (any padding, empty histories included) and leaks nothing', async () => {
    const model = new SASRec({ numItems: 50, maxLen: 10, dim: 16, blocks: 3, heads: 4, dropout: 0.3, seed: 11 });
    const r = new Rng(2);
    const B = 6;
    const L = 10;
    const seqs = new Int32Array(B * L);
    for (let b = 0; b < B; b++) {
      const n = b === 0 ? 0 : b === 1 ? L : 1 + r.int(L);
      for (let t = L - n; t < L; t++) seqs[b * L + t] = 1 + r.int(50);
    }
    const batch = { users: new Int32Array(B), seqs, batchSize: B, maxLen: L };
    const fast = await expectNoLeak(() => {
      const v = sasrecBackbone(model).userVector(batch);
      const a = v.arraySync();
      v.dispose();
      return a;
    });
    const full = model.userVector(batch);
    expectClose(fast.flat(), full);
    full.dispose();
    // a shorter batch of the same histories gives the same vectors (padding is ignored)
    const short = { users: Int32Array.of(0), seqs: seqs.slice(5 * L + L - 4), batchSize: 1, maxLen: 4 };
    if (seqs[5 * L + L - 5] === 0) {
      const v = sasrecBackbone(model).userVector(short);
      expectClose(v.dataSync(), fast[5]);
      v.dispose();
    }
    expect(() => sasrecBackbone(model).userVector({ ...batch, seqs: seqs.map((x) => (x === 0 ? 0 : 51)) })).toThrow(/is 51/);
    model.dispose();
  });
});
