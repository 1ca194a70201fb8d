import { describe, expect, it } from 'vitest';
import { crossDomainGroups, crossDomainValidationSplit, lengthAtMostGroup, longTailThreshold } from './groups.js';
import type { CrossDomainRow } from './loaders/crossDomainCsv.js';

const row = (user: number, d0: number[], d1: number[], domain: 0 | 1): CrossDomainRow => ({
  user,
  seqs: [Int32Array.from(d0), Int32Array.from(d1)],
  domain,
  line: 0,
});

describe('long-tail threshold (i2VAE rule)', () => {
  it('drops lengths <= 2, then the longest 20%, and truncates the mean', () => {
    // > 2: [3,4,5,6,20] → drop floor(5·0.2) = 1 longest (20) → mean(3,4,5,6) = 4.5 → 4
    expect(longTailThreshold([1, 2, 3, 4, 5, 6, 20, 0])).toBe(4);
    // > 2: ten values 3..12 → drop 2 longest → mean(3..10) = 6.5 → 6
    expect(longTailThreshold(Array.from({ length: 10 }, (_, k) => k + 3))).toBe(6);
    expect(longTailThreshold([1, 2])).toBe(2);
  });
});

describe('crossDomainGroups', () => {
  const rows = [
    row(1, [5], [], 0), // cold-start, no history
    row(2, [5], [9, 8], 0), // cold-start, overlapping
    row(3, [1, 2, 3], [9], 0), // length 3
    row(4, [1, 2, 3, 4, 5, 6], [], 0), // long
    row(5, [1], [7], 1), // domain 1, length 1: cold-start overlapping
    row(6, [], [7, 8], 1),
  ];
  it('builds the named groups with their rules, thresholds given', () => {
    const g = Object.fromEntries(crossDomainGroups(rows, { thresholds: [3, 1] }).map((x) => [x.name, x]));
    expect(Array.from(g['all:0'].members)).toEqual([0, 1, 2, 3]);
    expect(Array.from(g['cold-start:0'].members)).toEqual([0, 1]);
    expect(Array.from(g['cold-start-overlapping:0'].members)).toEqual([1]);
    expect(Array.from(g['cold-start-no-history:0'].members)).toEqual([0]);
    expect(Array.from(g['long-tailed:0'].members)).toEqual([0, 1, 2]);
    expect(Array.from(g['cold-start:1'].members)).toEqual([4]);
    expect(Array.from(g['cold-start-overlapping:1'].members)).toEqual([4]);
    expect(Array.from(g['long-tailed:1'].members)).toEqual([4]);
    expect(g['long-tailed:0'].rule).toContain('<= 3');
  });

  it('computes thresholds from each domain column over all rows by default', () => {
    // domain-0 lengths [1,1,3,6,1,0] → > 2: [3,6] → drop floor(0.4)=0 → mean 4.5 → 4
    const g = Object.fromEntries(crossDomainGroups(rows).map((x) => [x.name, x]));
    expect(Array.from(g['long-tailed:0'].members)).toEqual([0, 1, 2]);
    expect(g['long-tailed:0'].rule).toContain('<= 4');
  });

  it('lengthAtMostGroup', () => {
    const g = lengthAtMostGroup([0, 5, 3, 1], 1, 'cold');
    expect(Array.from(g.members)).toEqual([0, 3]);
    expect(g.rule).toBe('history length <= 1');
  });
});

describe('crossDomainValidationSplit', () => {
  const rows: CrossDomainRow[] = [];
  for (let u = 0; u < 100; u++) {
    rows.push(row(u, [u + 1, u + 2, u + 3], [u + 4, u + 5], 0));
    if (u % 2 === 0) rows.push(row(u, [u + 1], [u + 4, u + 5, u + 6], 1));
  }
  it('holds out users with all their rows and makes 20% of overlapping rows cold-start', () => {
    const s = crossDomainValidationSplit(rows, { seed: 3, validFraction: 0.2, coldStartFraction: 0.25 });
    expect(s.validUsers.length).toBe(20);
    const held = new Set(s.validUsers);
    expect(s.valid.every((r) => held.has(r.user))).toBe(true);
    expect(s.train.every((r) => !held.has(r.user))).toBe(true);
    expect(s.valid.length).toBe(rows.filter((r) => held.has(r.user)).length);
    expect(s.madeColdStart.length).toBe(Math.round(s.valid.length * 0.25));
    for (const k of s.madeColdStart) {
      const r = s.valid[k];
      expect(r.seqs[r.domain].length).toBe(1);
      const orig = rows.find((x) => x.user === r.user && x.domain === r.domain)!;
      expect(r.seqs[r.domain][0]).toBe(orig.seqs[orig.domain][orig.seqs[orig.domain].length - 1]);
    }
    expect(rows.every((r) => r.seqs[r.domain].length >= 2)).toBe(true);
    const other = crossDomainValidationSplit(rows, { seed: 4, validFraction: 0.2 });
    expect(other.validUsers).not.toEqual(s.validUsers);
  });
});
