import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeak } from '@recsuite/core/test';
import { initBackend } from '@recsuite/core';
import { CROSS_PRIOR_SIGMA, SIGMA_MAX, SIGMA_MIN, klFixedPrior, klGaussian, sigmaLogVar, sigmaOf } from './sigma.js';
import { denoiseWeight } from './weights.js';

await initBackend('tensorflow');

/** Closed-form KL(N(m1, s1²) ‖ N(m2, s2²)) of one dimension. */
const kl1 = (m1: number, s1: number, m2: number, s2: number) => Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;

describe('σ transform', () => {
  it('maps any raw log σ into (e^0.1, σ(0.4)] and matches the formula', async () => {
    const raw = [-1e4, -30, -3, -0.5, 0, 0.3, 0.4, 0.41, 1, 5, 1e4];
    const lv = sigmaLogVar(tf.tensor1d(raw));
    const sig = Array.from(await lv.data(), (v) => Math.exp(v / 2));
    lv.dispose();
    sig.forEach((s, k) => {
      expect(s).toBeGreaterThanOrEqual(SIGMA_MIN * (1 - 1e-6));
      expect(s).toBeLessThanOrEqual(SIGMA_MAX * (1 + 1e-6));
      expect(s).toBeCloseTo(sigmaOf(raw[k]), 4);
    });
    expect(SIGMA_MIN).toBeCloseTo(Math.exp(0.1), 10);
    expect(SIGMA_MAX).toBeCloseTo(Math.exp(0.1 + 0.9 * Math.log1p(Math.exp(0.4))), 10);
    expect(CROSS_PRIOR_SIGMA).toBeCloseTo(2.5136, 3); // raw 1 clipped to 0.4
    expect(sigmaOf(0)).toBeCloseTo(Math.exp(0.1 + 0.9 * Math.log(2)), 10);
  });
});

describe('KL helpers', () => {
  const mu1 = [[0.3, -1.2, 2], [0, 0.5, -0.7]];
  const s1 = [[1.2, 2.0, 1.5], [1.11, 2.4, 1.3]];
  const mu2 = [[-0.4, 0.1, 1], [0.2, 0.5, 0.3]];
  const s2 = [[1.6, 1.2, 2.5], [1.3, 1.9, 1.4]];
  const g = (m: number[][], s: number[][]) => ({ mu: tf.tensor2d(m), logVar: tf.tensor2d(s.map((r) => r.map((x) => 2 * Math.log(x)))) });

  it('between diagonal Gaussians, per row, equals the closed form', async () => {
    const out = tf.tidy(() => klGaussian(g(mu1, s1), g(mu2, s2)));
    const want = mu1.map((r, i) => r.reduce((a, m, j) => a + kl1(m, s1[i][j], mu2[i][j], s2[i][j]), 0));
    expectClose(await out.data(), want, 1e-5);
    out.dispose();
  });

  it('to a learnable scalar prior N(m, σ(r)²) (non-standard, broadcast)', async () => {
    const m = 0.7;
    const r = 1; // σ(1) ≈ 2.513
    const out = tf.tidy(() => klGaussian(g(mu1, s1), { mu: tf.tensor1d([m]), logVar: sigmaLogVar(tf.tensor1d([r])) }));
    const sp = sigmaOf(r);
    const want = mu1.map((row, i) => row.reduce((a, mm, j) => a + kl1(mm, s1[i][j], m, sp), 0));
    expectClose(await out.data(), want, 1e-5);
    out.dispose();
  });

  it('to the fixed cross-domain prior N(0, 2.51²) and to N(0, 1)', async () => {
    const a = tf.tidy(() => klFixedPrior(g(mu1, s1), CROSS_PRIOR_SIGMA));
    const b = tf.tidy(() => klFixedPrior(g(mu1, s1), 1));
    expectClose(await a.data(), mu1.map((row, i) => row.reduce((acc, m, j) => acc + kl1(m, s1[i][j], 0, CROSS_PRIOR_SIGMA), 0)), 1e-5);
    expectClose(await b.data(), mu1.map((row, i) => row.reduce((acc, m, j) => acc + 0.5 * (s1[i][j] ** 2 + m * m - 1 - Math.log(s1[i][j] ** 2)), 0)), 1e-5);
    tf.dispose([a, b]);
  });

  it('is zero between equal Gaussians and leaks nothing', async () => {
    await expectNoLeak(() => {
      const q = g(mu1, s1);
      const k = klGaussian(q, q);
      expect(Math.max(...Array.from(k.dataSync()).map(Math.abs))).toBeLessThan(1e-6);
      tf.dispose([q.mu, q.logVar, k]);
    });
  });
});

describe('denoising weight', () => {
  it('is exp(0.8·min(n, 20)/20) − 0.8: 0.2 at 0, e^0.8 − 0.8 from 20 on', () => {
    expect(denoiseWeight(0)).toBeCloseTo(0.2, 12);
    expect(denoiseWeight(10)).toBeCloseTo(Math.exp(0.4) - 0.8, 12);
    expect(denoiseWeight(20)).toBeCloseTo(Math.exp(0.8) - 0.8, 12);
    expect(denoiseWeight(300)).toBe(denoiseWeight(20));
  });
});
