import * as tf from '@tensorflow/tfjs-core';
import { gruScan } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { describe, expect, it } from 'vitest';
import { bprMaxLoss, negativesAt, sampledSoftmaxLoss, softmaxLoss, targetPositions, targetRows } from './nextItemLoss.js';
import { GRU4REC_DEFAULTS, GRU4Rec, gru4recConfig } from './gru4rec.js';

describe('GRU4Rec config', () => {
  it('defaults and validation naming the key', () => {
    expect(gru4recConfig({ numItems: 3 })).toEqual({ ...GRU4REC_DEFAULTS, numItems: 3 });
    expect(() => gru4recConfig({ numItems: 3, loss: 'bce' as 'ce' })).toThrow(/GRU4Rec config.loss must be one of 'ce', 'bprMax', 'sampled'/);
    expect(() => gru4recConfig({ numItems: 3, hidden: 0 })).toThrow(/config.hidden/);
  });
});

describeBackends('GRU4Rec', () => {
  it('encoder = GRU over the item embeddings (projected when hidden differs); user vector = last state', () => {
    const m = new GRU4Rec({ numItems: 9, maxLen: 4, dim: 6, hidden: 6, seed: 1 });
    const b = { users: Int32Array.of(0, 1), seqs: Int32Array.from([0, 0, 1, 2, 3, 4, 5, 6]), batchSize: 2, maxLen: 4 };
    const x = tf.reshape(tf.gather(m.encoder.items.table, tf.tensor1d(b.seqs, 'int32')), [2, 4, 6]) as tf.Tensor3D;
    const mask = tf.tensor2d([[0, 0, 1, 1], [1, 1, 1, 1]]);
    expectClose(m.encode(b), gruScan(m.encoder.cell, x, mask));
    expectClose(m.userVector(b), tf.reshape(tf.slice(gruScan(m.encoder.cell, x, mask), [0, 3, 0], [2, 1, 6]), [2, 6]));
    expect(m.encoder.proj).toBeNull();
    const wide = new GRU4Rec({ numItems: 9, maxLen: 4, dim: 6, hidden: 10, seed: 1 });
    expect(wide.encode(b).shape).toEqual([2, 4, 6]);
    expect(wide.variables()).toHaveLength(1 + 3 + 2);
    m.dispose();
    wide.dispose();
  });

  it('each loss option is the shared loss over the target positions', () => {
    const b = {
      users: Int32Array.of(0, 1),
      seqs: Int32Array.from([0, 1, 2, 3, 4, 5]),
      targets: Int32Array.from([0, 2, 3, 4, 5, 6]),
      negatives: Int32Array.from([0, 0, 7, 8, 9, 7, 8, 9, 1, 2, 3, 1]),
      batchSize: 2,
      maxLen: 3,
    };
    const pos = targetPositions(b.targets);
    const neg = negativesAt(b.negatives, pos.index, 6);
    for (const loss of ['ce', 'bprMax', 'sampled'] as const) {
      const m = new GRU4Rec({ numItems: 9, maxLen: 3, dim: 4, hidden: 4, loss, bpreg: 0.5, seed: 2 });
      const h = targetRows(m.encode(b), pos.index);
      const items = m.encoder.items;
      const want =
        loss === 'ce'
          ? softmaxLoss(h, items.table, pos.targets, 9)
          : loss === 'bprMax'
            ? bprMaxLoss(h, items, pos.targets, neg, 0.5)
            : sampledSoftmaxLoss(h, items, pos.targets, neg);
      expectClose(m.loss(b), want);
      items.clearSparseGrad();
      if (loss !== 'ce') expect(() => m.loss({ ...b, negatives: undefined })).toThrow(/needs batch.negatives/);
      m.dispose();
    }
  });
});
