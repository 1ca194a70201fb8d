import * as tf from '@tensorflow/tfjs-core';
import { Adam, registerNative, registerWasm, Rng } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BPRMF } from './bprmf.js';
import { cfInteractions, cfTrainBatches, CFInputError } from './cfBatch.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bprmf-'));

/** A small random CF set: 12 users, 20 items, 5 draws each. */
function small(seed = 1) {
  const rng = new Rng(seed);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 12; u++) for (let k = 0; k < 5; k++) (users.push(u), items.push(1 + rng.int(20)));
  return cfInteractions(12, 20, users, items);
}

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

  it('recommendForUser never returns an excluded item; recommend folds a history in and never returns it', async () => {
    const data = small(4);
    const m = new BPRMF(data, { dim: 8, seed: 6 });
    for (let u = 0; u < data.numUsers; u++) {
      const rec = await m.recommendForUser(u, 12, data.userItems[u]);
      expect(rec).toHaveLength(12);
      for (const i of rec) expect(data.userItems[u].includes(i)).toBe(false);
    }
    const h = [2, 4];
    const r = await m.recommend(h, 18);
    expect(r).toHaveLength(18);
    for (const i of r) expect(h.includes(i)).toBe(false);
    await expect(m.recommend([0], 3)).rejects.toThrow(/history\[0\] = 0 is outside 1..20/);
    m.dispose();
  });

  it('save/load gives identical scores', async () => {
    const data = small(5);
    const m = new BPRMF(data, { dim: 8, l2: 1e-3, seed: 7 });
    const opt = new Adam({ lr: 0.05 });
    for (const b of cfTrainBatches(data, { batchSize: 16, rng: new Rng(1) })) opt.step(() => m.loss(b), m.variables());
    const dir = tmp();
    await m.save(dir);
    const l = await BPRMF.load(dir);
    expect(l.config).toEqual({ dim: 8, l2: 1e-3 });
    const users = { users: Int32Array.from({ length: 12 }, (_, u) => u) };
    expect(l.scoreAll(users).arraySync()).toEqual(m.scoreAll(users).arraySync());
    opt.dispose();
    m.dispose();
    l.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('BPR-MF across backends', () => {
  let ok = true;
  beforeAll(async () => {
    ok = registerNative() === null && (await registerWasm()) === null;
  });
  afterAll(async () => {
    if (ok) await tf.setBackend('tensorflow');
  });

  it('saved on tensorflow, loaded on wasm: the same scores', async (ctx) => {
    if (!ok) ctx.skip();
    await tf.setBackend('tensorflow');
    const data = small(6);
    const m = new BPRMF(data, { dim: 8, seed: 8 });
    const opt = new Adam({ lr: 0.05 });
    for (const b of cfTrainBatches(data, { batchSize: 16, rng: new Rng(2) })) opt.step(() => m.loss(b), m.variables());
    const users = { users: Int32Array.from({ length: 12 }, (_, u) => u) };
    const want = m.scoreAll(users).arraySync();
    const dir = tmp();
    await m.save(dir);
    await tf.setBackend('wasm');
    const l = await BPRMF.load(dir);
    expectClose(l.scoreAll(users), tf.tensor2d(want), 1e-5);
    l.dispose();
    await tf.setBackend('tensorflow');
    opt.dispose();
    m.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
