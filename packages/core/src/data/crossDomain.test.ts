import { describe, expect, it } from 'vitest';
import { crossDomainEvalCases, crossDomainItemPools, crossDomainRowLabels, drawCrossDomainNegatives, rowsWithoutUser } from './crossDomain.js';
import type { CrossDomainRow } from './loaders/crossDomainCsv.js';

const row = (user: number, d0: number[], d1: number[], domain: 0 | 1): CrossDomainRow => ({
  user,
  seqs: [Int32Array.from(d0), Int32Array.from(d1)],
  domain,
  line: 0,
});

// Domain 0 items 1..20, domain 1 items 21..40.
const test = [
  row(1, [5], [], 0), // cold-start, no history
  row(2, [6], [29, 28], 0), // cold-start, overlapping
  row(3, [1, 2, 3], [29], 0), // length 3 <= threshold 3: long-tailed
  row(4, [1, 2, 3, 4, 5, 6], [], 0), // long
  row(5, [7], [27, 21], 1), // domain 1, length 2: long-tailed only
  row(6, [], [27], 1), // domain 1 cold-start, no history
];
const train = [row(3, [1, 9], [22], 0), row(9, [2, 3], [23, 24], 1)];

describe('rowsWithoutUser', () => {
  it('lists the rows whose user has no row in the reference', () => {
    expect(Array.from(rowsWithoutUser(test, train))).toEqual([0, 1, 3, 4, 5]);
    expect(Array.from(rowsWithoutUser(test, test))).toEqual([]);
  });
});

describe('crossDomainRowLabels', () => {
  it('labels per domain, pooled, and fresh/ for rows without a training row', () => {
    const { labels, rules } = crossDomainRowLabels(test, { thresholds: [3, 2], fresh: rowsWithoutUser(test, train) });
    expect(labels[0]).toEqual(expect.arrayContaining(['all:0', 'cold-start:0', 'cold-start', 'cold-start-no-history:0', 'cold-start-no-history', 'long-tailed', 'fresh/all', 'fresh/cold-start-no-history']));
    expect(labels[0]).not.toContain('cold-start-overlapping');
    expect(labels[1]).toEqual(expect.arrayContaining(['cold-start-overlapping:0', 'cold-start-overlapping', 'fresh/cold-start-overlapping:0']));
    // row 2 belongs to a user with a training row: no fresh/ labels
    expect(labels[2].sort()).toEqual(['all:0', 'long-tailed', 'long-tailed:0']);
    expect(labels[3]).toEqual(['all:0', 'fresh/all', 'fresh/all:0']);
    expect(labels[4]).toEqual(expect.arrayContaining(['all:1', 'long-tailed:1', 'fresh/long-tailed']));
    expect(labels[4]).not.toContain('cold-start');
    expect(labels[5]).toEqual(expect.arrayContaining(['cold-start:1', 'cold-start-no-history:1', 'cold-start']));
    expect(rules['long-tailed:0']).toContain('<= 3');
    expect(rules['fresh/all']).toBeDefined();
  });

  it('rejects a fresh index outside the rows', () => {
    expect(() => crossDomainRowLabels(test, { fresh: [6] })).toThrow(/fresh\[0\] = 6/);
  });
});

describe('pools, cases and negatives', () => {
  it('pools hold each domain column\'s items, targets included', () => {
    const [p0, p1] = crossDomainItemPools(test);
    expect(Array.from(p0)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(p1)).toEqual([21, 27, 28, 29]);
  });

  it('cases: history = target-domain history, target = last target-domain item, user = row index', () => {
    const cases = crossDomainEvalCases(test);
    expect(cases[2]).toEqual({ user: 2, history: Int32Array.of(1, 2), target: 3 });
    expect(cases[4]).toEqual({ user: 4, history: Int32Array.of(27), target: 21 });
    expect(cases[0].history.length).toBe(0);
  });

  it('negatives come from the target domain\'s pool minus the row\'s target-domain sequence, deterministically', () => {
    const pools: [Int32Array, Int32Array] = [Int32Array.from({ length: 20 }, (_, k) => k + 1), Int32Array.from({ length: 20 }, (_, k) => k + 21)];
    const negs = drawCrossDomainNegatives(test, 40, 10, 5, pools);
    test.forEach((r, k) => {
      const own = new Set(r.seqs[r.domain]);
      expect(new Set(negs[k]).size).toBe(10);
      for (const v of negs[k]) {
        expect(own.has(v)).toBe(false);
        expect(r.domain === 0 ? v >= 1 && v <= 20 : v >= 21 && v <= 40).toBe(true);
      }
    });
    expect(drawCrossDomainNegatives(test, 40, 10, 5, pools)).toEqual(negs);
    expect(drawCrossDomainNegatives(test, 40, 10, 6, pools)).not.toEqual(negs);
  });

  it('fails clearly when a pool is too small', () => {
    expect(() => drawCrossDomainNegatives(test, 40, 10, 5)).toThrow(/fewer than 10/);
  });
});
