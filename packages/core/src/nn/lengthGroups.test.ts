import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '../test/index.js';
import { applyByLengthGroups, planLengthGroups } from './lengthGroups.js';
import { TransformerBlock } from './transformerBlock.js';

/** Left-padded ids `[B·L]` of rows with the given lengths (items 1..). */
function idsOf(lens: number[], L: number): Int32Array {
  const ids = new Int32Array(lens.length * L);
  lens.forEach((n, b) => {
    for (let t = 0; t < n; t++) ids[b * L + L - n + t] = 1 + ((b + t) % 7);
  });
  return ids;
}

describe('planLengthGroups', () => {
  it('groups rows by length, cuts each group to its longest row, keeps every row once', () => {
    const lens = [2, 50, 3, 1, 48, 2, 0, 3];
    const groups = planLengthGroups(idsOf(lens, 50), lens.length, 50, { overhead: 4 });
    expect(groups).not.toBeNull();
    const rows = groups!.flatMap((g) => Array.from(g.rows)).sort((a, b) => a - b);
    expect(rows).toEqual(lens.map((_, b) => b));
    for (const g of groups!) expect(g.length).toBe(Math.max(...Array.from(g.rows, (r) => Math.max(1, lens[r]))));
    // the two long rows end up together, apart from the short ones
    const long = groups!.find((g) => g.rows.includes(1))!;
    expect(Array.from(long.rows).sort()).toEqual([1, 4]);
  });

  it('is the exact optimum of Σ rows·length + overhead (brute force over every split of the sorted rows)', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 20; trial++) {
      const B = 2 + rng.int(7);
      const L = 12;
      const lens = Array.from({ length: B }, () => rng.int(L + 1));
      const over = rng.int(20);
      const groups = planLengthGroups(idsOf(lens, L), B, L, { overhead: over, maxGroups: 3 });
      const cost = (gs: { n: number; len: number }[]) => gs.reduce((s, g) => s + g.n * g.len + over, 0);
      const got = groups ? cost(groups.map((g) => ({ n: g.rows.length, len: g.length }))) : B * L + over;
      const sorted = lens.map((n) => Math.max(1, n)).sort((a, b) => a - b);
      let best = B * L + over;
      for (let i = 1; i <= B; i++) {
        for (let j = i; j <= B; j++) {
          const parts = [sorted.slice(0, i), sorted.slice(i, j), sorted.slice(j)].filter((p) => p.length > 0);
          best = Math.min(best, cost(parts.map((p) => ({ n: p.length, len: p[p.length - 1] }))));
        }
      }
      expect(got, `lengths ${lens}, overhead ${over}`).toBe(best);
    }
  });

  it('returns null when nothing can be saved, and rejects bad options', () => {
    expect(planLengthGroups(idsOf([4, 4, 4], 4), 3, 4)).toBeNull();
    expect(planLengthGroups(idsOf([1, 4], 4), 2, 4, { maxGroups: 1 })).toBeNull();
    expect(() => planLengthGroups(idsOf([1, 4], 4), 2, 4, { maxGroups: 0 })).toThrow(/maxGroups/);
    expect(() => planLengthGroups(new Int32Array(5), 2, 4)).toThrow(/5 ids for a 2×4 batch/);
  });
});

describeBackends('applyByLengthGroups', () => {
  it('gives a masked Transformer block the same outputs and gradients as on the whole batch', async () => {
    const rng = new Rng(7);
    for (const causal of [true, false]) {
      const block = new TransformerBlock(8, rng, { heads: 2, inner: 16, dropout: 0, norm: causal ? 'pre' : 'post', causal });
      const lens = [1, 6, 2, 0, 3, 6, 2];
      const B = lens.length;
      const L = 6;
      const ids = idsOf(lens, L);
      const mask = (id: Int32Array, n: number, len: number) => tf.tensor2d(Array.from(id, (v) => (v === 0 ? 0 : 1)), [n, len]);
      const x = tf.tidy(() => tf.mul(tf.randomNormal([B, L, 8], 0, 1, 'float32', 5), tf.expandDims(mask(ids, B, L), -1))) as tf.Tensor3D;
      const groups = planLengthGroups(ids, B, L, { overhead: 1 })!;
      expect(groups.length).toBeGreaterThan(1);
      const whole = (v: tf.Tensor3D) => block.apply(v, { mask: mask(ids, B, L) });
      const grouped = (v: tf.Tensor3D) => applyByLengthGroups(v, ids, groups, (xg, idsG, n, len) => block.apply(xg, { mask: mask(idsG, n, len) }));
      expectClose(tf.tidy(() => grouped(x)), tf.tidy(() => whole(x)), 1e-5);
      const w = tf.randomNormal([B, L, 8], 0, 1, 'float32', 9);
      const loss = (f: (v: tf.Tensor3D) => tf.Tensor3D) => (v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor3D), w)) as tf.Scalar;
      const [gw] = tf.tidy(() => tf.grads(loss(whole))([x]));
      const [gg] = tf.tidy(() => tf.grads(loss(grouped))([x]));
      expectClose(gg, gw, 1e-4);
      const vw = tf.tidy(() => tf.variableGrads(() => loss(whole)(x), block.variables()).grads);
      const vg = tf.tidy(() => tf.variableGrads(() => loss(grouped)(x), block.variables()).grads);
      for (const k of Object.keys(vw)) expectClose(vg[k], vw[k], 1e-4);
      tf.dispose([x, w, gw, gg, vw, vg]);
      const z = tf.zeros([B, L, 8]) as tf.Tensor3D;
      await expectNoLeak(() => grouped(z));
      z.dispose();
      block.dispose();
    }
  });

  it('its row permutation has the finite-difference gradient', () => {
    const lens = [3, 1, 2];
    const ids = idsOf(lens, 3);
    const groups = [{ rows: Int32Array.of(1, 2), length: 2 }, { rows: Int32Array.of(0), length: 3 }];
    const w = tf.randomNormal([3, 3, 2], 0, 1, 'float32', 4);
    const x = tf.randomNormal([3, 3, 2], 0, 1, 'float32', 6);
    gradCheck((v) => tf.sum(tf.mul(applyByLengthGroups(v as tf.Tensor3D, ids, groups, (xg) => tf.mul(xg, tf.tanh(xg)) as tf.Tensor3D), w)) as tf.Scalar, [x]);
    tf.dispose([w, x]);
  });

  it('rejects groups that miss or repeat a row', () => {
    const x = tf.zeros([3, 2, 1]) as tf.Tensor3D;
    const ids = idsOf([1, 2, 1], 2);
    const f = (xg: tf.Tensor3D) => xg;
    expect(() => applyByLengthGroups(x, ids, [{ rows: Int32Array.of(0, 1), length: 2 }], f)).toThrow(/2 of 3 rows/);
    expect(() => applyByLengthGroups(x, ids, [{ rows: Int32Array.of(0, 1, 1), length: 2 }], f)).toThrow(/in two groups/);
    x.dispose();
  });
});
