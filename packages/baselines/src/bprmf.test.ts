import * as tf from '@tensorflow/tfjs-core';
import { Adam, Rng } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { BPRMF } from './bprmf.js';
import { cfTrainBatches, CFInputError } from './cfBatch.js';
import { allUsers, describeAcrossBackends, itRecommends, itSavesAndLoads, smallCF as small, trainedOneEpoch } from './testing/cfTestkit.js';

describeBackends('BPR-MF', () => {
  it('loss and scores match a hand computation', () => {
    const init = { users: tf.tensor2d([[1, 2], [0, -1]]), items: tf.tensor2d([[5, 5], [1, 0], [0, 1], [2, 2]]) };
    const m = new BPRMF({ numUsers: 2, numItems: 3 }, { dim: 2, l2: 0.2, init });
    // x_ui = ⟨w_u, h_i⟩; padding item row zeroed.
    expectClose(m.scoreAll({ users: Int32Array.of(0, 1) }), tf.tensor2d([[0, 1, 2, 6], [0, 0, -1, -2]]));
    expectClose(m.score({ users: Int32Array.of(1) }, tf.tensor2d([[3, 1]], [1, 2], 'int32')), tf.tensor2d([[-2, 0]]));
    // rows (u0, 3, 1) and (u1, 1, 2): softplus(1 - 6) and softplus(-1 - 0), mean; L2 ½ Σ‖·‖² / 2.
    const sp = (x: number) => Math.log(1 + Math.exp(x));
    const l2 = 0.2 * 0.5 * ((5 + 8 + 1) + (1 + 1 + 1)) / 2;
    expectClose(m.loss({ users: Int32Array.of(0, 1), pos: Int32Array.of(3, 1), neg: Int32Array.of(1, 2) }), (sp(-5) + sp(-1)) / 2 + l2);
    m.dispose();
    tf.dispose(init);
  });

  it('shapes, input checks, and numTensors unchanged across training steps (row-sparse Adam)', () => {
    const data = small();
    const m = new BPRMF(data, { dim: 8, seed: 2 });
    const b = { users: Int32Array.of(0, 5, 11) };
    expect(m.scoreAll(b).shape).toEqual([3, 21]);
    expect(m.score(b, tf.zeros([3, 4], 'int32') as tf.Tensor2D).shape).toEqual([3, 4]);
    expect(() => m.scoreAll({ users: Int32Array.of(-1) })).toThrow(/batch.users\[0\] = -1/);
    expect(() => m.loss({ users: Int32Array.of(0), pos: Int32Array.of(21), neg: Int32Array.of(1) })).toThrow(CFInputError);
    expect(() => new BPRMF({ numUsers: 0, numItems: 3 })).toThrow(/numUsers/);
    const opt = new Adam({ lr: 0.01 });
    const batches = [...cfTrainBatches(data, { batchSize: 8, rng: new Rng(3) })];
    const row11 = () => tf.tidy(() => tf.slice(m.userEmb.table, [11, 0], [1, 8]).arraySync());
    const before11 = row11();
    opt.step(() => m.loss(batches[0]), m.variables()); // creates the optimizer's slots
    // Only the batch's rows move (LazyAdam): user 11 is not in the first batch.
    expect(batches[0].users.includes(11)).toBe(false);
    expect(row11()).toEqual(before11);
    const base = tf.memory().numTensors;
    let last = 0;
    for (const bb of batches.slice(1)) last = opt.step(() => m.loss(bb), m.variables());
    expect(Number.isFinite(last)).toBe(true);
    expect(tf.memory().numTensors).toBe(base);
    opt.dispose();
    m.dispose();
  });

  itRecommends((data) => new BPRMF(data, { dim: 8, seed: 6 }));

  itSavesAndLoads({
    build: () => trainedOneEpoch(small(5), (d) => new BPRMF(d, { dim: 8, l2: 1e-3, seed: 7 }), 0.05, 1),
    load: BPRMF.load,
    users: allUsers(12),
    check: (l) => expect(l.config).toEqual({ dim: 8, l2: 1e-3 }),
  });
});

describeAcrossBackends('BPR-MF', {
  build: () => trainedOneEpoch(small(6), (d) => new BPRMF(d, { dim: 8, seed: 8 }), 0.05, 2),
  load: BPRMF.load,
  users: allUsers(12),
  tol: 1e-5,
});
