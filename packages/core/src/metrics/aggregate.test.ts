import { describe, expect, it } from 'vitest';
import { aggregateRuns, formatMeanStd, meanStd } from './aggregate.js';

describe('meanStd', () => {
  it('uses the sample standard deviation (n − 1)', () => {
    // mean 0.4; squared deviations 0.04 + 0 + 0.04 = 0.08; / (3 − 1) = 0.04 → std 0.2
    const m = meanStd([0.2, 0.4, 0.6]);
    expect(m.mean).toBeCloseTo(0.4, 12);
    expect(m.std).toBeCloseTo(0.2, 12);
    expect(m.n).toBe(3);
    // mean 2.5; 2.25 + 0.25 + 0.25 + 2.25 = 5; / 3 → std √(5/3) = 1.2909944
    expect(meanStd([1, 2, 3, 4]).std).toBeCloseTo(1.2909944, 6);
    // large common offset stays exact (two-pass)
    expect(meanStd([1e9 + 1, 1e9 + 2, 1e9 + 3]).std).toBeCloseTo(1, 9);
  });

  it('gives std 0 for one value and rejects empty or NaN input', () => {
    expect(meanStd([0.7])).toEqual({ mean: 0.7, std: 0, n: 1 });
    expect(() => meanStd([])).toThrow(/empty/);
    expect(() => meanStd([1, NaN])).toThrow(/values\[1\]/);
  });
});

describe('aggregateRuns', () => {
  it('aggregates per key over seeds', () => {
    const agg = aggregateRuns([
      { 'HR@10': 0.5, MRR: 0.2 },
      { 'HR@10': 0.7, MRR: 0.3 },
      { 'HR@10': 0.6 },
    ]);
    expect(Object.keys(agg)).toEqual(['HR@10', 'MRR']);
    expect(agg['HR@10'].mean).toBeCloseTo(0.6, 12);
    expect(agg['HR@10'].std).toBeCloseTo(0.1, 12);
    expect(agg.MRR.n).toBe(2);
    expect(agg.MRR.mean).toBeCloseTo(0.25, 12);
    expect(formatMeanStd(agg['HR@10'])).toBe('0.6000 ± 0.1000');
    expect(formatMeanStd(agg.MRR, 2)).toBe('0.25 ± 0.07');
  });
});
