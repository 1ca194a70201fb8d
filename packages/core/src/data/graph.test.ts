import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { bprBatches, edgeList, normalizedAdjacency } from './graph.js';

describe('graph data', () => {
  const train = [Int32Array.of(1, 2, 1), Int32Array.of(2), Int32Array.of()];

  it('edge lists collapse repeats', () => {
    const e = edgeList(train, 3);
    expect(Array.from(e.users)).toEqual([0, 0, 1]);
    expect(Array.from(e.items)).toEqual([1, 2, 2]);
    expect([e.numUsers, e.numItems]).toEqual([3, 3]);
    expect(() => edgeList([Int32Array.of(4)], 3)).toThrow(RangeError);
  });

  it('normalised adjacency has 1/sqrt(deg·deg) weights in both directions', () => {
    const a = normalizedAdjacency(edgeList(train, 3));
    // nodes: users 0,1,2; items 1,2,3 → 3,4,5. deg: u0 2, u1 1, i1 1, i2 2.
    expect(a.numRows).toBe(6);
    expect(Array.from(a.rows)).toEqual([0, 3, 0, 4, 1, 4]);
    expect(Array.from(a.cols)).toEqual([3, 0, 4, 0, 4, 1]);
    const w = Array.from(a.vals);
    expect(w[0]).toBeCloseTo(1 / Math.sqrt(2));
    expect(w[2]).toBeCloseTo(1 / 2);
    expect(w[4]).toBeCloseTo(1 / Math.sqrt(2));
  });

  it('BPR batches use every edge once with a negative outside the user items', () => {
    const e = edgeList([Int32Array.of(1, 2), Int32Array.of(3), Int32Array.of(1, 4, 5)], 6);
    const batches = [...bprBatches(e, { batchSize: 4, rng: new Rng(1) })];
    expect(batches.map((b) => b.users.length)).toEqual([4, 2]);
    const pairs = batches.flatMap((b) => Array.from(b.users, (u, k) => `${u}:${b.pos[k]}`)).sort();
    expect(pairs).toEqual(['0:1', '0:2', '1:3', '2:1', '2:4', '2:5']);
    const own = [[1, 2], [3], [1, 4, 5]];
    for (const b of batches) b.users.forEach((u, k) => expect(own[u]).not.toContain(b.neg[k]));
  });
});
