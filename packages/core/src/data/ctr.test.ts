import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { buildCtrData, ctrBatches, heldOutPairs } from './ctr.js';
import { IdMap } from './idmap.js';
import type { ItemAttributes, UserProfile } from './schema.js';

const arr = (xs: ArrayLike<number>) => Array.from(xs);
const seqs = [Int32Array.of(1, 2, 3, 4, 5), Int32Array.of(6, 7), Int32Array.of(2, 8, 9, 10)];

describe('buildCtrData', () => {
  it('makes one positive and one negative per position with history, split per user in time order', () => {
    const d = buildCtrData(seqs, { numItems: 12, seed: 1, sampler: 'uniform' });
    // user 0: 4 pairs (positions 1..4): train 1,2; valid 3; test 4. user 1: 1 pair → train. user 2: 3 pairs: train 1; valid 2; test 3.
    expect(d.train.length).toBe(2 * (2 + 1 + 1));
    expect(d.valid.length).toBe(4);
    expect(d.test.length).toBe(4);
    expect(d.negatives.length).toBe(4 + 1 + 3);
    expect(arr(d.test.user)).toEqual([0, 0, 2, 2]);
    expect(arr(d.test.label)).toEqual([1, 0, 1, 0]);
    expect(arr(d.test.pos)).toEqual([4, 4, 3, 3]);
    expect([d.test.item[0], d.test.item[2]]).toEqual([5, 10]);
    expect(arr(d.valid.item).filter((_, k) => d.valid.label[k] === 1)).toEqual([4, 9]);
    expect(arr(d.train.item).filter((_, k) => d.train.label[k] === 1)).toEqual([2, 3, 7, 8]);
    for (const part of [d.train, d.valid, d.test]) {
      for (let k = 0; k < part.length; k++) {
        if (part.label[k] === 1) continue;
        expect(seqs[part.user[k]]).not.toContain(part.item[k]);
        expect(part.pos[k]).toBe(part.pos[k - 1]); // same history as its positive
      }
    }
    expect(d.rule).toContain('uniform');
  });

  it('holdout: the last share of each user\'s pairs is test, as many before it validation, same negatives', () => {
    // n = max(1, round(h·m)) pairs each, if m ≥ 2n + 1
    expect([heldOutPairs(2), heldOutPairs(3), heldOutPairs(20)]).toEqual([0, 1, 1]);
    expect([heldOutPairs(20, 0.1), heldOutPairs(24, 0.1), heldOutPairs(26, 0.1), heldOutPairs(4, 0.3), heldOutPairs(2, 0.3)]).toEqual([2, 2, 3, 1, 0]);
    const long = [Int32Array.from({ length: 21 }, (_, i) => i + 1), Int32Array.of(30, 31, 32, 33), Int32Array.of(40, 41)];
    const one = buildCtrData(long, { numItems: 50, seed: 3 });
    const d = buildCtrData(long, { numItems: 50, seed: 3, holdout: 0.1 });
    expect(arr(d.negatives)).toEqual(arr(one.negatives));
    // user 0: 20 pairs (positions 1..20) → n = 2: valid 17, 18; test 19, 20. user 1: 3 pairs → n = 1. user 2: 1 pair → train.
    const positives = (rows: typeof d.test) => arr(rows.pos).filter((_, k) => rows.label[k] === 1);
    expect(positives(d.test)).toEqual([19, 20, 3]);
    expect(positives(d.valid)).toEqual([17, 18, 2]);
    expect(positives(d.train)).toEqual([...Array.from({ length: 16 }, (_, i) => i + 1), 1, 1]);
    expect(d.train.length + d.valid.length + d.test.length).toBe(2 * d.negatives.length);
    expect(d.rule).toContain('round(0.1·pairs)');
    expect(() => buildCtrData(long, { numItems: 50, seed: 3, holdout: 0.5 })).toThrow(/holdout/);
  });

  it('draws once from the seed (same seed, same negatives) and can reuse stored negatives', () => {
    const a = buildCtrData(seqs, { numItems: 12, seed: 9 });
    const b = buildCtrData(seqs, { numItems: 12, seed: 9 });
    expect(arr(a.negatives)).toEqual(arr(b.negatives));
    const c = buildCtrData(seqs, { numItems: 12, seed: 10, negatives: a.negatives });
    expect(arr(c.test.item)).toEqual(arr(a.test.item));
    expect(() => buildCtrData(seqs, { numItems: 12, seed: 1, negatives: Int32Array.of(1) })).toThrow(RangeError);
  });

  it('popularity negatives follow interaction counts', () => {
    // Item 11 is very popular among other users; user 0 never had it.
    const many = [Int32Array.of(1, 2, 3, 4), ...Array.from({ length: 50 }, () => Int32Array.of(11, 11, 11, 12))];
    const d = buildCtrData(many, { numItems: 12, seed: 2 });
    const negs0 = arr(d.negatives.subarray(0, 3));
    expect(negs0.filter((i) => i === 11).length).toBeGreaterThanOrEqual(2);
    for (let u = 1; u <= 50; u++) for (let j = 0; j < 3; j++) expect([1, 2, 3, 4]).toContain(d.negatives[3 + (u - 1) * 3 + j]);
  });
});

describe('ctrBatches', () => {
  it('pads histories and attaches item attributes and user profile', () => {
    const d = buildCtrData(seqs, { numItems: 12, seed: 1, sampler: 'uniform' });
    const attrs: ItemAttributes = {
      values: Array.from({ length: 13 }, (_, i) => (i === 0 ? new Int32Array(0) : i % 2 ? Int32Array.of(1) : Int32Array.of(2, 3))),
      numValues: 3,
      vocab: IdMap.identity(3, 1, 1),
    };
    const profile: UserProfile = { numUsers: 3, fields: { gender: { values: Int32Array.of(2, 1, 2), numValues: 2, vocab: IdMap.fromRaw(['F', 'M'], 1) } } };
    const [b] = [...ctrBatches(d, d.test, { batchSize: 10, maxLen: 3, itemAttributes: attrs, userProfile: profile })];
    expect(b.batchSize).toBe(4);
    expect(arr(b.labels)).toEqual([1, 0, 1, 0]);
    expect(arr(b.history.subarray(0, 3))).toEqual([2, 3, 4]);
    expect(arr(b.history.subarray(6, 9))).toEqual([2, 8, 9]);
    expect(arr(b.historyLength)).toEqual([3, 3, 3, 3]);
    expect(b.numAttrSlots).toBe(2);
    expect(arr(b.itemAttrs!.subarray(0, 2))).toEqual([1, 0]); // item 5
    expect(arr(b.historyAttrs!.subarray(0, 6))).toEqual([2, 3, 1, 0, 2, 3]); // items 2, 3, 4
    expect(arr(b.userFeatures!.gender)).toEqual([2, 2, 2, 2]);
    const [v] = [...ctrBatches(d, d.valid, { batchSize: 10, maxLen: 5 })];
    expect(arr(v.history.subarray(0, 5))).toEqual([0, 0, 1, 2, 3]);
    expect(arr(v.historyLength)).toEqual([3, 3, 2, 2]);
    const shuffled = [...ctrBatches(d, d.train, { batchSize: 3, maxLen: 2, rng: new Rng(4) })];
    expect(shuffled.reduce((a, x) => a + x.batchSize, 0)).toBe(d.train.length);
  });
});

describe('ctrBatches with lengthBuffer', () => {
  // 30 users with 3..32 items: histories of every length from 1 to 30
  const long = Array.from({ length: 30 }, (_, u) => Int32Array.from({ length: 3 + u }, (_, k) => 1 + ((u * 7 + k) % 40)));
  const d = buildCtrData(long, { numItems: 40, seed: 3, sampler: 'uniform' });
  const L = 12;
  const histOf = (k: number) => {
    const seq = d.sequences[d.train.user[k]];
    const end = d.train.pos[k];
    return arr(seq.subarray(Math.max(0, end - L), end));
  };

  it('visits every row once, each batch cut to its longest history, histories unchanged', () => {
    const seen = new Int32Array(d.train.length);
    const batches = [...ctrBatches(d, d.train, { batchSize: 16, maxLen: L, lengthBuffer: 4, rng: new Rng(5) })];
    let cut = 0;
    for (const b of batches) {
      const lens = arr(b.historyLength);
      expect(b.maxLen).toBe(Math.max(...lens));
      expect(b.history.length).toBe(b.batchSize * b.maxLen);
      if (b.maxLen < L) cut++;
      for (let i = 0; i < b.batchSize; i++) {
        const k = b.rowIndex![i];
        seen[k]++;
        expect(b.items[i]).toBe(d.train.item[k]);
        expect(b.labels[i]).toBe(d.train.label[k]);
        const row = arr(b.history.subarray(i * b.maxLen, (i + 1) * b.maxLen)).filter((v) => v !== 0);
        expect(row).toEqual(histOf(k));
      }
    }
    expect(arr(seen).every((c) => c === 1)).toBe(true);
    expect(cut).toBeGreaterThan(batches.length / 4);
    // sorted buffers: mean longest history well below that of plain shuffled batches
    const mean = (bs: { maxLen: number }[]) => bs.reduce((a, b) => a + b.maxLen, 0) / bs.length;
    const plain = [...ctrBatches(d, d.train, { batchSize: 16, maxLen: L, rng: new Rng(5), lengthBuffer: 1 })];
    expect(mean(batches)).toBeLessThan(mean(plain) - 1);
  });

  it('is deterministic under a seed; without rng keeps buffers in length order; off by default', () => {
    const run = (seed: number) => [...ctrBatches(d, d.train, { batchSize: 16, maxLen: L, lengthBuffer: 3, rng: new Rng(seed) })].map((b) => arr(b.rowIndex!));
    expect(run(2)).toEqual(run(2));
    expect(run(2)).not.toEqual(run(3));
    const ordered = [...ctrBatches(d, d.valid, { batchSize: 4, maxLen: L, lengthBuffer: 100 })];
    const lens = ordered.flatMap((b) => arr(b.historyLength));
    expect(lens).toEqual([...lens].sort((a, b) => a - b));
    const off = [...ctrBatches(d, d.valid, { batchSize: 4, maxLen: L })];
    expect(off.every((b) => b.maxLen === L)).toBe(true);
    expect(off.flatMap((b) => arr(b.rowIndex!))).toEqual(arr(Int32Array.from({ length: d.valid.length }, (_, k) => k)));
    expect(() => [...ctrBatches(d, d.valid, { batchSize: 4, maxLen: L, lengthBuffer: 1.5 })]).toThrow(/lengthBuffer/);
  });
});
