import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { auc, gauc, gaucDetailed } from './auc.js';

/** Brute force: fraction of (positive, negative) pairs ordered correctly, ties counted half. */
function pairAuc(labels: number[], scores: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < labels.length; j++) {
      if (labels[i] !== 1 || labels[j] !== 0) continue;
      den++;
      num += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return num / den;
}

describe('auc', () => {
  it('matches a hand computation without ties', () => {
    // Ascending: 0.1 (neg, rank 1), 0.35 (pos, 2), 0.4 (neg, 3), 0.8 (pos, 4).
    // U = (2 + 4) − P(P+1)/2 = 6 − 3 = 3; AUC = 3 / (2·2) = 0.75.
    // Pairs: 0.35>0.1 ✓, 0.35<0.4 ✗, 0.8>0.1 ✓, 0.8>0.4 ✓ → 3/4.
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });

  it('counts ties as one half (average ranks)', () => {
    // Ascending: 0.1 (neg, 1), 0.5 & 0.5 (pos, neg: ranks 2 and 3 → both 2.5), 0.9 (pos, 4).
    // U = (2.5 + 4) − 3 = 3.5; AUC = 3.5 / 4 = 0.875  (the tied pair counts 1/2).
    expect(auc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1])).toBeCloseTo(0.875, 12);
    // All scores equal: every pair tied → 0.5.
    expect(auc([1, 0, 1, 0, 0], [0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    expect(auc([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
    expect(auc([1, 1, 0, 0], [1, 2, 3, 4])).toBe(0);
    expect(auc([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(auc([0, 0], [1, 2])).toBeNaN();
  });

  it('handles infinite scores', () => {
    // -Inf (neg), +Inf (pos), +Inf (neg) → pairs: +Inf>-Inf ✓, +Inf=+Inf ½ → 1.5/2.
    expect(auc([0, 1, 0], [-Infinity, Infinity, Infinity])).toBeCloseTo(0.75, 12);
  });

  it('agrees with pair counting on random tied data', () => {
    const rng = new Rng(7);
    const n = 300;
    const labels = Array.from({ length: n }, () => (rng.float() < 0.3 ? 1 : 0));
    const scores = labels.map((y) => Math.round((rng.float() + 0.3 * y) * 10) / 10); // many ties
    expect(auc(labels, scores)).toBeCloseTo(pairAuc(labels, scores), 12);
    expect(auc(labels, Float32Array.from(scores))).toBeCloseTo(pairAuc(labels, Array.from(Float32Array.from(scores))), 12);
  });

  it('rejects bad labels, NaN scores and length mismatch', () => {
    expect(() => auc([0, 2], [0.1, 0.2])).toThrow(/labels\[1\] must be 0 or 1/);
    expect(() => auc([0, 1], [0.1, NaN])).toThrow(/scores\[1\] is NaN/);
    expect(() => auc([0, 1], [0.1])).toThrow(/same length/);
  });
});

describe('gauc', () => {
  // Rows interleaved across users on purpose.
  // user A (3 rows): labels [1,0,0] scores [0.9,0.5,0.95]: 0.9>0.5 ✓, 0.9<0.95 ✗ → AUC_A = 1/2, weight 3.
  // user B (4 rows): labels [1,1,0,0] scores [0.8,0.2,0.3,0.1]: 0.8 beats both (2), 0.2 beats 0.1 only (1)
  //                  → AUC_B = 3/4, weight 4.
  // user C (2 rows, all negative) and user D (1 row, positive): one class only → skipped.
  // GAUC = (3·0.5 + 4·0.75) / (3 + 4) = 4.5 / 7 = 0.642857…  (unweighted mean would be 0.625)
  const users = ['A', 'B', 'C', 'A', 'B', 'D', 'B', 'A', 'C', 'B'];
  const labels = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0];
  const scores = [0.9, 0.8, 0.4, 0.5, 0.2, 0.7, 0.3, 0.95, 0.6, 0.1];

  it('weights users by impressions and skips one-class users', () => {
    expect(gauc(users, labels, scores)).toBeCloseTo(4.5 / 7, 12);
    expect(gaucDetailed(users, labels, scores)).toEqual({
      value: gauc(users, labels, scores),
      usersUsed: 2,
      usersSkipped: 2,
      impressionsUsed: 7,
    });
  });

  it('accepts numeric user ids and counts ties within a user as half', () => {
    // user 1: [1,0] with equal scores → 0.5 (weight 2); user 2: [0,1,1] scores [0.2,0.3,0.1] → 1/2 (weight 3).
    // GAUC = (2·0.5 + 3·0.5) / 5 = 0.5
    expect(gauc([1, 1, 2, 2, 2], [1, 0, 0, 1, 1], [0.5, 0.5, 0.2, 0.3, 0.1])).toBeCloseTo(0.5, 12);
    // user 7: perfect (weight 2); user 9: reversed (weight 4) → (2·1 + 4·0) / 6 = 1/3
    expect(gauc([7, 7, 9, 9, 9, 9], [1, 0, 1, 1, 0, 0], [2, 1, 1, 2, 3, 4])).toBeCloseTo(1 / 3, 12);
  });

  it('is NaN when no user has both classes, and leaves input order untouched', () => {
    expect(gauc([1, 2], [1, 0], [0.1, 0.2])).toBeNaN();
    const s = scores.slice();
    gauc(users, labels, s);
    expect(s).toEqual(scores);
  });
});
