import * as tf from '@tensorflow/tfjs-core';
import { Adam, Embedding, Rng, randomNormal } from '@recsuite/core';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import {
  bceLoss,
  bprMaxLoss,
  logSumExpRows,
  negativesAt,
  sampledSoftmaxLoss,
  softmaxLoss,
  softmaxLossOfScores,
  softmaxScores,
  targetPositions,
  targetRows,
} from './nextItemLoss.js';

const softplus = (x: number) => Math.log1p(Math.exp(x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const lse = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0));
};

describeBackends('next-item losses', () => {
  // 5 items (+ padding row 0), d = 2
  const setup = () => {
    const table = tf.tensor2d([[0, 0], [1, 0], [0, 1], [1, 1], [-1, 0.5], [0.5, -2]]);
    const items = new Embedding(6, 2, { init: table, grad: 'sparse' });
    const h = tf.tensor2d([[0.5, -1], [2, 0.25]]);
    return { items, h, E: table.arraySync(), H: h.arraySync(), table };
  };

  it('targetPositions / targetRows / negativesAt pick the positions with a target', () => {
    const t = Int32Array.from([0, 3, 0, 5]);
    const p = targetPositions(t);
    expect(Array.from(p.index)).toEqual([1, 3]);
    expect(Array.from(p.targets)).toEqual([3, 5]);
    const h = tf.tensor3d([[[1, 1], [2, 2]], [[3, 3], [4, 4]]]);
    expect(targetRows(h, p.index).arraySync()).toEqual([[2, 2], [4, 4]]);
    const neg = Int32Array.from([9, 9, 1, 2, 9, 9, 3, 4]);
    expect(Array.from(negativesAt(neg, p.index, 4))).toEqual([1, 2, 3, 4]);
    expect(() => negativesAt(Int32Array.from([1, 2, 3]), p.index, 4)).toThrow(/batchSize·maxLen·numNegatives/);
  });

  it('bceLoss = mean of softplus(-pos) + Σ softplus(neg), by hand', () => {
    const { items, h, E, H } = setup();
    const targets = Int32Array.from([1, 3]);
    const negs = Int32Array.from([2, 4, 5, 2]);
    const want =
      (softplus(-dot(H[0], E[1])) + softplus(dot(H[0], E[2])) + softplus(dot(H[0], E[4])) +
        (softplus(-dot(H[1], E[3])) + softplus(dot(H[1], E[5])) + softplus(dot(H[1], E[2])))) / 2;
    expectClose(bceLoss(h, items, targets, negs), want);
    items.dispose();
  });

  it('softmaxLoss = CE over items 1..N (padding excluded), with and without bias, by hand', () => {
    const { h, E, H, table } = setup();
    const targets = Int32Array.from([2, 5]);
    const bias = [0, 0.1, -0.2, 0.3, 0, 0.5];
    const ce = (b: number[]) =>
      (lse([1, 2, 3, 4, 5].map((j) => dot(H[0], E[j]) + b[j])) - dot(H[0], E[2]) - b[2] +
        lse([1, 2, 3, 4, 5].map((j) => dot(H[1], E[j]) + b[j])) - dot(H[1], E[5]) - b[5]) / 2;
    expectClose(softmaxLoss(h, table, targets, 5), ce([0, 0, 0, 0, 0, 0]));
    expectClose(softmaxLoss(h, table, targets, 5, tf.tensor1d(bias)), ce(bias));
    // a table with an extra row (BERT4Rec's [mask]) leaves it out of the softmax
    const withMask = tf.concat([table, tf.tensor2d([[9, 9]])], 0) as tf.Tensor2D;
    expectClose(softmaxLoss(h, withMask, targets, 5), ce([0, 0, 0, 0, 0, 0]));
  });

  it('sampledSoftmaxLoss and bprMaxLoss by hand', () => {
    const { items, h, E, H } = setup();
    const targets = Int32Array.from([1, 3]);
    const negs = Int32Array.from([2, 4, 5, 2]);
    const rows = [
      { p: dot(H[0], E[1]), n: [dot(H[0], E[2]), dot(H[0], E[4])] },
      { p: dot(H[1], E[3]), n: [dot(H[1], E[5]), dot(H[1], E[2])] },
    ];
    const sampled = rows.reduce((s, r) => s + lse([r.p, ...r.n]) - r.p, 0) / 2;
    expectClose(sampledSoftmaxLoss(h, items, targets, negs), sampled);
    const lambda = 0.5;
    const bprMax =
      rows.reduce((s, r) => {
        const z = r.n.reduce((a, v) => a + Math.exp(v), 0);
        const sj = r.n.map((v) => Math.exp(v) / z);
        const rank = -Math.log(sj.reduce((a, w, j) => a + w * sigmoid(r.p - r.n[j]), 0));
        const reg = sj.reduce((a, w, j) => a + w * r.n[j] ** 2, 0);
        return s + rank + lambda * reg;
      }, 0) / 2;
    expectClose(bprMaxLoss(h, items, targets, negs, lambda), bprMax);
    expect(() => bceLoss(h, items, new Int32Array(0), negs)).toThrow(/no target/);
    items.dispose();
  });

  it('logSumExpRows: value equals tf.logSumExp, gradient passes a finite-difference check, large logits stay finite', async () => {
    const rng = new Rng(1);
    const x = randomNormal([3, 7], 2, rng) as tf.Tensor2D;
    expectClose(logSumExpRows(x), tf.logSumExp(x, 1));
    const w = tf.tensor1d([1, -2, 0.5]);
    gradCheck((xx) => tf.sum(tf.mul(logSumExpRows(xx as tf.Tensor2D), w)), [x]);
    const big = tf.tensor2d([[1000, 999, -1000]]);
    expectClose(logSumExpRows(big), [1000 + Math.log(1 + Math.exp(-1))]);
    expect(Number.isFinite(tf.sum(tf.grad((v: tf.Tensor) => tf.sum(logSumExpRows(v as tf.Tensor2D)))(big)).dataSync()[0])).toBe(true);
    await expectNoLeak(() => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(logSumExpRows(v as tf.Tensor2D)))(x)));
    tf.dispose([x, w, big]);
  });

  it('softmaxLoss gradients match autodiff of the plain formula (table and states)', () => {
    const rng = new Rng(2);
    const table = randomNormal([6, 3], 1, rng) as tf.Tensor2D;
    const h = randomNormal([4, 3], 1, rng) as tf.Tensor2D;
    const targets = Int32Array.from([1, 5, 3, 3]);
    const plain = (hh: tf.Tensor, tt: tf.Tensor) => {
      const logits = tf.matMul(hh, tf.slice(tt, [1, 0], [5, 3]), false, true);
      const onehot = tf.oneHot(tf.tensor1d(Array.from(targets, (t) => t - 1), 'int32'), 5);
      return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, onehot), 1))) as tf.Scalar;
    };
    const ours = (hh: tf.Tensor, tt: tf.Tensor) => softmaxLoss(hh as tf.Tensor2D, tt as tf.Tensor2D, targets, 5);
    const [gh, gt] = tf.grads(ours)([h, table]);
    const [ph, pt] = tf.grads(plain)([h, table]);
    expectClose(gh, ph);
    expectClose(gt, pt);
  });

  it('softmaxScores of two parts add up to the scores of their concatenation (value and gradients), with a [mask] row left out', () => {
    const rng = new Rng(4);
    const [ta, tb] = [randomNormal([7, 3], 1, rng) as tf.Tensor2D, randomNormal([7, 2], 1, rng) as tf.Tensor2D]; // 5 items + padding + [mask]
    const [a, b] = [randomNormal([4, 3], 1, rng) as tf.Tensor2D, randomNormal([4, 2], 1, rng) as tf.Tensor2D];
    const targets = Int32Array.from([2, 5, 1, 5]);
    const joint = (x: tf.Tensor[]) => softmaxLoss(tf.concat([x[0], x[1]], 1) as tf.Tensor2D, tf.concat([x[2], x[3]], 1) as tf.Tensor2D, targets, 5);
    const summed = (x: tf.Tensor[]) => {
      const sa = softmaxScores(x[0] as tf.Tensor2D, x[2] as tf.Tensor2D, targets, 5);
      const sb = softmaxScores(x[1] as tf.Tensor2D, x[3] as tf.Tensor2D, targets, 5);
      return softmaxLossOfScores({ logits: tf.add(sa.logits, sb.logits), target: tf.add(sa.target, sb.target) });
    };
    expectClose(summed([a, b, ta, tb]), [joint([a, b, ta, tb]).dataSync()[0]], 1e-5);
    const gs = tf.grads((x0, x1, x2, x3) => summed([x0, x1, x2, x3]))([a, b, ta, tb]);
    const gj = tf.grads((x0, x1, x2, x3) => joint([x0, x1, x2, x3]))([a, b, ta, tb]);
    gs.forEach((g, i) => expectClose(g, gj[i], 1e-5));
    // the [mask] row (6) gets no gradient
    expect(Array.from(tf.slice(gs[2], [6, 0], [1, 3]).dataSync())).toEqual([0, 0, 0]);
    expect(() => softmaxScores(a, ta, new Int32Array(0), 5)).toThrow(/no target position/);
  });

  it('a sparse-table model trains with each loss without leaking', async () => {
    const rng = new Rng(3);
    const items = new Embedding(6, 2, { rng, grad: 'sparse' });
    const h = tf.variable(randomNormal([2, 2], 1, rng), true);
    const opt = new Adam({ lr: 0.05 });
    const targets = Int32Array.from([1, 3]);
    const negs = Int32Array.from([2, 4, 5, 2]);
    const losses = [
      () => bceLoss(h as tf.Tensor2D, items, targets, negs),
      () => softmaxLoss(h as tf.Tensor2D, items.all(), targets, 5),
      () => sampledSoftmaxLoss(h as tf.Tensor2D, items, targets, negs),
      () => bprMaxLoss(h as tf.Tensor2D, items, targets, negs),
    ];
    for (const f of losses) {
      const first = opt.step(f, [items.table, h]);
      const n = tf.memory().numTensors;
      let last = first;
      for (let i = 0; i < 30; i++) last = opt.step(f, [items.table, h]);
      expect(tf.memory().numTensors).toBe(n);
      expect(last).toBeLessThan(first);
    }
    await expectNoLeak(() => tf.tidy(losses[1]));
    opt.dispose();
    items.dispose();
    h.dispose();
  });
});
