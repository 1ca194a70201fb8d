import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { CtrBatchError, CtrFeatures, makeCtrBatch } from './ctrFeatures.js';
import { bceWithLogits, checkCtrBatch } from './ctrModel.js';

describeBackends('CTR features and batches', () => {
  it('item = [id embedding ‖ mean of its side-feature embeddings]; padding embeds to zeros', () => {
    const f = new CtrFeatures({ numItems: 3, numAttributes: 4, embedDim: 2 }, new Rng(1));
    const item = f.item.table.arraySync();
    const feat = f.feat!.table.arraySync();
    expect(f.itemDim).toBe(4);
    // item 2 with features {1, 3}, item 0 (padding) with none, item 3 with only {4}
    const ids = Int32Array.of(2, 0, 3);
    const feats = Int32Array.of(1, 3, 0, 0, 0, 4);
    const e = f.embedItems(ids, feats, 2, [3]);
    expect(e.shape).toEqual([3, 4]);
    const mean = (a: number[], b: number[]) => a.map((v, i) => (v + b[i]) / 2);
    expectClose(e, [...item[2], ...mean(feat[1], feat[3]), 0, 0, 0, 0, ...item[3], ...feat[4]]);
    expect(() => f.embedItems(Int32Array.of(4), Int32Array.of(0, 0), 2, [1])).toThrow(/item id 4 .* outside 0..3/);
    expect(() => f.embedItems(Int32Array.of(1), Int32Array.of(5, 0), 2, [1])).toThrow(CtrBatchError);
    f.dispose();
  });

  it('user = concatenated profile-field embeddings (own rows per field, unknown = 0 has a row) and user id', () => {
    const f = new CtrFeatures(
      { numItems: 2, profileFields: [{ name: 'gender', numValues: 2 }, { name: 'age', numValues: 3 }], numUsers: 4, useUserId: true, embedDim: 2 },
      new Rng(2),
    );
    expect(f.userDim).toBe(6);
    const table = f.profile!.table.arraySync();
    const users = f.user!.table.arraySync();
    const batch = {
      batchSize: 2, maxLen: 1, users: Int32Array.of(3, 0), items: Int32Array.of(1, 2), labels: Float32Array.of(1, 0),
      history: Int32Array.of(0, 1), historyLength: Int32Array.of(0, 1),
      userFeatures: { age: Int32Array.of(0, 3), gender: Int32Array.of(2, 0) },
    };
    const u = f.embedUser(batch)!;
    // field 0 rows 1..3 (ids 0..2), field 1 rows 4..7 (ids 0..3)
    expectClose(u, [...table[3], ...table[4], ...users[3], ...table[1], ...table[7], ...users[0]]);
    expect(() => f.embedUser({ ...batch, userFeatures: { ...batch.userFeatures, gender: Int32Array.of(3, 0) } })).toThrow(
      /userFeatures.gender\[0\] = 3 is outside 0..2/,
    );
    expect(() => f.embedUser({ ...batch, userFeatures: { gender: Int32Array.of(1, 1) } })).toThrow(/userFeatures.age must have 2 entries/);
    f.dispose();
  });

  it('makeCtrBatch left-pads, keeps the most recent maxLen items, looks up features and profiles', () => {
    const attrs = { values: [undefined, [7], [8, 9], []] };
    const b = makeCtrBatch(
      [
        { user: 1, item: 2, label: 1, history: [1, 3, 2, 1] },
        { user: 0, item: 1, label: 0, history: [3] },
      ],
      { maxLen: 3, itemAttributes: attrs, userProfile: { fields: { age: { values: Int32Array.of(5, 6) } } } },
    );
    expect(b.numAttrSlots).toBe(2);
    expect(Array.from(b.history)).toEqual([3, 2, 1, 0, 0, 3]);
    expect(Array.from(b.historyLength)).toEqual([3, 1]);
    expect(Array.from(b.itemAttrs!)).toEqual([8, 9, 7, 0]);
    expect(Array.from(b.historyAttrs!)).toEqual([0, 0, 8, 9, 7, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(b.userFeatures!.age)).toEqual([6, 5]);
    expect(Array.from(b.labels)).toEqual([1, 0]);
    expect(() => checkCtrBatch(b, 'test')).not.toThrow();
    expect(() => checkCtrBatch({ ...b, history: b.history.subarray(1) }, 'DIN')).toThrow(/DIN: batch.history has 5 entries, expected 6/);
    expect(() => checkCtrBatch({ ...b, userFeatures: { age: Int32Array.of(1) } }, 'DIN')).toThrow(/userFeatures.age has 1 entries/);
  });

  it('bceWithLogits equals the hand-computed binary cross-entropy and is stable at large logits', () => {
    const v = bceWithLogits(tf.tensor1d([0, 2, -1, 80]), tf.tensor1d([1, 0, 0, 1]));
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    const want = (-Math.log(s(0)) - Math.log(1 - s(2)) - Math.log(1 - s(-1)) + 0) / 4;
    expectClose(v, [want]);
    expect(Number.isFinite(bceWithLogits(tf.tensor1d([-200]), tf.tensor1d([1])).dataSync()[0])).toBe(true);
  });
});
