import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { evalSequenceBatches, leftPad, trainSequenceBatches } from './batchers.js';
import { PopularitySampler } from './samplers.js';

const arr = (xs: ArrayLike<number>) => Array.from(xs);

describe('leftPad', () => {
  it('keeps the most recent items and pads on the left', () => {
    const out = new Int32Array(8).fill(-1);
    expect(leftPad([1, 2, 3], 4, out, 2)).toBe(3);
    expect(arr(out)).toEqual([-1, -1, 0, 1, 2, 3, -1, -1]);
    const o2 = new Int32Array(2);
    leftPad([1, 2, 3, 4], 2, o2);
    expect(arr(o2)).toEqual([3, 4]);
  });
});

describe('trainSequenceBatches', () => {
  const train = [Int32Array.of(1, 2, 3), Int32Array.of(4), Int32Array.of(5, 6, 7, 8, 9), Int32Array.of(2, 3)];

  it('builds input items[:-1] and targets items[1:], left-padded, skipping users with < 2 items', () => {
    const batches = [...trainSequenceBatches(train, { maxLen: 3, batchSize: 2, numItems: 9, rng: new Rng(1), numNegatives: 0, shuffle: false })];
    expect(batches.map((b) => b.batchSize)).toEqual([2, 1]);
    const [b0, b1] = batches;
    expect(arr(b0.users)).toEqual([0, 2]);
    expect(b0.maxLen).toBe(3);
    expect(arr(b0.seqs)).toEqual([0, 1, 2, /* user 2 keeps the last 3 inputs */ 6, 7, 8]);
    expect(arr(b0.targets!)).toEqual([0, 2, 3, 7, 8, 9]);
    expect(b0.negatives).toBeUndefined();
    expect(arr(b1.users)).toEqual([3]);
    expect(arr(b1.seqs)).toEqual([0, 0, 2]);
    expect(arr(b1.targets!)).toEqual([0, 0, 3]);
    expect([...trainSequenceBatches(train, { maxLen: 3, batchSize: 2, numItems: 9, rng: new Rng(1), dropLast: true, shuffle: false })].length).toBe(1);
  });

  it('draws negatives per target position, outside the user items, 0 at padding', () => {
    const [b] = [...trainSequenceBatches(train, { maxLen: 4, batchSize: 8, numItems: 12, rng: new Rng(2), numNegatives: 3 })];
    expect(b.negatives!.length).toBe(b.batchSize * 4 * 3);
    for (let r = 0; r < b.batchSize; r++) {
      const own = new Set(train[b.users[r]]);
      for (let t = 0; t < 4; t++) {
        const neg = arr(b.negatives!.subarray((r * 4 + t) * 3, (r * 4 + t + 1) * 3));
        if (b.targets![r * 4 + t] === 0) expect(neg).toEqual([0, 0, 0]);
        else for (const i of neg) expect(i >= 1 && i <= 12 && !own.has(i)).toBe(true);
      }
    }
    expect(new Set(arr(b.users))).toEqual(new Set([0, 2, 3]));
  });

  it('is deterministic under the seed and shuffles users', () => {
    const many = Array.from({ length: 50 }, (_, u) => Int32Array.of(u + 1, u + 2, u + 3));
    const run = (seed: number) => [...trainSequenceBatches(many, { maxLen: 2, batchSize: 50, numItems: 60, rng: new Rng(seed) })][0];
    expect(arr(run(5).users)).toEqual(arr(run(5).users));
    expect(arr(run(5).negatives!)).toEqual(arr(run(5).negatives!));
    expect(arr(run(5).users)).not.toEqual(arr(run(6).users));
    expect(arr(run(5).users)).not.toEqual(Array.from({ length: 50 }, (_, k) => k));
  });

  it('uses a custom sampler with the user items excluded, and refuses impossible cases', () => {
    const counts = new Float64Array(10);
    counts[4] = 1;
    counts[9] = 1;
    const sampler = new PopularitySampler(counts, new Rng(3));
    const [b] = [...trainSequenceBatches([Int32Array.of(1, 4, 2)], { maxLen: 2, batchSize: 1, numItems: 9, rng: new Rng(3), negativeSampler: sampler })];
    expect(arr(b.negatives!)).toEqual([9, 9]);
    expect(() => [...trainSequenceBatches([Int32Array.of(1, 2)], { maxLen: 2, batchSize: 1, numItems: 2, rng: new Rng(1) })]).toThrow(RangeError);
  });
});

describe('trainSequenceBatches with lengthBuffer', () => {
  // 40 users of lengths 2..41 (inputs 1..40), items 1..50
  const rng0 = new Rng(3);
  const train = Array.from({ length: 40 }, (_, u) => Int32Array.from({ length: u + 2 }, () => 1 + rng0.int(50)));
  const opts = { maxLen: 20, batchSize: 4, numItems: 50, numNegatives: 1 };

  it('visits every user once, cuts each batch to its longest input, and keeps each row as the full-length batch has it', () => {
    const full = new Map<number, { seqs: number[]; targets: number[] }>();
    for (const b of trainSequenceBatches(train, { ...opts, rng: new Rng(5) })) {
      for (let r = 0; r < b.batchSize; r++) full.set(b.users[r], { seqs: arr(b.seqs.subarray(r * 20, r * 20 + 20)), targets: arr(b.targets!.subarray(r * 20, r * 20 + 20)) });
    }
    const seen: number[] = [];
    const lengths: number[] = [];
    for (const b of trainSequenceBatches(train, { ...opts, rng: new Rng(5), lengthBuffer: 3 })) {
      const L = b.maxLen;
      lengths.push(L);
      let longest = 0;
      for (let r = 0; r < b.batchSize; r++) {
        const u = b.users[r];
        seen.push(u);
        longest = Math.max(longest, Math.min(20, train[u].length - 1));
        const f = full.get(u)!;
        // the cut row is the full row without its leftmost 20 − L positions, which are padding
        expect(f.seqs.slice(0, 20 - L).every((x) => x === 0)).toBe(true);
        expect(arr(b.seqs.subarray(r * L, (r + 1) * L))).toEqual(f.seqs.slice(20 - L));
        expect(arr(b.targets!.subarray(r * L, (r + 1) * L))).toEqual(f.targets.slice(20 - L));
        for (let t = 0; t < L; t++) {
          const neg = b.negatives![r * L + t];
          if (b.targets![r * L + t] === 0) expect(neg).toBe(0);
          else expect(train[u].includes(neg)).toBe(false);
        }
      }
      expect(L).toBe(longest);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, u) => u));
    // within a buffer of 3 batches the rows are sorted by length, so most batches are much shorter than 20
    expect(lengths.filter((L) => L < 20).length).toBeGreaterThan(3);
    expect(lengths.reduce((a, b) => a + b, 0) / lengths.length).toBeLessThan(20);
  });

  it('is deterministic under the seed, and refuses a bad lengthBuffer', () => {
    const run = (seed: number) => [...trainSequenceBatches(train, { ...opts, rng: new Rng(seed), lengthBuffer: 2 })].map((b) => [arr(b.users), arr(b.seqs), arr(b.negatives!)]);
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
    expect(() => [...trainSequenceBatches(train, { ...opts, rng: new Rng(1), lengthBuffer: 1.5 })]).toThrow(/trainSequenceBatches: lengthBuffer must be a non-negative integer, got 1.5/);
    expect(() => [...trainSequenceBatches(train, { ...opts, rng: new Rng(1), lengthBuffer: -1 })]).toThrow(/lengthBuffer/);
  });

  it('drops every smaller batch with dropLast', () => {
    const sizes = [...trainSequenceBatches(train.slice(0, 10), { ...opts, rng: new Rng(2), lengthBuffer: 2, dropLast: true })].map((b) => b.batchSize);
    expect(sizes).toEqual([4, 4]);
  });
});

describe('evalSequenceBatches', () => {
  it('pads each history and yields the cases of the batch', () => {
    const cases = [
      { user: 3, history: Int32Array.of(1, 2, 3, 4), target: 5 },
      { user: 1, history: Int32Array.of(7), target: 8 },
      { user: 0, history: Int32Array.of(), target: 2 },
    ];
    const out = [...evalSequenceBatches(cases, 3, 2)];
    expect(out.length).toBe(2);
    expect(arr(out[0].batch.users)).toEqual([3, 1]);
    expect(arr(out[0].batch.seqs)).toEqual([2, 3, 4, 0, 0, 7]);
    expect(out[0].batch.targets).toBeUndefined();
    expect(out[0].cases).toEqual(cases.slice(0, 2));
    expect(arr(out[1].batch.seqs)).toEqual([0, 0, 0]);
    expect(out[1].batch.batchSize).toBe(1);
  });
});
