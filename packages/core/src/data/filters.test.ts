import { describe, expect, it } from 'vitest';
import { IdMap } from './idmap.js';
import {
  MOVIELENS_BEHAVIOURS,
  behaviourCode,
  chronologicalOrder,
  compactIds,
  filterByRating,
  kCore,
  ratingsToBehaviours,
  userSequences,
} from './filters.js';
import { InteractionTableBuilder, type InteractionDataset } from './schema.js';

/** Rows [user, item, timestamp, rating] with users 0..U-1 and items 1..I named u<k>/i<k>. */
function dataset(rows: [number, number, number, number][]): InteractionDataset {
  const b = new InteractionTableBuilder({ rating: true });
  let U = 0;
  let I = 0;
  for (const [u, i, t, r] of rows) {
    b.push(u, i, t, r);
    U = Math.max(U, u + 1);
    I = Math.max(I, i);
  }
  return {
    interactions: b.build(U, I),
    users: IdMap.fromRaw(Array.from({ length: U }, (_, k) => `u${k}`), 0),
    items: IdMap.fromRaw(Array.from({ length: I }, (_, k) => `i${k + 1}`), 1),
    itemAttributes: { tag: { values: [new Int32Array(0), ...Array.from({ length: I }, (_, k) => Int32Array.of(k + 1))], numValues: I, vocab: IdMap.identity(I, 1, 1) } },
  };
}

describe('kCore', () => {
  it('iterates until every user and item meets the bound, then compacts ids', () => {
    // u0: i1 i2 i3; u1: i1 i2; u2: i3 i4.  2-core: i4 (1 rating) goes → u2 keeps i3 only → u2 goes →
    // i3 has u0 only → goes → u0: i1 i2; u1: i1 i2. Stable.
    const ds = dataset([
      [0, 1, 1, 5],
      [0, 2, 2, 5],
      [0, 3, 3, 5],
      [1, 1, 1, 5],
      [1, 2, 2, 5],
      [2, 3, 1, 5],
      [2, 4, 2, 5],
    ]);
    const k = kCore(ds, { user: 2, item: 2 });
    const t = k.interactions;
    expect([t.numUsers, t.numItems, t.length]).toEqual([2, 2, 4]);
    expect(k.users.rawValues()).toEqual(['u0', 'u1']);
    expect(k.items.rawValues()).toEqual(['i1', 'i2']);
    expect(Array.from(t.user)).toEqual([0, 0, 1, 1]);
    expect(Array.from(t.item)).toEqual([1, 2, 1, 2]);
    expect(Array.from(t.row)).toEqual([0, 1, 3, 4]);
    expect(k.itemAttributes!.tag.values.map((v) => Array.from(v))).toEqual([[], [1], [2]]);
    expect(kCore(ds, { user: 3, item: 3 }).interactions.length).toBe(0);
  });
});

describe('rating filters and behaviours', () => {
  const ds = dataset([
    [0, 1, 1, 1],
    [0, 2, 2, 2],
    [0, 3, 3, 3],
    [1, 1, 1, 4],
    [1, 3, 1, 5],
  ]);

  it('keeps ratings within an inclusive range', () => {
    expect(Array.from(filterByRating(ds, { min: 4 }).interactions.rating!)).toEqual([4, 5]);
    expect(Array.from(filterByRating(ds, { min: 2, max: 3 }).interactions.item)).toEqual([2, 3]);
  });

  it('maps MovieLens ratings to pos (>= 4), neutral (3), neg (<= 2)', () => {
    const b = ratingsToBehaviours(ds, MOVIELENS_BEHAVIOURS).interactions;
    expect(b.behaviourNames).toEqual(['pos', 'neutral', 'neg']);
    expect(Array.from(b.behaviour!).map((c) => b.behaviourNames![c])).toEqual(['neg', 'neg', 'neutral', 'pos', 'pos']);
    expect(behaviourCode(b, 'pos')).toBe(0);
    expect(() => behaviourCode(b, 'buy')).toThrow(RangeError);
    const half = dataset([[0, 1, 1, 3.5]]);
    expect(() => ratingsToBehaviours(half)).toThrow(/3.5/);
  });
});

describe('chronological order', () => {
  it('sorts by user, then timestamp, ties by row order', () => {
    const ds = dataset([
      [1, 5, 10, 1],
      [0, 1, 30, 1],
      [0, 2, 20, 1],
      [1, 6, 10, 1],
      [0, 3, 20, 1],
      [1, 7, 5, 1],
    ]);
    expect(Array.from(chronologicalOrder(ds.interactions))).toEqual([2, 4, 1, 5, 0, 3]);
    const s = userSequences(ds.interactions);
    expect(s.sequences.map((x) => Array.from(x))).toEqual([[2, 3, 1], [7, 5, 6]]);
    expect(s.timestamps.map((x) => Array.from(x))).toEqual([[20, 20, 30], [5, 10, 10]]);
  });

  it('keeps only one behaviour when asked', () => {
    const ds = ratingsToBehaviours(
      dataset([
        [0, 1, 1, 5],
        [0, 2, 2, 1],
        [0, 3, 3, 4],
      ]),
    );
    expect(Array.from(userSequences(ds.interactions, { behaviour: 0 }).sequences[0])).toEqual([1, 3]);
    expect(Array.from(userSequences(ds.interactions).behaviours![0])).toEqual([0, 2, 0]);
  });

  it('compactIds drops unused ids', () => {
    const ds = dataset([
      [2, 4, 1, 1],
      [0, 4, 1, 1],
    ]);
    const c = compactIds(ds);
    expect([c.interactions.numUsers, c.interactions.numItems]).toEqual([2, 1]);
    expect(c.users.rawValues()).toEqual(['u0', 'u2']);
    expect(Array.from(c.interactions.user)).toEqual([1, 0]);
  });
});
