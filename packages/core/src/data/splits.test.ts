import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { InteractionTableBuilder } from './schema.js';
import { leaveOneOut, leaveOneOutByBehaviour, ratioSplit, timeSplit } from './splits.js';

const arr = (xs: ArrayLike<number>) => Array.from(xs);

describe('leaveOneOut', () => {
  it('last item test, second-last validation, train before it; short users train-only', () => {
    const seqs = [Int32Array.of(1, 2, 3, 4), Int32Array.of(5, 6), Int32Array.of(7, 8, 9), Int32Array.of()];
    const s = leaveOneOut(seqs, 9);
    expect(s.numUsers).toBe(4);
    expect(s.train.map(arr)).toEqual([[1, 2], [5, 6], [7], []]);
    expect(s.valid.map((c) => [c.user, arr(c.history), c.target])).toEqual([
      [0, [1, 2], 3],
      [2, [7], 8],
    ]);
    expect(s.test.map((c) => [c.user, arr(c.history), c.target])).toEqual([
      [0, [1, 2, 3], 4],
      [2, [7, 8], 9],
    ]);
  });
});

describe('leaveOneOutByBehaviour', () => {
  it('splits on the target behaviour and keeps other behaviours in the histories', () => {
    // behaviours: 0 view, 1 cart, 2 buy
    const seqs = [Int32Array.of(1, 2, 2, 3, 3, 4, 5), Int32Array.of(1, 1), Int32Array.of(6, 7, 8)];
    const behs = [Uint8Array.of(0, 1, 2, 0, 2, 0, 0), Uint8Array.of(0, 2), Uint8Array.of(2, 2, 0)];
    const s = leaveOneOutByBehaviour(seqs, behs, 2, 8);
    expect(s.train.map(arr)).toEqual([[1, 2], [1, 1], []]);
    expect(s.trainBehaviours.map(arr)).toEqual([[0, 1], [0, 2], []]);
    expect(s.valid.map((c) => [c.user, arr(c.history), c.target])).toEqual([
      [0, [1, 2], 2],
      [2, [], 6],
    ]);
    expect(s.test.map((c) => [c.user, arr(c.history), arr(c.historyBehaviours), c.target])).toEqual([
      [0, [1, 2, 2, 3], [0, 1, 2, 0], 3],
      [2, [6], [2], 7],
    ]);
    expect(() => leaveOneOutByBehaviour([Int32Array.of(1)], [Uint8Array.of()], 2, 1)).toThrow(RangeError);
  });
});

describe('ratioSplit', () => {
  it('cuts each user at floor(n·0.8) and floor(n·0.9), partitions the items, and is seeded', () => {
    const users = [Int32Array.from({ length: 10 }, (_, k) => k + 1), Int32Array.of(1, 2, 3, 4, 5), Int32Array.of(9), Int32Array.of()];
    const s = ratioSplit(users, { rng: new Rng(1) });
    expect(s.train.map((x) => x.length)).toEqual([8, 4, 1, 0]);
    expect(s.valid.map((x) => x.length)).toEqual([1, 0, 0, 0]);
    expect(s.test.map((x) => x.length)).toEqual([1, 1, 0, 0]);
    users.forEach((items, u) => {
      expect([...s.train[u], ...s.valid[u], ...s.test[u]].sort((a, b) => a - b)).toEqual(arr(items));
    });
    const again = ratioSplit(users, { rng: new Rng(1) });
    expect(again.test.map(arr)).toEqual(s.test.map(arr));
    expect(() => ratioSplit(users, { ratios: [0.5, 0.2, 0.2], rng: new Rng(1) })).toThrow(RangeError);
  });
});

describe('timeSplit', () => {
  // Hand-made rows: [user, item, timestamp]; several ties, including at the cut.
  const rows: [number, number, number][] = [
    [0, 1, 5],
    [1, 2, 1],
    [0, 3, 9],
    [2, 4, 7],
    [1, 5, 9],
    [2, 6, 3],
    [0, 7, 7],
    [1, 8, 10],
    [2, 9, 2],
    [0, 10, 8],
  ];
  const b = new InteractionTableBuilder();
  for (const [u, i, t] of rows) b.push(u, i, t);
  const table = b.build(3, 10);

  it('never puts a training interaction later than (or tied with) a test one', () => {
    const s = timeSplit(table, { valid: 0.2, test: 0.2 });
    // sorted timestamps: 1 2 3 5 7 7 8 9 9 10 → test cut at position 8 (t=9), valid cut at position 6 (t=8)
    expect([s.validCut, s.testCut]).toEqual([8, 9]);
    expect(arr(s.test)).toEqual([2, 4, 7]);
    expect(arr(s.valid)).toEqual([9]);
    expect(arr(s.train)).toEqual([1, 8, 5, 0, 3, 6]);
    const maxTrain = Math.max(...arr(s.train).map((r) => table.timestamp[r]));
    const minValid = Math.min(...arr(s.valid).map((r) => table.timestamp[r]));
    const minTest = Math.min(...arr(s.test).map((r) => table.timestamp[r]));
    expect(maxTrain).toBeLessThan(minValid);
    expect(minValid).toBeLessThan(minTest);
    expect(s.train.length + s.valid.length + s.test.length).toBe(10);
  });

  it('sends ties at a cut to the later part', () => {
    const s = timeSplit(table, { valid: 0, test: 0.5 });
    // position 5 of sorted is t=7 → both 7s go to test
    expect(s.testCut).toBe(7);
    expect(arr(s.test).map((r) => table.timestamp[r])).toEqual([7, 7, 8, 9, 9, 10]);
    expect(s.valid.length).toBe(0);
  });

  it('accepts explicit cuts', () => {
    const s = timeSplit(table, { validCut: 5, testCut: 9 });
    expect(arr(s.train).map((r) => table.timestamp[r])).toEqual([1, 2, 3]);
    expect(arr(s.valid).map((r) => table.timestamp[r])).toEqual([5, 7, 7, 8]);
    expect(arr(s.test).map((r) => table.timestamp[r])).toEqual([9, 9, 10]);
    expect(s.rule).toContain('t < 5');
    expect(() => timeSplit(table, { validCut: 9, testCut: 5 })).toThrow(RangeError);
  });
});
