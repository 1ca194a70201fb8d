import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { randomNormal } from '../tensor/init.js';
import { Rng } from '../tensor/rng.js';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '../test/index.js';
import { MultiHeadAttention } from './attention.js';

type M = number[][];
const mm = (a: M, b: M): M => a.map((r) => b[0].map((_, j) => r.reduce((s, v, k) => s + v * b[k][j], 0)));
const addB = (a: M, b: number[]): M => a.map((r) => r.map((v, j) => v + b[j]));

/** Plain-JS multi-head attention for one sequence, from the equations. */
function reference(att: MultiHeadAttention, xq: M, xkv: M, allowed: (i: number, j: number) => boolean): M {
  const q = addB(mm(xq, att.wq.arraySync()), att.bq.arraySync());
  const k = addB(mm(xkv, att.wk.arraySync()), att.bk.arraySync());
  const v = addB(mm(xkv, att.wv.arraySync()), att.bv.arraySync());
  const d = att.dim;
  const dh = d / att.heads;
  const out: M = xq.map(() => new Array(d).fill(0));
  for (let h = 0; h < att.heads; h++) {
    for (let i = 0; i < xq.length; i++) {
      const s = xkv.map((_, j) => {
        if (!allowed(i, j)) return -Infinity;
        let dot = 0;
        for (let c = h * dh; c < (h + 1) * dh; c++) dot += q[i][c] * k[j][c];
        return dot / Math.sqrt(dh);
      });
      const mx = Math.max(...s);
      const e = s.map((x) => Math.exp(x - mx));
      const z = e.reduce((a, b) => a + b, 0);
      for (let c = h * dh; c < (h + 1) * dh; c++) out[i][c] = e.reduce((acc, w, j) => acc + (w / z) * v[j][c], 0);
    }
  }
  return att.wo ? addB(mm(out, att.wo.arraySync()), (att.bo as tf.Variable).arraySync() as number[]) : out;
}

describeBackends('MultiHeadAttention', () => {
  it('matches a plain-JS computation (1 and 2 heads, causal, key padding, with and without W_O)', () => {
    const rng = new Rng(1);
    for (const [heads, outProjection] of [[1, true], [2, true], [2, false]] as const) {
      const att = new MultiHeadAttention(4, rng, { heads, outProjection });
      // non-zero biases so they are checked too
      att.variables().forEach((v) => v.rank === 1 && v.assign(randomNormal(v.shape, 0.3, rng)));
      const xs = randomNormal([2, 3, 4], 1, rng) as tf.Tensor3D;
      const keyMask = tf.tensor2d([[0, 1, 1], [1, 1, 1]]);
      const out = att.apply(xs, xs, { causal: true, keyMask });
      expect(out.shape).toEqual([2, 3, 4]);
      const x = xs.arraySync();
      const km = keyMask.arraySync();
      for (let b = 0; b < 2; b++) {
        const ref = reference(att, x[b], x[b], (i, j) => j <= i && km[b][j] === 1);
        const got = out.arraySync()[b];
        // row 0 of sequence 0 sees no key at all (a padded query): its value is unspecified
        for (let i = b === 0 ? 1 : 0; i < 3; i++) expectClose(got[i], ref[i]);
      }
      const bi = att.apply(xs, xs);
      for (let b = 0; b < 2; b++) expectClose(bi.arraySync()[b].flat(), reference(att, x[b], x[b], () => true).flat());
      tf.dispose([xs, keyMask, out, bi]);
      att.dispose();
    }
  });

  it('causal: changing a future item never changes an earlier position', () => {
    const rng = new Rng(2);
    const att = new MultiHeadAttention(8, rng, { heads: 2 });
    const x = randomNormal([3, 6, 8], 1, rng) as tf.Tensor3D;
    const base = att.apply(x, x, { causal: true }).arraySync();
    for (const t of [1, 3, 5]) {
      // replace positions >= t with fresh noise
      const changed = tf.tidy(() => {
        const keep = tf.reshape(tf.cast(tf.less(tf.range(0, 6), t), 'float32'), [1, 6, 1]);
        return tf.add(tf.mul(x, keep), tf.mul(randomNormal([3, 6, 8], 3, rng), tf.sub(1, keep))) as tf.Tensor3D;
      });
      const out = att.apply(changed, changed, { causal: true }).arraySync();
      for (let b = 0; b < 3; b++) for (let i = 0; i < t; i++) expect(out[b][i]).toEqual(base[b][i]);
      // and the position at t does change
      expect(out[0][t]).not.toEqual(base[0][t]);
      changed.dispose();
    }
    x.dispose();
    att.dispose();
  });

  it('key padding: what sits at padded positions never changes outputs at real positions', () => {
    const rng = new Rng(3);
    const att = new MultiHeadAttention(8, rng, { heads: 2 });
    const keyMask = tf.tensor2d([[0, 0, 1, 1, 1], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1]]);
    const x = randomNormal([3, 5, 8], 1, rng) as tf.Tensor3D;
    const noise = tf.tidy(() => tf.add(x, tf.mul(randomNormal([3, 5, 8], 10, rng), tf.expandDims(tf.sub(1, keyMask), -1))) as tf.Tensor3D);
    const m = keyMask.arraySync();
    for (const causal of [false, true]) {
      const a = att.apply(x, x, { causal, keyMask }).arraySync();
      const b = att.apply(noise, noise, { causal, keyMask }).arraySync();
      for (let r = 0; r < 3; r++) for (let i = 0; i < 5; i++) if (m[r][i]) expectClose(b[r][i], a[r][i], 1e-5);
    }
    tf.dispose([keyMask, x, noise]);
    att.dispose();
  });

  it('attention dropout is seeded, off at inference; gradients check; no leaks', async () => {
    const rng = new Rng(4);
    const att = new MultiHeadAttention(4, rng, { heads: 2, dropout: 0.5 });
    const x = randomNormal([2, 3, 4], 1, rng) as tf.Tensor3D;
    const a = att.apply(x, x, { training: true, rng: new Rng(11) });
    const b = att.apply(x, x, { training: true, rng: new Rng(11) });
    const c = att.apply(x, x, { training: true, rng: new Rng(12) });
    expectClose(a, b, 0);
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    expectClose(att.apply(x, x, { training: false }), att.apply(x, x));
    const keyMask = tf.tensor2d([[0, 1, 1], [1, 1, 1]]);
    const w = randomNormal([2, 3, 4], 1, rng);
    // outputs at padded queries are unspecified (and zeroed by the block), so they carry no weight here
    const wReal = tf.mul(w, tf.expandDims(keyMask, -1));
    gradCheck((xx) => tf.sum(tf.mul(att.apply(xx as tf.Tensor3D, xx as tf.Tensor3D, { causal: true, keyMask }), wReal)), [x]);
    await expectNoLeak(() => att.apply(x, x, { causal: true, keyMask, training: true, rng }));
    expect(() => new MultiHeadAttention(6, rng, { heads: 4 })).toThrow(/divisor/);
    expect(() => att.apply(x, randomNormal([2, 4, 4], 1, rng) as tf.Tensor3D, { causal: true })).toThrow(/equal lengths/);
    tf.dispose([x, a, b, c, keyMask, w, wReal]);
    att.dispose();
  });
});
