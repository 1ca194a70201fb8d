import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { randomNormal } from '../tensor/init.js';
import { Rng } from '../tensor/rng.js';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '../test/index.js';
import { MultiHeadAttention } from './attention.js';
import { FeedForward, gelu } from './feedForward.js';
import { LayerNorm } from './layerNorm.js';
import { PositionalEmbedding } from './positional.js';
import { TransformerBlock } from './transformerBlock.js';

describeBackends('FeedForward', () => {
  it('computes relu(x W1 + b1) W2 + b2 and gelu by its definition', () => {
    const rng = new Rng(1);
    const ffn = new FeedForward(3, rng, { inner: 5 });
    ffn.b1.assign(randomNormal([5], 0.5, rng) as tf.Tensor1D);
    ffn.b2.assign(randomNormal([3], 0.5, rng) as tf.Tensor1D);
    const x = randomNormal([2, 4, 3], 1, rng);
    const ref = tf.tidy(() =>
      tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tf.reshape(x, [8, 3]), ffn.w1), ffn.b1)), ffn.w2), ffn.b2),
    );
    const y = ffn.apply(x);
    expect(y.shape).toEqual([2, 4, 3]);
    expectClose(tf.reshape(y, [8, 3]), ref);
    // Φ(1) = 0.8413447, Φ(-1) = 0.1586553, Φ(2) = 0.9772499
    expectClose(gelu(tf.tensor1d([1, -1, 2, 0])), [0.8413447, -0.1586553, 1.9544997, 0], 1e-4);
    expect(() => new FeedForward(3, rng, { activation: 'tanh' as 'relu' })).toThrow(/activation/);
    tf.dispose([x, ref, y]);
    ffn.dispose();
  });
});

describeBackends('PositionalEmbedding', () => {
  it('counts from the end by default, from the start on request, and checks the length', () => {
    const rng = new Rng(2);
    const p = new PositionalEmbedding(5, 3, rng);
    const t = p.table.arraySync();
    const e3 = p.apply(3).arraySync();
    expect(e3).toEqual([t[2], t[1], t[0]]);
    expect(p.apply(1).arraySync()).toEqual([t[0]]);
    const s = new PositionalEmbedding(5, 3, rng, { order: 'fromStart' });
    expect(s.apply(2).arraySync()).toEqual(s.table.arraySync().slice(0, 2));
    expect(() => p.apply(6)).toThrow(/\[1, 5\]/);
    expect(p.variables()).toEqual([p.table]);
    p.dispose();
    s.dispose();
  });
});

describeBackends('TransformerBlock', () => {
  it('pre-LN follows SASRec: Q = LN(h); h = Q + MHA(Q, h, h); h = LN(h); h = h + FFN(h); padding zeroed', () => {
    const rng = new Rng(3);
    const block = new TransformerBlock(8, rng, { heads: 2, norm: 'pre' });
    const h = randomNormal([2, 4, 8], 1, rng) as tf.Tensor3D;
    const mask = tf.tensor2d([[0, 1, 1, 1], [1, 1, 1, 1]]);
    const out = block.apply(h, { mask });
    const ref = tf.tidy(() => {
      const q = block.ln1.apply(h) as tf.Tensor3D;
      let x = tf.add(q, block.attention.apply(q, h, { causal: true, keyMask: mask }));
      x = block.ln2.apply(x);
      x = tf.add(x, block.ffn.apply(x));
      return tf.mul(x, tf.expandDims(mask, -1));
    });
    expect(out.shape).toEqual([2, 4, 8]);
    expectClose(out, ref);
    expect(out.arraySync()[0][0].every((v) => v === 0)).toBe(true);
    tf.dispose([h, mask, out, ref]);
    block.dispose();
  });

  it('post-LN follows BERT: h = LN(h + MHA(h)); h = LN(h + FFN(h)), bidirectional', () => {
    const rng = new Rng(4);
    const block = new TransformerBlock(8, rng, { heads: 2, norm: 'post', causal: false, activation: 'gelu', inner: 32 });
    const h = randomNormal([2, 4, 8], 1, rng) as tf.Tensor3D;
    const out = block.apply(h);
    const ref = tf.tidy(() => {
      const x = block.ln1.apply(tf.add(h, block.attention.apply(h, h)));
      return block.ln2.apply(tf.add(x, block.ffn.apply(x)));
    });
    expectClose(out, ref);
    expect(block.ffn.inner).toBe(32);
    tf.dispose([h, out, ref]);
    block.dispose();
  });

  it('two causal blocks: changing a future item never changes an earlier position', () => {
    const rng = new Rng(5);
    const blocks = [0, 1].map(() => new TransformerBlock(8, rng, { heads: 2 }));
    const run = (x: tf.Tensor3D) => tf.tidy(() => blocks.reduce((acc, b) => b.apply(acc), x).arraySync());
    const x = randomNormal([2, 6, 8], 1, rng) as tf.Tensor3D;
    const base = run(x);
    const changed = tf.tidy(() => tf.concat([tf.slice(x, [0, 0, 0], [2, 4, 8]), randomNormal([2, 2, 8], 5, rng)], 1) as tf.Tensor3D);
    const out = run(changed);
    for (let b = 0; b < 2; b++) for (let i = 0; i < 4; i++) expect(out[b][i]).toEqual(base[b][i]);
    expect(out[0][4]).not.toEqual(base[0][4]);
    tf.dispose([x, changed]);
    blocks.forEach((b) => b.dispose());
  });

  it('padding: what sits at padded positions never changes real positions (pre and post, causal and not)', () => {
    const rng = new Rng(6);
    const mask = tf.tensor2d([[0, 0, 0, 1, 1], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1]]);
    const m = mask.arraySync();
    const x = randomNormal([3, 5, 8], 1, rng) as tf.Tensor3D;
    const noisy = tf.tidy(() => tf.add(x, tf.mul(randomNormal([3, 5, 8], 10, rng), tf.expandDims(tf.sub(1, mask), -1))) as tf.Tensor3D);
    for (const [norm, causal] of [['pre', true], ['pre', false], ['post', true], ['post', false]] as const) {
      const blocks = [0, 1].map(() => new TransformerBlock(8, rng, { heads: 2, norm, causal }));
      const run = (h: tf.Tensor3D) => tf.tidy(() => blocks.reduce((acc, b) => b.apply(acc, { mask }), h).arraySync());
      const a = run(x);
      const b = run(noisy);
      for (let r = 0; r < 3; r++) {
        for (let i = 0; i < 5; i++) {
          if (m[r][i]) expectClose(b[r][i], a[r][i], 1e-5);
          else expect(b[r][i].every((v) => v === 0)).toBe(true);
        }
      }
      blocks.forEach((bl) => bl.dispose());
    }
    tf.dispose([mask, x, noisy]);
  });

  it('constructing and disposing every layer leaves no tensor behind', async () => {
    const rng = new Rng(8);
    await expectNoLeak(() => new LayerNorm(4).dispose());
    await expectNoLeak(() => new MultiHeadAttention(4, rng, { heads: 2 }).dispose());
    await expectNoLeak(() => new FeedForward(4, rng, { inner: 8 }).dispose());
    await expectNoLeak(() => new PositionalEmbedding(5, 4, rng).dispose());
    await expectNoLeak(() => new TransformerBlock(4, rng, { heads: 2 }).dispose());
  });

  it('dropout is seeded in training and off at inference; gradients check; no leaks', async () => {
    const rng = new Rng(7);
    const block = new TransformerBlock(4, rng, { heads: 1, dropout: 0.3 });
    const h = randomNormal([2, 3, 4], 1, rng) as tf.Tensor3D;
    const mask = tf.tensor2d([[0, 1, 1], [1, 1, 1]]);
    const a = block.apply(h, { mask, training: true, rng: new Rng(1) });
    const b = block.apply(h, { mask, training: true, rng: new Rng(1) });
    expectClose(a, b, 0);
    const eval1 = block.apply(h, { mask });
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(eval1.dataSync()));
    const w = randomNormal([2, 3, 4], 1, rng);
    gradCheck((x) => tf.sum(tf.mul(block.apply(x as tf.Tensor3D, { mask }), w)), [h], { tol: 3e-2 });
    expect(block.variables()).toHaveLength(6 + 2 + 4 + 4);
    await expectNoLeak(() => block.apply(h, { mask, training: true, rng }));
    tf.dispose([h, mask, a, b, eval1, w]);
    block.dispose();
  });
});
