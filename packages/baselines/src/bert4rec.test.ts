import * as tf from '@tensorflow/tfjs-core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { describe, expect, it } from 'vitest';
import { BERT4REC_DEFAULTS, BERT4Rec, bert4recConfig } from './bert4rec.js';

describe('BERT4Rec config', () => {
  it('defaults (inner = 4·dim follows dim), validation names the key', () => {
    expect(bert4recConfig({ numItems: 10 })).toMatchObject({ ...BERT4REC_DEFAULTS, inner: 256, numItems: 10 });
    expect(bert4recConfig({ numItems: 10, dim: 16 }).inner).toBe(64);
    expect(bert4recConfig({ numItems: 10, dim: 16, inner: 20 }).inner).toBe(20);
    expect(() => bert4recConfig({ numItems: 10, maskProb: 1.5 })).toThrow(/BERT4Rec config.maskProb must be a number in \[0, 1\]/);
    expect(() => bert4recConfig({ numItems: 10, maxLen: 1 })).toThrow(/config.maxLen/);
  });
});

describeBackends('BERT4Rec', () => {
  const B = 64;
  const L = 6;
  const N = 20;
  /** trainSequenceBatches-style rows: seqs = s[:-1], targets = s[1:], left-padded. */
  const trainBatch = (rows: number[][]) => {
    const seqs = new Int32Array(rows.length * L);
    const targets = new Int32Array(rows.length * L);
    rows.forEach((s, b) => {
      const inp = s.slice(0, -1).slice(-L);
      const tgt = s.slice(1).slice(-L);
      seqs.set(inp, b * L + L - inp.length);
      targets.set(tgt, b * L + L - tgt.length);
    });
    return { users: new Int32Array(rows.length), seqs, targets, batchSize: rows.length, maxLen: L };
  };

  it('cloze: masks real items of the full training sequence, at least one per row, labels are the originals', () => {
    const m = new BERT4Rec({ numItems: N, maxLen: L, dim: 8, maskProb: 0.3, lastMaskProb: 0.2, seed: 1 });
    const rows = Array.from({ length: B }, (_, b) => Array.from({ length: 2 + (b % 8) }, (_, j) => 1 + ((b + 3 * j) % N)));
    const batch = trainBatch(rows);
    const cz = m.cloze(batch);
    const perRow = new Array(B).fill(0);
    let lastOnly = 0;
    let masked = 0;
    let total = 0;
    rows.forEach((s, b) => {
      const full = s.slice(-L); // the whole training sequence (seqs then the last target), last L items
      const row = Array.from(cz.inputs.subarray(b * L, (b + 1) * L));
      const restored = row.slice();
      cz.index.forEach((p, k) => {
        if (Math.floor(p / L) === b) {
          expect(row[p % L]).toBe(m.maskId);
          restored[p % L] = cz.labels[k];
          perRow[b]++;
        }
      });
      expect(restored).toEqual([...new Array(L - full.length).fill(0), ...full]);
      expect(row.slice(0, L - full.length).every((v) => v === 0)).toBe(true);
      if (perRow[b] === 1 && row[L - 1] === m.maskId) lastOnly++;
      masked += perRow[b];
      total += full.length;
    });
    expect(perRow.every((c) => c >= 1)).toBe(true);
    expect(lastOnly).toBeGreaterThan(0);
    expect(masked / total).toBeGreaterThan(0.2);
    expect(masked / total).toBeLessThan(0.6);
    m.dispose();
  });

  it('at test time a [mask] is appended to the history; it is never recommended', async () => {
    const m = new BERT4Rec({ numItems: N, maxLen: L, dim: 8, seed: 2 });
    const b = { users: new Int32Array(1), seqs: Int32Array.from([0, 0, 3, 4, 5, 6]), batchSize: 1, maxLen: L };
    expect(Array.from(m.withMask(b).seqs)).toEqual([0, 3, 4, 5, 6, N + 1]);
    const u = m.userVector(m.withMask(b));
    expect(u.shape).toEqual([1, 8]);
    const all = m.scoreAll(b);
    expect(all.shape).toEqual([1, N + 1]);
    const e = tf.slice(m.encoder.items.table, [0, 0], [N + 1, 8]);
    expectClose(all, tf.add(tf.matMul(u, e, false, true), m.outBias));
    const recs = await m.recommend([3, 4, 5, 6], N);
    expect(recs).not.toContain(N + 1);
    expect(recs).toHaveLength(N - 4);
    expect(() => m.scoreAll({ ...b, seqs: Int32Array.from([0, 0, 3, 4, 5, N + 1]) })).toThrow(/batch.seqs\[5\]/);
    m.dispose();
  });

  it('sampled loss option trains and both losses are finite', () => {
    const rows = Array.from({ length: 8 }, (_, b) => [1 + b, 2 + b, 3 + b, 4 + b]);
    for (const loss of ['ce', 'sampled'] as const) {
      const m = new BERT4Rec({ numItems: N, maxLen: L, dim: 8, loss, numNegatives: 5, seed: 3 });
      m.setTraining(true);
      const v = m.loss(trainBatch(rows)).dataSync()[0];
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
      m.dispose();
    }
  });
});
