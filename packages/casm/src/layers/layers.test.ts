import * as tf from '@tensorflow/tfjs-core';
import { Rng, layerNorm } from '@recsuite/core';
import { describeBackends, expectClose, gradCheck } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { CASMBlock } from './casmBlock.js';
import { BehaviourContext, ContextFusion } from './contextFusion.js';

describeBackends('CASM layers', () => {
  it('context fusion: the concatenation-free path equals W_f [e ‖ C_b] + b_f, padding gets C = 0', () => {
    const rng = new Rng(1);
    const ctx = new BehaviourContext(3, 4, rng, 0.5);
    const fusion = new ContextFusion(4, true, rng, 0.5);
    fusion.bias.assign(tf.tensor1d([0.1, -0.2, 0.3, 0.05]));
    ctx.bias.assign(tf.tensor1d([0.2, 0, -0.1, 0.4]));
    const e = tf.tensor2d([1, 2, 3, 4, -1, 0.5, 0, 2, 0.3, 0.3, -0.7, 1], [3, 4]);
    const codes = Int32Array.of(2, 0, 1);
    const mask = Uint8Array.of(1, 1, 0);
    const fast = fusion.applyCodes(e, ctx, codes, mask);
    // By hand: C_b = table[b + 1] + b_c for real rows, 0 for the padded one.
    const table = ctx.table.table.arraySync();
    const bias = ctx.bias.arraySync();
    const c = [0, 1, 2].map((r) => (mask[r] ? table[codes[r] + 1].map((v, k) => v + bias[k]) : [0, 0, 0, 0]));
    const slow = fusion.apply(e, tf.tensor2d(c));
    expectClose(fast.dataSync(), slow.dataSync());
    expectClose(ctx.lookup(codes, mask).dataSync(), c.flat());
    // One shared context for every row (full-ranking targets).
    const shared = fusion.applyShared(e, tf.tensor1d(c[0]));
    const slowShared = fusion.apply(e, tf.tile(tf.tensor2d([c[0]]), [3, 1]));
    expectClose(shared.dataSync(), slowShared.dataSync());
    // Gradients through the gather of per-behaviour rows match finite differences.
    gradCheck((k) => tf.sum(tf.square(new ContextFusionProbe(fusion, ctx, k as tf.Tensor2D).out(e, codes))), [fusion.kernel.clone()], { eps: 1e-2, tol: 2e-2 });
    ctx.dispose();
    fusion.dispose();
  });

  it('official block: raw-input residual, LN, FFN residual; causal; padding zeroed', () => {
    const rng = new Rng(2);
    const block = new CASMBlock(4, rng, { dropout: 0 });
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 5) as tf.Tensor3D;
    const mask = tf.tensor2d([0, 1, 1, 1, 1, 1], [2, 3]);
    const y = block.apply(x, { mask });
    // By hand with the block's own sublayers.
    const a = tf.add(x, block.attention.apply(x, x, { causal: true, keyMask: mask }));
    const n = layerNorm(a, block.ln.gamma, block.ln.beta, 1e-8);
    const expected = tf.mul(tf.add(n, block.ffn.apply(n)), tf.expandDims(mask, -1));
    expectClose(y.dataSync(), expected.dataSync());
    expect(Array.from(y.dataSync().slice(0, 4), Math.abs)).toEqual([0, 0, 0, 0]);
    // Causal: changing the last position leaves the earlier ones unchanged.
    const x2 = tf.concat([tf.slice(x, [0, 0, 0], [2, 2, 4]), tf.onesLike(tf.slice(x, [0, 2, 0], [2, 1, 4]))], 1) as tf.Tensor3D;
    const y2 = block.apply(x2, { mask });
    expectClose(tf.slice(y2, [0, 0, 0], [2, 2, 4]).dataSync(), tf.slice(y, [0, 0, 0], [2, 2, 4]).dataSync());
    expect(block.attention.wo).toBeNull(); // no output projection
    expect(block.variables().length).toBe(6 + 4 + 2);
    block.dispose();
  });
});

/** `applyCodes` with a given kernel (for the finite-difference check). */
class ContextFusionProbe {
  constructor(
    private readonly f: ContextFusion,
    private readonly ctx: BehaviourContext,
    private readonly kernel: tf.Tensor2D,
  ) {}
  out(e: tf.Tensor, codes: Int32Array): tf.Tensor {
    const saved = this.f.kernel;
    // Swap the kernel in for one call (the probe's kernel is what gradCheck differentiates).
    (this.f as unknown as { kernel: tf.Tensor2D }).kernel = this.kernel;
    try {
      return this.f.applyCodes(e, this.ctx, codes);
    } finally {
      (this.f as unknown as { kernel: tf.Tensor2D }).kernel = saved;
    }
  }
}
