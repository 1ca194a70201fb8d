import { describe, expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { pairedBootstrap } from './bootstrap.js';

/** Per-user values of two models: a = b + trueDiff + noise (noise shared structure removed by pairing). */
function pairOfModels(n: number, trueDiff: number, noise: number, seed: number) {
  const rng = new Rng(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    b[i] = rng.float(); // large between-user spread
    a[i] = b[i] + trueDiff + noise * rng.normal();
  }
  return { a, b };
}

describe('pairedBootstrap', () => {
  it('covers the true difference on a constructed case', () => {
    const { a, b } = pairOfModels(400, 0.05, 0.1, 1);
    const r = pairedBootstrap(a, b, { resamples: 2000, seed: 3 });
    // diff is the observed mean difference; the interval brackets it and the true 0.05
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] - b[i];
    expect(r.diff).toBeCloseTo(s / a.length, 12);
    expect(r.lo).toBeLessThan(r.diff);
    expect(r.hi).toBeGreaterThan(r.diff);
    expect(r.lo).toBeLessThan(0.05);
    expect(r.hi).toBeGreaterThan(0.05);
    expect(r.lo).toBeGreaterThan(0); // significant: the 95 % interval excludes 0
    // width ≈ 2 · 1.96 · 0.1 / √400 = 0.0196
    expect(r.hi - r.lo).toBeGreaterThan(0.012);
    expect(r.hi - r.lo).toBeLessThan(0.028);
  });

  it('has close to nominal coverage over repeated datasets', () => {
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const { a, b } = pairOfModels(100, 0.02, 0.1, 100 + t);
      const r = pairedBootstrap(a, b, { resamples: 400, seed: t, alpha: 0.1 });
      if (r.lo <= 0.02 && 0.02 <= r.hi) covered++;
    }
    // nominal 90 %; percentile bootstrap with n = 100 is slightly liberal
    expect(covered / trials).toBeGreaterThan(0.8);
    expect(covered / trials).toBeLessThan(0.97);
  });

  it('is deterministic under a seed and changes with it', () => {
    const { a, b } = pairOfModels(200, 0.01, 0.2, 9);
    const r1 = pairedBootstrap(a, b, { resamples: 500, seed: 42 });
    const r2 = pairedBootstrap(a, b, { resamples: 500, seed: 42 });
    const r3 = pairedBootstrap(a, b, { resamples: 500, seed: 43 });
    expect(r2).toEqual(r1);
    expect(r3.diff).toBe(r1.diff);
    expect(r3.lo).not.toBe(r1.lo);
  });

  it('collapses to the difference when it is constant, and validates input', () => {
    const b = Float64Array.from([0.1, 0.5, 0.9, 0.3]);
    const a = b.map((x) => x + 0.25);
    const r = pairedBootstrap(a, b, { resamples: 50 });
    expect(r.diff).toBeCloseTo(0.25, 12);
    expect(r.lo).toBeCloseTo(0.25, 12);
    expect(r.hi).toBeCloseTo(0.25, 12);
    expect(() => pairedBootstrap([1], [1, 2])).toThrow(/same length/);
    expect(() => pairedBootstrap([], [])).toThrow(/no users/);
    expect(() => pairedBootstrap([1], [1], { alpha: 1 })).toThrow(/alpha/);
    expect(() => pairedBootstrap([NaN], [1])).toThrow(/not finite/);
  });
});
