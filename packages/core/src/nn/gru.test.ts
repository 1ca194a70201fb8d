import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '../test/index.js';
import { AUGRUCell, GRUCell, augruScan, gruScan } from './gru.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** Plain-JS GRU step from the equations (DIEN eqs. 1–4), gate scale `s` on u. */
function refStep(cell: GRUCell, x: number[], h: number[], s = 1): number[] {
  const H = cell.hidden;
  const wx = cell.wx.arraySync();
  const wh = cell.wh.arraySync();
  const b = cell.b.arraySync();
  const pre = (g: number, j: number, withH: boolean) => {
    let v = 0;
    for (let i = 0; i < x.length; i++) v += x[i] * wx[i][g * H + j];
    if (withH) for (let i = 0; i < H; i++) v += h[i] * wh[i][g * H + j];
    return v + b[g * H + j];
  };
  const out: number[] = [];
  for (let j = 0; j < H; j++) {
    const u = sig(pre(0, j, true)) * s;
    const r = sig(pre(1, j, true));
    let uh = 0;
    for (let i = 0; i < H; i++) uh += h[i] * wh[i][2 * H + j];
    let xh = b[2 * H + j];
    for (let i = 0; i < x.length; i++) xh += x[i] * wx[i][2 * H + j];
    const c = Math.tanh(xh + r * uh);
    out.push((1 - u) * h[j] + u * c);
  }
  return out;
}

describeBackends('GRUCell / gruScan', () => {
  it('matches a hand-unrolled computation of the equations for 2 steps', () => {
    const rng = new Rng(1);
    const cell = new GRUCell(3, 4, rng);
    tf.tidy(() => cell.b.assign(tf.tensor1d(Array.from({ length: 12 }, (_, i) => 0.05 * (i - 6)))));
    const x = [
      [
        [0.5, -1, 0.25],
        [1, 0.3, -0.7],
      ],
    ];
    const h1 = refStep(cell, x[0][0], [0, 0, 0, 0]);
    const h2 = refStep(cell, x[0][1], h1);
    const xs = tf.tensor3d(x);
    const out = gruScan(cell, xs, tf.ones([1, 2]));
    expect(out.shape).toEqual([1, 2, 4]);
    expectClose(out, [...h1, ...h2]);
    // step() agrees with the scan
    const s1 = cell.step(tf.tensor2d([x[0][0]]), tf.zeros([1, 4]));
    expectClose(s1, h1);
    tf.dispose([xs, out, s1]);
    cell.dispose();
  });

  it('keeps h unchanged at padded positions (left padding = same as the unpadded sequence)', () => {
    const rng = new Rng(2);
    const cell = new GRUCell(2, 3, rng);
    const seq = [
      [0.2, -0.4],
      [0.9, 0.1],
      [-0.3, 0.5],
    ];
    const junk = [
      [5, -7],
      [3, 2],
    ];
    const padded = tf.tensor3d([[...junk, ...seq]]);
    const mask = tf.tensor2d([[0, 0, 1, 1, 1]]);
    const plain = tf.tensor3d([seq]);
    const a = gruScan(cell, padded, mask);
    const b = gruScan(cell, plain, null);
    const av = a.arraySync()[0];
    expect(av[0]).toEqual([0, 0, 0]);
    expect(av[1]).toEqual([0, 0, 0]);
    expectClose(tf.tensor(av.slice(2)), tf.squeeze(b, [0]));
    // padding in the middle carries the previous state bit-for-bit
    const mid = gruScan(cell, padded, tf.tensor2d([[1, 0, 1, 0, 1]]));
    const mv = mid.arraySync()[0];
    expect(mv[1]).toEqual(mv[0]);
    expect(mv[3]).toEqual(mv[2]);
    tf.dispose([padded, mask, plain, a, b, mid]);
    cell.dispose();
  });

  it('has correct gradients (finite differences) and does not leak', async () => {
    const cell = new GRUCell(2, 3, new Rng(3));
    const xs = tf.tensor3d([[[0.3, -0.2], [0.1, 0.8], [-0.5, 0.4]]]);
    const mask = tf.tensor2d([[0, 1, 1]]);
    const f = (x: tf.Tensor, wx: tf.Tensor, wh: tf.Tensor) => {
      const c = Object.create(GRUCell.prototype) as GRUCell;
      Object.assign(c, { inDim: 2, hidden: 3, wx, wh, b: cell.b });
      return tf.sum(tf.square(gruScan(c, x as tf.Tensor3D, mask))) as tf.Scalar;
    };
    gradCheck(f, [xs, cell.wx, cell.wh], { eps: 1e-2, tol: 3e-2 });
    await expectNoLeak(() => {
      tf.dispose(tf.grads((x: tf.Tensor) => tf.sum(gruScan(cell, x as tf.Tensor3D, mask)))([xs]));
    });
    tf.dispose([xs, mask]);
    cell.dispose();
  });

  it('fused backward (BPTT) equals autodiff of the unrolled steps, incl. attention scale and h0', () => {
    const cell = new AUGRUCell(3, 4, new Rng(6));
    tf.tidy(() => cell.b.assign(tf.randomNormal([12], 0, 0.3, 'float32', 2)));
    const xs = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 3) as tf.Tensor3D;
    const att = tf.tensor2d([[0.2, 0.9, 0.5, 1], [0, 0.3, 0.7, 0.4]]);
    const mask = tf.tensor2d([[1, 1, 1, 1], [0, 0, 1, 1]]);
    const h0 = tf.randomNormal([2, 4], 0, 0.5, 'float32', 4) as tf.Tensor2D;
    const weights = tf.randomNormal([2, 4, 4], 0, 1, 'float32', 5);
    const unrolled = (x: tf.Tensor, a: tf.Tensor, h: tf.Tensor) => {
      const xp = cell.project(x) as tf.Tensor3D;
      const steps = tf.unstack(xp, 1) as tf.Tensor2D[];
      const sc = tf.unstack(tf.reshape(tf.mul(a, mask), [2, 4, 1]), 1);
      let hh = h as tf.Tensor2D;
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < 4; t++) {
        hh = cell.stepProjected(steps[t], hh, sc[t]);
        outs.push(hh);
      }
      return tf.sum(tf.mul(tf.stack(outs, 1), weights)) as tf.Scalar;
    };
    const fused = (x: tf.Tensor, a: tf.Tensor, h: tf.Tensor) =>
      tf.sum(tf.mul(augruScan(cell, x as tf.Tensor3D, a as tf.Tensor2D, mask, { h0: h as tf.Tensor2D }), weights)) as tf.Scalar;
    const want = tf.grads(unrolled)([xs, att, h0]);
    const got = tf.grads(fused)([xs, att, h0]);
    got.forEach((g, i) => expectClose(g, want[i]));
    const wv = (f: typeof fused) => tf.variableGrads(() => f(xs, att, h0), cell.variables());
    const a = wv(unrolled);
    const b = wv(fused);
    for (const v of cell.variables()) expectClose(b.grads[v.name], a.grads[v.name]);
    expectClose(b.value, a.value);
    gradCheck(fused, [xs, att, h0], { eps: 1e-2, tol: 3e-2 });
    tf.dispose([xs, att, mask, h0, weights, want, got, a.value, b.value, Object.values(a.grads), Object.values(b.grads)]);
    cell.dispose();
  });

  it('AUGRU scales the update gate by attention; a = 0 keeps h, a = 1 is a GRU step', () => {
    const cell = new AUGRUCell(2, 3, new Rng(4));
    const xs = tf.tensor3d([[[0.3, -0.2], [0.1, 0.8]]]);
    const full = augruScan(cell, xs, tf.tensor2d([[1, 1]]), tf.ones([1, 2]));
    const gru = gruScan(cell, xs, null);
    expectClose(full, gru);
    const half = augruScan(cell, xs, tf.tensor2d([[0.5, 0.25]]), tf.ones([1, 2]));
    const h1 = refStep(cell, [0.3, -0.2], [0, 0, 0], 0.5);
    const h2 = refStep(cell, [0.1, 0.8], h1, 0.25);
    expectClose(half, [...h1, ...h2]);
    const zero = augruScan(cell, xs, tf.tensor2d([[0, 0.7]]), tf.tensor2d([[1, 0]]));
    expect(zero.arraySync()[0][0]).toEqual([0, 0, 0]);
    expect(zero.arraySync()[0][1]).toEqual([0, 0, 0]);
    const st = cell.stepAttention(tf.tensor2d([[0.3, -0.2]]), tf.zeros([1, 3]), tf.tensor1d([0.5]));
    expectClose(st, h1);
    tf.dispose([xs, full, gru, half, zero, st]);
    cell.dispose();
  });

  it('a training pass launches a bounded number of kernels per step (native: 12 forward + 4 backward; on wasm the matMul path adds 3)', async () => {
    // The scan is bound by kernel launches on real shapes (DIEN: B 128, L 50), so its kernel count is
    // its cost model; the layout before this one took about 41 per step (tf.stack, per-step backward
    // factors), and this catches a return to that.
    const cell = new AUGRUCell(3, 4, new Rng(6));
    const kernels = async (L: number) => {
      const xs = tf.randomNormal([2, L, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
      const att = tf.ones([2, L]) as tf.Tensor2D;
      const p = await tf.profile(() => {
        const g = tf.variableGrads(() => tf.sum(augruScan(cell, xs, att, att)) as tf.Scalar, cell.variables());
        tf.dispose([g.value, ...Object.values(g.grads)]);
      });
      tf.dispose([xs, att]);
      return p.kernels.length;
    };
    const [k10, k30] = [await kernels(10), await kernels(30)];
    const perStep = (k30 - k10) / 20;
    expect(perStep).toBeLessThanOrEqual(tf.getBackend() === 'wasm' ? 19 : 16);
    expect(k10 - 10 * perStep).toBeLessThan(120);
    cell.dispose();
  });

  it('rejects wrong shapes with a clear error', () => {
    const cell = new GRUCell(2, 3, new Rng(5));
    const xs = tf.zeros([1, 2, 4]) as tf.Tensor3D;
    expect(() => gruScan(cell, xs, null)).toThrow(/xs must be \[B, L, 2\]/);
    tf.dispose(xs);
    cell.dispose();
  });
});
