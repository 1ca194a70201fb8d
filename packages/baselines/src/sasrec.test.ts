import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { describe, expect, it } from 'vitest';
import { bceLoss, softmaxLoss, targetPositions, targetRows } from './nextItemLoss.js';
import { SASREC_DEFAULTS, SASRec, sasrecConfig } from './sasrec.js';

const batch = (seqs: number[], targets: number[], negatives: number[], B: number, L: number) => ({
  users: Int32Array.from({ length: B }, (_, i) => i),
  seqs: Int32Array.from(seqs),
  targets: Int32Array.from(targets),
  negatives: Int32Array.from(negatives),
  batchSize: B,
  maxLen: L,
});

describe('SASRec config', () => {
  it('fills the paper defaults, keeps explicit values, ignores undefined, and names a bad key', () => {
    const c = sasrecConfig({ numItems: 10, dim: 32, heads: undefined });
    expect(c).toEqual({ ...SASREC_DEFAULTS, numItems: 10, dim: 32 });
    expect(SASREC_DEFAULTS).toMatchObject({ maxLen: 50, dim: 64, blocks: 2, heads: 1, loss: 'bce', eps: 1e-8 });
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(() => sasrecConfig({ numItems: 0 })).toThrow(/SASRec config.numItems must be an integer >= 1, got 0/);
    expect(() => sasrecConfig({ numItems: 5, dim: 10, heads: 3 })).toThrow(/config.heads must be a divisor of dim/);
    expect(() => sasrecConfig({ numItems: 5, loss: 'bpr' as 'bce' })).toThrow(/config.loss must be one of 'bce', 'ce'/);
    expect(() => sasrecConfig({ numItems: 5, dropout: 1 })).toThrow(/config.dropout/);
  });
});

describeBackends('SASRec', () => {
  it('loss is BCE (eq. 5) or CE over the encoder states at the target positions', () => {
    const m = new SASRec({ numItems: 6, maxLen: 4, dim: 8, dropout: 0.3, seed: 3 });
    const b = batch([0, 1, 2, 3, 0, 0, 4, 5], [0, 2, 3, 4, 0, 0, 5, 6], [0, 5, 6, 1, 0, 0, 1, 2], 2, 4);
    const pos = targetPositions(b.targets);
    // inference mode: the loss is a function of the encoder output only
    const h = targetRows(m.encode(b), pos.index);
    const negs = Int32Array.from(pos.index, (i) => b.negatives[i]);
    expectClose(m.loss(b), bceLoss(h, m.encoder.items, pos.targets, negs));
    const ce = new SASRec({ numItems: 6, maxLen: 4, dim: 8, dropout: 0.3, seed: 3, loss: 'ce' });
    expectClose(ce.loss(b), softmaxLoss(h, ce.encoder.items.table, pos.targets, 6));
    // training mode: dropout makes it differ, deterministically under the model's seed
    m.setTraining(true);
    const s = m.rng.getState();
    const a1 = m.loss(b).dataSync()[0];
    m.rng.setState(s);
    const a2 = m.loss(b).dataSync()[0];
    expect(a1).toBe(a2);
    expect(a1).not.toBeCloseTo(m.loss(b).dataSync()[0], 6);
    expect(() => m.loss({ ...b, negatives: undefined })).toThrow(/needs batch.negatives/);
    expect(() => m.loss({ ...b, targets: undefined })).toThrow(/batch.targets is required/);
    m.dispose();
    ce.dispose();
  });

  it('the encoder is a reusable backbone: userVector = last position of encode; scores share the item table', () => {
    const m = new SASRec({ numItems: 9, maxLen: 5, dim: 8, seed: 4 });
    const b = { users: Int32Array.of(0, 1), seqs: Int32Array.from([0, 0, 1, 2, 3, 4, 5, 6, 7, 8]), batchSize: 2, maxLen: 5 };
    const h = m.encoder.encode(b);
    expect(h.shape).toEqual([2, 5, 8]);
    const u = m.encoder.userVector(b);
    expectClose(u, tf.reshape(tf.slice(h, [0, 4, 0], [2, 1, 8]), [2, 8]));
    expectClose(m.scoreAll(b), tf.matMul(u, m.encoder.items.table, false, true));
    // same seed, same weights
    const twin = new SASRec({ numItems: 9, maxLen: 5, dim: 8, seed: 4 });
    expectClose(twin.scoreAll(b), m.scoreAll(b), 0);
    expect(m.variables()).toHaveLength(2 + 2 * 16 + 2);
    m.dispose();
    twin.dispose();
  });

  it('Glorot-scale initial weights keep the first logits small (no saturation)', () => {
    const m = new SASRec({ numItems: 12101, maxLen: 50, seed: 0 });
    const std = Math.sqrt(tf.moments(m.encoder.items.table).variance.dataSync()[0]);
    expect(std).toBeGreaterThan(0.005);
    expect(std).toBeLessThan(0.05);
    const rng = new Rng(1);
    const seqs = Int32Array.from({ length: 4 * 50 }, () => 1 + rng.int(12101));
    const s = m.scoreAll({ users: new Int32Array(4), seqs, batchSize: 4, maxLen: 50 });
    expect(tf.max(tf.abs(s)).dataSync()[0]).toBeLessThan(5);
    m.dispose();
  });
});
