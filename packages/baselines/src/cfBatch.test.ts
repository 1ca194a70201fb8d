import { Rng } from '@recsuite/core';
import { describe, expect, it } from 'vitest';
import {
  CFInputError,
  cfInteractions,
  cfTrainBatches,
  checkCFBatch,
  interactionPairs,
  numPairs,
  sampleNegative,
  sortedHas,
  topKItems,
} from './cfBatch.js';

describe('cfInteractions', () => {
  it('collects distinct, sorted items per user', () => {
    const d = cfInteractions(3, 5, [0, 0, 0, 2, 2], [4, 1, 4, 5, 2]);
    expect(d.userItems.map((a) => Array.from(a))).toEqual([[1, 4], [], [2, 5]]);
    expect(numPairs(d)).toBe(4);
    const p = interactionPairs(d);
    expect(Array.from(p.users)).toEqual([0, 0, 2, 2]);
    expect(Array.from(p.items)).toEqual([1, 4, 2, 5]);
  });

  it('names the first bad interaction', () => {
    expect(() => cfInteractions(2, 5, [0, 2], [1, 1])).toThrow(/users\[1\] = 2 is outside 0..1/);
    expect(() => cfInteractions(2, 5, [0, 1], [1, 0])).toThrow(/items\[1\] = 0 is outside 1..5/);
    expect(() => cfInteractions(2, 5, [0], [1, 2])).toThrow(CFInputError);
  });
});

describe('cfTrainBatches', () => {
  const data = cfInteractions(4, 12, [0, 0, 0, 1, 1, 2, 3, 3, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);

  it('yields every training pair once per epoch, with negatives outside the user’s items', () => {
    const seen: string[] = [];
    let rows = 0;
    for (const b of cfTrainBatches(data, { batchSize: 3, rng: new Rng(1) })) {
      expect(b.users.length).toBeLessThanOrEqual(3);
      for (let r = 0; r < b.users.length; r++) {
        const items = data.userItems[b.users[r]];
        expect(sortedHas(items, b.pos[r])).toBe(true);
        expect(sortedHas(items, b.neg[r])).toBe(false);
        expect(b.neg[r]).toBeGreaterThanOrEqual(1);
        expect(b.neg[r]).toBeLessThanOrEqual(12);
        seen.push(`${b.users[r]}:${b.pos[r]}`);
      }
      rows += b.users.length;
      checkCFBatch('test', b, 4, 12);
    }
    expect(rows).toBe(10);
    expect(new Set(seen).size).toBe(10);
  });

  it('is deterministic under a seed and differs across seeds', () => {
    const run = (seed: number) => [...cfTrainBatches(data, { batchSize: 4, rng: new Rng(seed) })].map((b) => [...b.users, ...b.pos, ...b.neg]);
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('sampleNegative fails clearly when a user has every item', () => {
    expect(() => sampleNegative(Int32Array.of(1, 2, 3), 3, new Rng(1))).toThrow(/all 3 items/);
    expect(sampleNegative(Int32Array.of(1, 3), 3, new Rng(1))).toBe(2);
  });

  it('checkCFBatch names the bad row', () => {
    const b = { users: Int32Array.of(0, 1), pos: Int32Array.of(1, 13), neg: Int32Array.of(2, 3) };
    expect(() => checkCFBatch('M.loss', b, 4, 12)).toThrow(/M.loss: batch.pos\[1\] = 13 is outside 1..12/);
  });
});

describe('topKItems', () => {
  it('orders by score, breaks ties by lower id, skips padding and excluded items', () => {
    const s = [100, 0.5, 0.9, 0.5, 0.9, NaN, 0.1];
    expect(topKItems(s, 10)).toEqual([2, 4, 1, 3, 6, 5]);
    expect(topKItems(s, 3, [2])).toEqual([4, 1, 3]);
    expect(topKItems(s, 0)).toEqual([]);
  });
});
