import { describe, expect, it } from 'vitest';
import { Rng, type CrossDomainRow } from '@recsuite/core';
import { augmentedSequence, i2vaeTrainBatches, rowsBatch, type PseudoItems } from './batch.js';

const row = (user: number, d0: number[], d1: number[], domain: 0 | 1): CrossDomainRow => ({ user, seqs: [Int32Array.from(d0), Int32Array.from(d1)], domain, line: user + 2 });

describe('augmentedSequence', () => {
  it('interleaves from the right: … r2 p1 r1 reads r1 p1 r2 p2 right to left', () => {
    expect(Array.from(augmentedSequence([1, 2, 3], [10, 11, 12], 6))).toEqual([12, 1, 11, 2, 10, 3]);
  });
  it('continues with the longer list and keeps at most augLen − #pseudo real items', () => {
    expect(Array.from(augmentedSequence([1], [10, 11, 12], 8))).toEqual([12, 11, 10, 1]);
    expect(Array.from(augmentedSequence([1, 2, 3, 4, 5], [10, 11], 4))).toEqual([11, 4, 10, 5]);
    expect(Array.from(augmentedSequence([], [10, 11], 4))).toEqual([11, 10]);
    expect(Array.from(augmentedSequence([1, 2], [], 4))).toEqual([1, 2]);
  });
});

describe('rowsBatch and training batches', () => {
  const rows = [row(1, [1, 2, 3], [21], 0), row(2, [4], [22, 23], 0), row(3, [5], [24, 25, 26], 1), row(4, [], [27], 1)];
  const pseudo: PseudoItems[] = rows.map((_, k) => [Int32Array.of(11 + k, 15), Int32Array.of(31 + k, 35)]);

  it('lays out target history, other domain, augmented sequence and history lengths', () => {
    const b = rowsBatch(rows, [0, 2, 3], pseudo, { maxLen: 3, augLen: 4 });
    expect(Array.from(b.domain)).toEqual([0, 1, 1]);
    expect(Array.from(b.histLen)).toEqual([2, 2, 0]);
    expect(Array.from(b.target)).toEqual([0, 1, 2, 0, 24, 25, 0, 0, 0]);
    expect(Array.from(b.other)).toEqual([0, 0, 21, 0, 0, 5, 0, 0, 0]);
    // row 0: history [1, 2], pseudo of domain 0 [11, 15]
    expect(Array.from(b.aug.subarray(0, 4))).toEqual([15, 1, 11, 2]);
    // row 3 (cold-start, domain 1): pseudo of domain 1 only
    expect(Array.from(b.aug.subarray(8, 12))).toEqual([0, 0, 35, 34]);
    const plain = rowsBatch(rows, [0], null, { maxLen: 3, augLen: 4 });
    expect(Array.from(plain.aug)).toEqual([0, 0, 1, 2]);
  });

  it('training batches: every row once, target as positive, negative from the domain pool outside the row', () => {
    const pools: [Int32Array, Int32Array] = [Int32Array.of(1, 2, 3, 4, 6), Int32Array.of(21, 24, 25, 26, 27, 28)];
    const seen = new Set<number>();
    for (const b of i2vaeTrainBatches(rows.slice(0, 3), pseudo, { maxLen: 3, augLen: 4, batchSize: 2, rng: new Rng(1), pools })) {
      for (let j = 0; j < b.batchSize; j++) {
        const d = b.domain[j];
        const r = rows.find((x) => x.domain === d && x.seqs[d][x.seqs[d].length - 1] === b.pos![j])!;
        seen.add(r.user);
        expect(Array.from(pools[d])).toContain(b.neg![j]);
        expect(Array.from(r.seqs[d])).not.toContain(b.neg![j]);
      }
    }
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('names a missing pseudo entry and a bad row index', () => {
    expect(() => rowsBatch(rows, [0], [], { maxLen: 3, augLen: 4 })).toThrow(/no pseudo items for row 0/);
    expect(() => rowsBatch(rows, [9], null, { maxLen: 3, augLen: 4 })).toThrow(/row index 9/);
  });
});
