import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic under a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 100 }, () => a.nextU32());
    const xb = Array.from({ length: 100 }, () => b.nextU32());
    const xc = Array.from({ length: 100 }, () => c.nextU32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('draws uniform floats and integers with the right moments', () => {
    const r = new Rng(1);
    const n = 200_000;
    let sum = 0;
    const counts = new Array(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = r.float();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      counts[r.int(10)]++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    for (const c of counts) expect(Math.abs(c / n - 0.1)).toBeLessThan(0.005);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const r = new Rng(7);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('restores its state for checkpoints', () => {
    const r = new Rng(3);
    r.nextU32();
    const st = r.getState();
    const x = [r.nextU32(), r.nextU32()];
    r.setState(st);
    expect([r.nextU32(), r.nextU32()]).toEqual(x);
  });

  it('permutation contains every index once', () => {
    const p = Array.from(new Rng(5).permutation(50)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
