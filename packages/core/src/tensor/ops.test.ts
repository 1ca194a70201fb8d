import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '../test/index.js';
import { linear, matMulFast } from './dense.js';
import { gatherRows } from './gatherRows.js';
import { Embedding, embeddingLookup } from './embedding.js';
import { randomNormal } from './init.js';
import { Adam } from './optimizer.js';
import { Rng } from './rng.js';
import { edgeTensors, segmentSum, spmm } from './segment.js';

describeBackends('custom gradients', () => {
  it('embeddingLookup: value equals gather, gradient passes a finite-difference check (duplicate ids)', () => {
    const rng = new Rng(1);
    const table = randomNormal([6, 3], 1, rng);
    const ids = Int32Array.from([1, 3, 3, 0, 5, 1]);
    const w = randomNormal([6, 3], 1, rng);
    expectClose(embeddingLookup(table as tf.Tensor2D, ids), tf.gather(table, Array.from(ids)));
    gradCheck((t) => tf.sum(tf.mul(tf.square(embeddingLookup(t as tf.Tensor2D, ids)), w)), [table]);
  });

  it('matMulFast: every transpose combination matches tf.matMul and passes a gradient check', () => {
    const rng = new Rng(2);
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = randomNormal(tA ? [4, 3] : [3, 4], 1, rng) as tf.Tensor2D;
      const b = randomNormal(tB ? [5, 4] : [4, 5], 1, rng) as tf.Tensor2D;
      const w = randomNormal([3, 5], 1, rng);
      expectClose(matMulFast(a, b, tA, tB), tf.matMul(a, b, tA, tB));
      gradCheck((x, y) => tf.sum(tf.mul(matMulFast(x as tf.Tensor2D, y as tf.Tensor2D, tA, tB), w)), [a, b]);
    }
  });

  it('linear over a rank-3 input matches the einsum and has correct gradients', () => {
    const rng = new Rng(3);
    const x = randomNormal([2, 3, 4], 1, rng);
    const w = randomNormal([4, 2], 1, rng) as tf.Tensor2D;
    const b = randomNormal([2], 1, rng) as tf.Tensor1D;
    const out = linear(x, w, b);
    expect(out.shape).toEqual([2, 3, 2]);
    expectClose(out, tf.reshape(tf.add(tf.matMul(tf.reshape(x, [6, 4]), w), b), [2, 3, 2]));
    gradCheck((xx, ww, bb) => tf.sum(tf.square(linear(xx, ww as tf.Tensor2D, bb as tf.Tensor1D))), [x, w, b]);
  });

  it('segmentSum and spmm: values by hand and gradient checks', () => {
    const data = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const seg = tf.tensor1d([2, 0, 2], 'int32');
    // segment 0 = row 1; segment 1 = nothing; segment 2 = row 0 + row 2
    expectClose(segmentSum(data, seg, 3), tf.tensor2d([[3, 4], [0, 0], [6, 8]]));
    const w = tf.tensor2d([[1, -1], [2, 0.5], [0.3, 3]]);
    gradCheck((x) => tf.sum(tf.mul(tf.square(segmentSum(x as tf.Tensor2D, seg, 3)), w)), [data]);

    // A = [[0, 2, 0], [1, 0, 1]] (2x3); x is 3x2 -> A x = [[2*x1], [x0 + x2]]
    const edges = edgeTensors({
      rows: Int32Array.from([0, 1, 1]), cols: Int32Array.from([1, 0, 2]), vals: Float32Array.from([2, 1, 1]),
      numRows: 2, numCols: 3,
    });
    expectClose(spmm(edges, data), tf.tensor2d([[6, 8], [6, 8]]));
    const w2 = tf.tensor2d([[1, 2], [-1, 0.5]]);
    gradCheck((x) => tf.sum(tf.mul(tf.square(spmm(edges, x as tf.Tensor2D)), w2)), [data]);
    edges.dispose();
  });
});

describeBackends('Embedding and Adam', () => {
  const setup = (mode: 'sparse' | 'scatter', seed = 4) => {
    const rng = new Rng(seed);
    const emb = new Embedding(8, 4, { grad: mode, rng });
    const w = tf.variable(randomNormal([4, 1], 1, rng), true);
    return { emb, w };
  };
  const lossOf = (emb: Embedding, w: tf.Variable, ids: Int32Array) => () =>
    tf.tidy(() => tf.mean(tf.square(tf.sub(tf.matMul(emb.lookup(ids) as tf.Tensor2D, w as tf.Tensor2D), 1))) as tf.Scalar);

  it('padding row starts at zero and never changes', () => {
    const { emb, w } = setup('sparse');
    const opt = new Adam({ lr: 0.1 });
    opt.step(lossOf(emb, w, Int32Array.from([0, 1, 0, 2])), [emb.table, w]);
    expectClose(tf.gather(emb.table, [0]), tf.zeros([1, 4]));
    opt.dispose();
    emb.dispose();
    w.dispose();
  });

  it('lazy Adam on the touched rows equals dense Adam when every row is touched every step', () => {
    const all = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 1, 3]);
    const a = setup('sparse');
    const b = setup('scatter');
    const oa = new Adam({ lr: 0.05 });
    const ob = new Adam({ lr: 0.05 });
    for (let s = 0; s < 5; s++) {
      const la = oa.step(lossOf(a.emb, a.w, all), [a.emb.table, a.w]);
      const lb = ob.step(lossOf(b.emb, b.w, all), [b.emb.table, b.w]);
      expect(Math.abs(la - lb)).toBeLessThan(1e-4);
    }
    expectClose(a.emb.table, b.emb.table);
    expectClose(a.w, b.w);
    [oa, ob, a.emb, b.emb, a.w, b.w].forEach((x) => x.dispose());
  });

  it('lazy Adam leaves untouched rows exactly as they were, and a step leaks no tensor', async () => {
    const { emb, w } = setup('sparse');
    const opt = new Adam({ lr: 0.05 });
    const before = emb.table.arraySync();
    const ids = Int32Array.from([2, 5, 5]);
    opt.step(lossOf(emb, w, ids), [emb.table, w]); // creates the slots
    await expectNoLeak(() => {
      for (let s = 0; s < 3; s++) opt.step(lossOf(emb, w, ids), [emb.table, w]);
    });
    const after = emb.table.arraySync();
    for (const r of [0, 1, 3, 4, 6, 7]) expect(after[r]).toEqual(before[r]);
    for (const r of [2, 5]) expect(after[r]).not.toEqual(before[r]);
    opt.dispose();
    emb.dispose();
    w.dispose();
  });

  it('the loss decreases and a non-finite loss updates nothing', () => {
    const { emb, w } = setup('sparse');
    const opt = new Adam({ lr: 0.05 });
    const ids = Int32Array.from([1, 2, 3]);
    const first = opt.step(lossOf(emb, w, ids), [emb.table, w]);
    let last = first;
    for (let s = 0; s < 50; s++) last = opt.step(lossOf(emb, w, ids), [emb.table, w]);
    expect(last).toBeLessThan(first * 0.5);
    const snap = emb.table.arraySync();
    const nan = opt.step(() => tf.tidy(() => tf.mul(tf.sum(emb.lookup(ids)), NaN) as tf.Scalar), [emb.table, w]);
    expect(Number.isNaN(nan)).toBe(true);
    expect(emb.table.arraySync()).toEqual(snap);
    opt.dispose();
    emb.dispose();
    w.dispose();
  });

  it('applyGradients with given gradients makes the update step makes (repeated ids, padding, whole-table gradient) and leaks nothing', async () => {
    const a = setup('sparse', 9);
    const b = setup('sparse', 9);
    const oa = new Adam({ lr: 0.05 });
    const ob = new Adam({ lr: 0.05 });
    const ids = Int32Array.from([0, 2, 5, 5, 3]);
    const rowLoss = (rows: tf.Tensor, w: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.matMul(rows as tf.Tensor2D, w as tf.Tensor2D), 1))) as tf.Scalar;
    const tableLoss = (t: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.matMul(t as tf.Tensor2D, w as tf.Tensor2D))) as tf.Scalar;
    const stepBoth = (s: number) => {
      if (s % 3 === 2) {
        oa.step(() => tf.tidy(() => tableLoss(a.emb.all(), a.w)), [a.emb.table, a.w]);
        const [gt, gw] = tf.grads(tableLoss)([b.emb.table, b.w]);
        ob.applyGradients(new Map([[b.emb.table, { dense: gt }], [b.w, { dense: gw }]] as const));
        tf.dispose([gt, gw]);
      } else {
        oa.step(() => tf.tidy(() => rowLoss(a.emb.lookup(ids), a.w)), [a.emb.table, a.w]);
        const rows = tf.gather(b.emb.table, ids);
        const [gr, gw] = tf.grads(rowLoss)([rows, b.w]);
        ob.applyGradients(new Map([[b.emb.table, { ids, rows: gr as tf.Tensor2D }], [b.w, { dense: gw }]] as const));
        tf.dispose([rows, gr, gw]);
      }
    };
    stepBoth(0); // creates the slots
    await expectNoLeak(() => {
      for (let s = 1; s < 6; s++) stepBoth(s);
    });
    expectClose(b.emb.table, a.emb.table);
    expectClose(b.w, a.w);
    expect(b.emb.table.arraySync()[0].every((v) => v === 0)).toBe(true); // padding stays 0 under rows and the whole-table gradient
    const [good, bad] = [tf.ones([5, 4]) as tf.Tensor2D, tf.zeros([5, 1]) as tf.Tensor2D];
    const tableBefore = b.emb.table.arraySync();
    expect(() => ob.applyGradients(new Map([[b.emb.table, { ids, rows: good }], [b.w, { ids, rows: bad }]]))).toThrow(/not an embedding table in sparse mode/);
    expect(b.emb.table.arraySync()).toEqual(tableBefore); // the rejected call changed nothing
    expect(b.emb.drainSparseGrad()).toBeNull(); // and left no collected rows for the next step
    tf.dispose([good, bad]);
    [oa, ob, a.emb, b.emb, a.w, b.w].forEach((x) => x.dispose());
  });

  it('Embedding.all() sends a whole-table gradient', () => {
    const { emb, w } = setup('sparse');
    const opt = new Adam({ lr: 0.05 });
    const before = emb.table.arraySync();
    opt.step(() => tf.tidy(() => tf.sum(tf.square(tf.matMul(emb.all(), w as tf.Tensor2D))) as tf.Scalar), [emb.table, w]);
    const after = emb.table.arraySync();
    expect(after[0]).toEqual(before[0]); // padding
    for (let r = 1; r < 8; r++) expect(after[r]).not.toEqual(before[r]);
    opt.dispose();
    emb.dispose();
    w.dispose();
  });
});

describe('Adam state', () => {
  it('getState/setState resumes to the same weights as an uninterrupted run', () => {
    const run = (split: boolean) => {
      const rng = new Rng(9);
      const emb = new Embedding(6, 3, { rng });
      const w = tf.variable(randomNormal([3, 1], 1, rng), true);
      const vars = [emb.table, w];
      let opt = new Adam({ lr: 0.1 });
      const loss = () => tf.tidy(() => tf.sum(tf.square(tf.matMul(emb.lookup(Int32Array.from([1, 2, 4])) as tf.Tensor2D, w as tf.Tensor2D))) as tf.Scalar);
      for (let s = 0; s < 6; s++) {
        if (split && s === 3) {
          const st = opt.getState(vars);
          opt.dispose();
          opt = new Adam({ lr: 0.1 });
          opt.setState(vars, st);
          tf.dispose(st.slots.flat());
        }
        opt.step(loss, vars);
      }
      const out = [emb.table.arraySync(), w.arraySync()];
      opt.dispose();
      emb.dispose();
      w.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });
});

describeBackends('gatherRows', () => {
  it('picks x[b, idx[b, c]] on every backend (tf.gather with batchDims is wrong on wasm)', () => {
    const x = tf.tensor2d([[10, 11, 12], [20, 21, 22]]);
    const idx = tf.tensor2d([[2, 0], [1, 1]], [2, 2], 'int32');
    expectClose(gatherRows(x, idx), tf.tensor2d([[12, 10], [21, 21]]));
    gradCheck((xx) => tf.sum(tf.square(gatherRows(xx as tf.Tensor2D, idx))), [x]);
  });
});
