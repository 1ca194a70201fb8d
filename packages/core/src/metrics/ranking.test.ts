import { describe, expect, it } from 'vitest';
import {
  hitAt,
  hitRateAtK,
  idealDcg,
  mrr,
  ndcgAt,
  ndcgAtK,
  ndcgMultiAtK,
  precisionAtK,
  rankInRow,
  recallAtK,
  reciprocalRank,
  targetRanksInList,
} from './ranking.js';

const L3 = 1 / Math.log2(3); // 0.6309298
const L4 = 1 / Math.log2(4); // 0.5
const L5 = 1 / Math.log2(5); // 0.4306766

describe('rankInRow (pessimistic ties)', () => {
  // index:        0    1    2    3    4    5
  const scores = [0.0, 0.3, 0.9, 0.3, 0.1, 0.5];

  it('places ties ahead of the target', () => {
    // target 1 (0.3): others ≥ 0.3 are item 2 (0.9), item 3 (0.3, tie), item 5 (0.5) → rank 3
    expect(rankInRow(scores, 1)).toBe(3);
    // target 3 has the same score: same pessimistic rank 3 (item 1 now counts ahead)
    expect(rankInRow(scores, 3)).toBe(3);
    expect(rankInRow(scores, 2)).toBe(0);
    expect(rankInRow([1, 1, 1, 1], 2)).toBe(3); // constant scores → worst rank
  });

  it('skips excluded items but never the target', () => {
    expect(rankInRow(scores, 1, [5])).toBe(2); // item 5 gone: 2 and 3 remain ahead
    expect(rankInRow(scores, 1, [1, 5])).toBe(2); // target 1 listed as seen: still ranked
    expect(rankInRow(scores, 1, [2, 3, 5])).toBe(0);
  });

  it('is pessimistic about NaN', () => {
    expect(rankInRow([0.1, NaN, 0.3, 0.2], 3)).toBe(2); // NaN candidate (1) and 0.3 ahead of 0.2
    expect(rankInRow([0.1, NaN, 0.3, 0.2], 1)).toBe(3); // NaN target: last
  });
});

describe('single-target metrics', () => {
  it('per rank', () => {
    expect(hitAt(0, 1)).toBe(1);
    expect(hitAt(1, 1)).toBe(0);
    expect(ndcgAt(0, 10)).toBe(1);
    expect(ndcgAt(1, 10)).toBeCloseTo(0.6309298, 6); // 1/log2(3)
    expect(ndcgAt(3, 10)).toBeCloseTo(0.4306766, 6); // 1/log2(5)
    expect(ndcgAt(3, 3)).toBe(0);
    expect(reciprocalRank(3)).toBe(0.25);
    expect(reciprocalRank(3, 3)).toBe(0);
  });

  it('means over rows', () => {
    const ranks = [0, 1, 3, 10];
    // HR@3: ranks 0, 1 hit → 2/4
    expect(hitRateAtK(ranks, 3)).toBe(0.5);
    // NDCG@5: (1 + 1/log2 3 + 1/log2 5 + 0) / 4 = 2.0616064 / 4 = 0.5154016
    expect(ndcgAtK(ranks, 5)).toBeCloseTo((1 + L3 + L5) / 4, 12);
    expect(ndcgAtK(ranks, 5)).toBeCloseTo(0.5154016, 6);
    // MRR: (1 + 1/2 + 1/4 + 1/11) / 4 = 0.4602273; MRR@3: (1 + 1/2) / 4 = 0.375
    expect(mrr(ranks)).toBeCloseTo(0.4602273, 6);
    expect(mrr(ranks, 3)).toBe(0.375);
    expect(hitRateAtK([Infinity, 0], 100)).toBe(0.5);
  });

  it('rejects bad ranks and k', () => {
    expect(() => hitRateAtK([-1], 5)).toThrow(/ranks\[0\]/);
    expect(() => ndcgAtK([0.5], 5)).toThrow(/ranks\[0\]/);
    expect(() => mrr([NaN])).toThrow(/ranks\[0\]/);
    expect(() => hitRateAtK([0], 0)).toThrow(/k must be/);
  });
});

describe('multi-target metrics (LightGCN style)', () => {
  it('recall, precision and NDCG from target ranks', () => {
    const r = [0, 2, 7]; // three targets
    // K=5: hits {0, 2} → recall 2/3, precision 2/5
    expect(recallAtK(r, 5)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK(r, 5)).toBe(0.4);
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG over min(3,5)=3 positions = 1 + 0.6309298 + 0.5 = 2.1309298
    // NDCG@5 = 1.5 / 2.1309298 = 0.7039180
    expect(idealDcg(3, 5)).toBeCloseTo(1 + L3 + L4, 12);
    expect(ndcgMultiAtK(r, 5)).toBeCloseTo(0.703918, 6);
    // K=2: hit {0}; recall 1/3, precision 1/2, NDCG = 1 / (1 + 1/log2 3) = 0.6131472 (IDCG over min(3,2)=2)
    expect(recallAtK(r, 2)).toBeCloseTo(1 / 3, 12);
    expect(precisionAtK(r, 2)).toBe(0.5);
    expect(ndcgMultiAtK(r, 2)).toBeCloseTo(0.6131472, 6);
  });

  it('reduces to the single-target metrics for one target', () => {
    for (const rank of [0, 1, 4, 9, 30]) {
      expect(ndcgMultiAtK([rank], 10)).toBeCloseTo(ndcgAt(rank, 10), 12);
      expect(recallAtK([rank], 10)).toBe(hitAt(rank, 10));
    }
  });

  it('NDCG reaches 1 for perfect pessimistic ranks and stays ≤ 1 with tied targets', () => {
    expect(ndcgMultiAtK([0, 1, 2], 10)).toBeCloseTo(1, 12);
    expect(ndcgMultiAtK([0, 1, 2, 3], 2)).toBeCloseTo(1, 12);
    // two targets tied at the top: pessimistic ranks are both 1 → DCG 2/log2 3 < IDCG 1 + 1/log2 3
    expect(ndcgMultiAtK([1, 1], 10)).toBeCloseTo((2 * L3) / (1 + L3), 12);
  });

  it('targetRanksInList maps a recommendation list and a target set to ranks', () => {
    const ranks = targetRanksInList([7, 3, 9, 1], [9, 5, 7]);
    expect(Array.from(ranks)).toEqual([2, Infinity, 0]);
    expect(recallAtK(ranks, 3)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK(ranks, 3)).toBeCloseTo(2 / 3, 12);
    expect(() => targetRanksInList([1], [2, 2])).toThrow(/duplicates/);
    expect(() => recallAtK([], 3)).toThrow(/at least one target/);
  });
});
