import { describe, expect, it } from 'vitest';
import { RankingAccumulator } from './accumulator.js';

const L3 = 1 / Math.log2(3);
const L5 = 1 / Math.log2(5);

describe('RankingAccumulator', () => {
  // row 0: rank 0 (cold); row 1: rank 1 (no group); row 2: rank 3 (cold); row 3: rank 10 (cold, tail)
  const make = () => {
    const acc = new RankingAccumulator({ ks: [5, 1] });
    acc.add([0, 1], ['cold', null]);
    acc.add([3, 10], ['cold', ['cold', 'tail']]);
    return acc;
  };

  it('reports configured keys overall, hand-computed', () => {
    const acc = make();
    expect(acc.keys()).toEqual(['HR@1', 'HR@5', 'NDCG@1', 'NDCG@5', 'MRR']);
    const all = acc.result();
    expect(Object.keys(all)).toEqual(acc.keys());
    expect(all['HR@1']).toBe(0.25); // rank 0 only
    expect(all['HR@5']).toBe(0.75); // ranks 0, 1, 3
    expect(all['NDCG@1']).toBe(0.25);
    expect(all['NDCG@5']).toBeCloseTo((1 + L3 + L5) / 4, 12); // 0.5154016
    expect(all.MRR).toBeCloseTo((1 + 1 / 2 + 1 / 4 + 1 / 11) / 4, 12); // 0.4602273
    expect(acc.count()).toBe(4);
  });

  it('breaks down by group', () => {
    const acc = make();
    expect(acc.groups()).toEqual(['all', 'cold', 'tail']);
    expect(acc.count('cold')).toBe(3);
    const cold = acc.result('cold'); // rows 0, 2, 3: ranks 0, 3, 10
    expect(cold['HR@1']).toBeCloseTo(1 / 3, 12);
    expect(cold['HR@5']).toBeCloseTo(2 / 3, 12);
    expect(cold['NDCG@5']).toBeCloseTo((1 + L5) / 3, 12); // 0.4768922
    expect(cold.MRR).toBeCloseTo((1 + 1 / 4 + 1 / 11) / 3, 12); // 0.4469697
    const tail = acc.result('tail'); // row 3: rank 10
    expect(tail).toEqual({ 'HR@1': 0, 'HR@5': 0, 'NDCG@1': 0, 'NDCG@5': 0, MRR: 1 / 11 });
    expect(Object.keys(acc.results())).toEqual(['all', 'cold', 'tail']);
    expect(acc.result('none')['HR@5']).toBeNaN();
  });

  it('gives per-row values in insertion order', () => {
    const acc = make();
    expect(Array.from(acc.values('HR@5'))).toEqual([1, 1, 1, 0]);
    expect(Array.from(acc.values('MRR@2'))).toEqual([1, 0.5, 0, 0]);
    expect(Array.from(acc.values('Recall@4', 'cold'))).toEqual([1, 1, 0]);
    expect(() => acc.values('NDCG')).toThrow(/unknown metric key/);
    expect(() => acc.values('Foo@3')).toThrow(/unknown metric key/);
  });

  it('handles multi-target rows and the Recall/Precision family', () => {
    const acc = new RankingAccumulator({ ks: [2, 5], metrics: ['Recall', 'Precision', 'NDCG', 'HR', 'MRR'], mrrAtK: true });
    // row 0: targets at ranks [0, 2, 7]; row 1: one target at rank 3 (group 'g')
    acc.addMulti([[0, 2, 7], [3]], [null, 'g']);
    const r = acc.result();
    // row 0: Recall@5 2/3, @2 1/3; Precision@5 2/5, @2 1/2; NDCG@5 0.7039180, @2 0.6131472; HR 1, 1; MRR 1
    // row 1: Recall@5 1, @2 0; Precision@5 1/5, @2 0; NDCG@5 1/log2 5, @2 0; HR@5 1, @2 0; MRR 1/4, MRR@2 0
    expect(r['Recall@5']).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(r['Recall@2']).toBeCloseTo(1 / 6, 12);
    expect(r['Precision@5']).toBeCloseTo(0.3, 12);
    expect(r['Precision@2']).toBeCloseTo(0.25, 12);
    expect(r['NDCG@5']).toBeCloseTo((0.703918 + L5) / 2, 6);
    expect(r['NDCG@2']).toBeCloseTo(0.6131472 / 2, 6);
    expect(r['HR@2']).toBe(0.5);
    expect(r.MRR).toBeCloseTo(0.625, 12);
    expect(r['MRR@2']).toBe(0.5);
    expect(r['MRR@5']).toBeCloseTo(0.625, 12);
    expect(acc.keys()).toEqual([
      'Recall@2', 'Recall@5', 'Precision@2', 'Precision@5', 'NDCG@2', 'NDCG@5', 'HR@2', 'HR@5', 'MRR', 'MRR@2', 'MRR@5',
    ]);
  });

  it('validates input and resets', () => {
    const acc = new RankingAccumulator();
    expect(() => acc.add([0], 'all')).toThrow(/reserved/);
    expect(() => acc.add([0, 1], ['a'])).toThrow(/one entry per row/);
    expect(() => acc.add([-1])).toThrow(/ranks\[0\]/);
    expect(() => acc.addMulti([[]])).toThrow(/empty/);
    expect(() => new RankingAccumulator({ ks: [0] })).toThrow(/k must be/);
    expect(acc.count()).toBe(0);
    acc.add(new Int32Array(3000).fill(2), 'x'); // grows its buffers
    expect(acc.result()['HR@5']).toBe(1);
    expect(acc.count('x')).toBe(3000);
    acc.reset();
    expect(acc.count()).toBe(0);
    expect(acc.groups()).toEqual(['all']);
  });
});
