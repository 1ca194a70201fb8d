import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { EMPTY_ITEM_SET, PopularitySampler, SortedItemSet, UniformSampler, itemPopularity, sampleDistinct } from './samplers.js';

describe('SortedItemSet', () => {
  it('deduplicates, sorts, searches and iterates', () => {
    const s = new SortedItemSet([5, 1, 5, 3]);
    expect(Array.from(s.items)).toEqual([1, 3, 5]);
    expect(s.size).toBe(3);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => s.has(i))).toEqual([false, true, false, true, false, true, false]);
    expect([...s]).toEqual([1, 3, 5]);
  });
});

describe('UniformSampler', () => {
  it('never returns an excluded item and covers the rest about evenly', () => {
    const s = new UniformSampler(10, new Rng(1));
    const ex = new Set([2, 3, 7]);
    const counts = new Array(11).fill(0);
    for (let k = 0; k < 7000; k++) counts[s.sample(ex)]++;
    expect([counts[0], counts[2], counts[3], counts[7]]).toEqual([0, 0, 0, 0]);
    for (const i of [1, 4, 5, 6, 8, 9, 10]) expect(Math.abs(counts[i] - 1000)).toBeLessThan(150);
  });

  it('finds the last free item exactly and throws when none is left', () => {
    const s = new UniformSampler(1000, new Rng(2));
    const all = new Set(Array.from({ length: 1000 }, (_, k) => k + 1));
    all.delete(617);
    expect(s.sample(all)).toBe(617);
    all.add(617);
    expect(() => s.sample(all)).toThrow(RangeError);
  });
});

describe('PopularitySampler', () => {
  it('draws in proportion to counts^power, never zero-weight or excluded items', () => {
    const counts = [0, 1, 2, 0, 7];
    const s = new PopularitySampler(counts, new Rng(3));
    const got = new Array(5).fill(0);
    const N = 20000;
    for (let k = 0; k < N; k++) got[s.sample(EMPTY_ITEM_SET)]++;
    expect(got[0] + got[3]).toBe(0);
    expect(got[1] / N).toBeCloseTo(0.1, 1);
    expect(got[2] / N).toBeCloseTo(0.2, 1);
    expect(got[4] / N).toBeCloseTo(0.7, 1);
    const ex = new Set([4]);
    for (let k = 0; k < 200; k++) expect([1, 2]).toContain(s.sample(ex));
    expect(() => s.sample(new Set([1, 2, 4]))).toThrow(RangeError);
    const flat = new PopularitySampler(counts, new Rng(3), { power: 0, smoothing: 1 });
    const f = new Array(5).fill(0);
    for (let k = 0; k < 8000; k++) f[flat.sample(EMPTY_ITEM_SET)]++;
    for (const i of [1, 2, 3, 4]) expect(Math.abs(f[i] - 2000)).toBeLessThan(200);
  });

  it('counts item popularity and draws distinct items', () => {
    expect(Array.from(itemPopularity([Int32Array.of(1, 2, 2), Int32Array.of(3, 2)], 4))).toEqual([0, 1, 3, 1, 0]);
    const d = sampleDistinct(new UniformSampler(5, new Rng(4)), 4, new Set([3]));
    expect(Array.from(d).sort()).toEqual([1, 2, 4, 5]);
    expect(() => sampleDistinct(new UniformSampler(5, new Rng(4)), 5, new Set([3]))).toThrow(RangeError);
  });
});
