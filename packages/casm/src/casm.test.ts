import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '@recsuite/core';
import { describeBackends, expectClose, expectNoLeak } from '@recsuite/core/test';
import { SASRec } from '@recsuite/baselines';
import { expect, it } from 'vitest';
import type { BehaviourBatch } from './batch.js';
import { CASM } from './casm.js';
import { CASMConfigError, variantConfig } from './config.js';

const BEH = ['pos', 'neutral', 'neg'];
const base = { numItems: 20, behaviours: BEH, targetBehaviour: 'pos', dim: 8, maxLen: 6, dropout: 0.3, seed: 3 };

/** Two rows of L = 6: row 0 has 4 events, row 1 has 6. */
function batch(L = 6): BehaviourBatch {
  const rows = [
    { items: [3, 7, 7, 12], beh: [1, 0, 2, 0] },
    { items: [1, 2, 3, 4, 5, 6], beh: [0, 0, 1, 2, 0, 1] },
  ];
  const seqs = new Int32Array(2 * L);
  const behaviours = new Int32Array(2 * L).fill(2); // padding codes are arbitrary: must not matter
  rows.forEach((r, b) => {
    const n = Math.min(L, r.items.length);
    for (let j = 0; j < n; j++) {
      seqs[b * L + L - n + j] = r.items[r.items.length - n + j];
      behaviours[b * L + L - n + j] = r.beh[r.items.length - n + j];
    }
  });
  return { users: Int32Array.of(0, 1), seqs, behaviours, batchSize: 2, maxLen: L };
}

/** A training batch: targets = next item, one negative per position. */
function trainBatch(): BehaviourBatch {
  const b = batch();
  const targets = new Int32Array(12);
  const targetBehaviours = new Int32Array(12);
  const negatives = new Int32Array(12);
  for (let i = 0; i < 12; i++) {
    if (b.seqs[i] === 0) continue;
    targets[i] = ((b.seqs[i] + 5) % 20) + 1;
    targetBehaviours[i] = i % 3;
    negatives[i] = ((b.seqs[i] + 11) % 20) + 1;
  }
  return { ...b, targets, targetBehaviours, negatives };
}

describeBackends('CASM', () => {
  it('has the shapes of the contract and names its variants', () => {
    const m = new CASM(base);
    try {
      const b = batch();
      const h = m.encode(b);
      expect(h.shape).toEqual([2, 6, 8]);
      const cand = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'int32');
      const s = m.score(b, cand);
      expect(s.shape).toEqual([2, 4]);
      const all = m.scoreAll(b);
      expect(all.shape).toEqual([2, 21]);
      // score() is scoreAll() at the candidates: every candidate scored with the target behaviour.
      const allV = all.arraySync();
      const sV = s.arraySync();
      const cV = cand.arraySync();
      for (let r = 0; r < 2; r++) for (let c = 0; c < 4; c++) expectClose(sV[r][c], allV[r][cV[r][c]]);
      tf.dispose([h, cand, s, all]);
      expect(m.name).toBe('CASM');
      expect(m.variables().length).toBe(1 + 2 + 2 + 1 + 12 + 2); // items, context (2), fusion (2), positions, block (6 + 4 + 2), final LN
    } finally {
      m.dispose();
    }
    const names = (['CASM', 'CASM:no-context', 'CASM:uniform-weights'] as const).map((v) => {
      const x = new CASM({ ...base, ...variantConfig(v) });
      const n = x.name;
      const k = x.fusion.kernel.shape[0];
      x.dispose();
      return [n, k];
    });
    expect(names).toEqual([
      ['CASM', 16],
      ['CASM:no-context', 8],
      ['CASM:uniform-weights', 16],
    ]);
    const s = new CASM({ ...base, block: 'sasrec' });
    expect(s.name).toBe('CASM:sasrec-block');
    s.dispose();
  });

  it('padding never changes a score: more left padding, other padding codes, other items beyond maxLen', () => {
    const m = new CASM(base);
    try {
      const cand = tf.tensor2d([4, 9, 12, 1, 2, 3], [2, 3], 'int32');
      const a = m.score(batch(6), cand).arraySync();
      // Same histories at L = 6 with different codes on padded positions.
      const b6 = batch(6);
      for (let i = 0; i < b6.seqs.length; i++) if (b6.seqs[i] === 0) b6.behaviours[i] = 0;
      const b = m.score(b6, cand).arraySync();
      expectClose(b.flat(), a.flat());
      // Row 0 alone at L = 4 (no padding): the same scores as with 2 padded slots.
      const short: BehaviourBatch = { users: Int32Array.of(0), seqs: Int32Array.of(3, 7, 7, 12), behaviours: Int32Array.of(1, 0, 2, 0), batchSize: 1, maxLen: 4 };
      const c0 = tf.tensor2d([4, 9, 12], [1, 3], 'int32');
      const c = m.score(short, c0).arraySync();
      expectClose(c[0], a[0]);
      tf.dispose([cand, c0]);
    } finally {
      m.dispose();
    }
  });

  it('behaviours matter with context and not without; the target behaviour scores candidates', () => {
    const withCtx = new CASM(base);
    const noCtx = new CASM({ ...base, ...variantConfig('CASM:no-context') });
    try {
      const b = batch();
      const flipped = { ...b, behaviours: b.behaviours.map((x) => (x + 1) % 3) };
      const s1 = withCtx.scoreAll(b);
      const s2 = withCtx.scoreAll(flipped);
      expect(tf.max(tf.abs(tf.sub(s1, s2))).dataSync()[0]).toBeGreaterThan(1e-6);
      const n1 = noCtx.scoreAll(b);
      const n2 = noCtx.scoreAll(flipped);
      expectClose(n1.dataSync(), n2.dataSync());
      // scoreAll = ⟨F_last, T(i, pos)⟩ with T from targetVectors.
      const ids = Int32Array.from({ length: 21 }, (_, i) => i);
      const t = withCtx.targetVectors(ids, new Int32Array(21).fill(withCtx.targetCode));
      const u = withCtx.userVector(b);
      const manual = tf.matMul(u, t, false, true);
      expectClose(s1.dataSync(), manual.dataSync());
      tf.dispose([s1, s2, n1, n2, t, u, manual]);
    } finally {
      withCtx.dispose();
      noCtx.dispose();
    }
  });

  it('loss: training-time context (negative scored with the positive behaviour), α on the positive term only', () => {
    const m = new CASM({ ...base, dropout: 0 });
    try {
      const b = trainBatch();
      const loss = m.loss(b).dataSync()[0];
      // By hand: F_t at target positions, T(pos, b_pos), T(neg, b_pos).
      const h = m.encode(b).arraySync() as number[][][];
      const alpha = [0.9, 0.1, 0.0];
      let sum = 0;
      let M = 0;
      for (let i = 0; i < 12; i++) {
        if (b.targets![i] === 0) continue;
        const bt = b.targetBehaviours![i];
        const tv = m.targetVectors(Int32Array.of(b.targets![i], b.negatives![i]), Int32Array.of(bt, bt));
        const [tp, tn] = tv.arraySync();
        tv.dispose();
        const f = h[Math.floor(i / 6)][i % 6];
        const sp = f.reduce((a, x, k) => a + x * tp[k], 0);
        const sn = f.reduce((a, x, k) => a + x * tn[k], 0);
        sum += alpha[bt] * Math.log1p(Math.exp(-sp)) + Math.log1p(Math.exp(sn));
        M++;
      }
      expectClose(loss, sum / M);
      // Scoring the negative with another behaviour changes the loss (the context is really used there).
      const other = new CASM({ ...base, dropout: 0, uniformWeights: true });
      expect(Math.abs(other.loss(b).dataSync()[0] - loss)).toBeGreaterThan(1e-6);
      other.dispose();
    } finally {
      m.dispose();
    }
  });

  it('trains without leaking tensors and lowers the loss; deterministic under a seed', async () => {
    const run = async () => {
      const m = new CASM(base);
      const opt = new Adam({ lr: 0.01, beta2: 0.98 });
      const b = trainBatch();
      const losses: number[] = [];
      m.setTraining(true);
      losses.push(opt.step(() => m.loss(b), m.variables())); // creates the optimizer's slots
      await expectNoLeak(() => {
        for (let s = 1; s < 20; s++) losses.push(opt.step(() => m.loss(b), m.variables()));
      });
      m.setTraining(false);
      const scores = m.scoreAll(batch());
      const out = Array.from(scores.dataSync());
      scores.dispose();
      opt.dispose();
      m.dispose();
      return { losses, out };
    };
    const a = await run();
    const b = await run();
    expect(a.losses[19]).toBeLessThan(a.losses[0]);
    expect(b.losses).toEqual(a.losses);
    expect(b.out).toEqual(a.out);
  });

  it('without context, with the SASRec block and W_f = I, it is exactly SASRec (same weights, same scores)', () => {
    const s = new SASRec({ numItems: 20, maxLen: 6, dim: 8, blocks: 1, seed: 1 });
    const m = new CASM({ ...base, context: false, block: 'sasrec', seed: 2 });
    try {
      const v = m.namedVariables();
      m.items.table.assign(s.encoder.items.table);
      v.positions.assign(s.encoder.positions.table);
      v['fusion.kernel'].assign(tf.eye(8) as tf.Tensor2D);
      const sb = s.encoder.blocks[0].variables();
      m.blocks[0].variables().forEach((x, k) => x.assign(sb[k]));
      const fl = s.encoder.finalLn!.variables();
      m.finalLn.variables().forEach((x, k) => x.assign(fl[k]));
      const b = batch();
      const a = s.scoreAll(b);
      const c = m.scoreAll(b);
      expectClose(c.dataSync(), a.dataSync());
      tf.dispose([a, c]);
    } finally {
      s.dispose();
      m.dispose();
    }
  });

  it('save/load round trip gives the same scores', async () => {
    const m = new CASM({ ...base, block: 'sasrec' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casm-'));
    try {
      // Move the weights off their initial values first.
      const opt = new Adam({ lr: 0.01 });
      m.setTraining(true);
      for (let s = 0; s < 3; s++) opt.step(() => m.loss(trainBatch()), m.variables());
      m.setTraining(false);
      opt.dispose();
      await m.save(path.join(dir, 'model'));
      const back = await CASM.load(path.join(dir, 'model'));
      try {
        expect(back.name).toBe(m.name);
        expect(back.config).toEqual(m.config);
        const s1 = m.scoreAll(batch());
        const s2 = back.scoreAll(batch());
        expect(Array.from(s2.dataSync())).toEqual(Array.from(s1.dataSync()));
        tf.dispose([s1, s2]);
        expect(await back.recommend([3, 7], 5, { behaviours: ['neutral', 'pos'] })).toEqual(await m.recommend([3, 7], 5, { behaviours: ['neutral', 'pos'] }));
      } finally {
        back.dispose();
      }
    } finally {
      m.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recommend leaves out items seen under the target behaviour only', async () => {
    const m = new CASM(base);
    try {
      const all = await m.recommend([3, 7, 12], 20, { behaviours: ['pos', 'neutral', 'neg'] });
      expect(all).not.toContain(3);
      expect(all).toContain(7);
      expect(all).toContain(12);
      expect(all).not.toContain(0);
      expect(all.length).toBe(19);
      const plain = await m.recommend([3, 7, 12], 20);
      expect(plain.length).toBe(17);
      const seen = await m.recommend([3], 21, { includeSeen: true });
      expect(seen).toContain(3);
      await expect(m.recommend([3], 5, { behaviours: ['like'] })).rejects.toThrow(/behaviours\[0\] is "like"/);
      await expect(m.recommend([25], 5)).rejects.toThrow(/history\[0\] is 25/);
    } finally {
      m.dispose();
    }
  });
});

it('rejects bad configurations and behaviour codes before training', () => {
  expect(() => new CASM({ ...base, targetBehaviour: 'buy' })).toThrow(CASMConfigError);
  expect(() => new CASM({ ...base, targetBehaviour: 'buy' })).toThrow(/config\.targetBehaviour/);
  expect(() => new CASM({ ...base, alpha: { pos: 1, neutral: 0.5 } })).toThrow(/config\.alpha\.neg must be a finite number >= 0/);
  expect(() => new CASM({ ...base, alpha: { pos: 1, neutral: 0.5, neg: 0, like: 1 } })).toThrow(/config\.alpha\.like/);
  expect(() => new CASM({ ...base, behaviours: ['a', 'b'], targetBehaviour: 'a' })).toThrow(/config\.alpha .*no default/);
  expect(() => new CASM({ ...base, behaviours: ['pos', 'pos'] })).toThrow(/without duplicates/);
  expect(() => new CASM({ ...base, dim: 8, heads: 3 })).toThrow(/config\.heads/);
  expect(() => new CASM({ ...base, dropout: 1 })).toThrow(/config\.dropout/);
  const retail = new CASM({ numItems: 5, behaviours: ['view', 'cart', 'fav', 'buy'], targetBehaviour: 'buy', dim: 4, maxLen: 3 });
  expect(retail.config.alpha).toEqual({ buy: 0.3, cart: 0.3, fav: 0.2, view: 0.2 });
  const b: BehaviourBatch = { users: Int32Array.of(0), seqs: Int32Array.of(0, 1, 2), behaviours: Int32Array.of(9, 3, 4), batchSize: 1, maxLen: 3 };
  expect(() => retail.scoreAll(b)).toThrow(/batch\.behaviours\[2\] \(row 0, position 2\) is 4, expected a behaviour code in \[0, 3\]/);
  b.behaviours[2] = 1; // position 0 is padding: its code 9 is ignored
  const s = retail.scoreAll(b);
  expect(s.shape).toEqual([1, 6]);
  s.dispose();
  retail.dispose();
});
