import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, Rng, crossDomainData, crossDomainItemPools, initBackend, planLengthGroups } from '@recsuite/core';
import { expectClose } from '@recsuite/core/test';
import { i2vaeTrainBatches, rowsBatch, type I2VAEBatch, type PseudoItems } from './batch.js';
import { I2VAE } from './i2vae.js';

await initBackend('tensorflow');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'i2vae-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const data = crossDomainData({ numTrainUsers: 40, numTestUsers: 12, itemsPerDomain: 20, numTopics: 2, seed: 2 });
const pools = crossDomainItemPools(data.train);
const pseudo: PseudoItems[] = data.test.map((_, k) => [Int32Array.of(1 + (k % 20), 2 + (k % 19)), Int32Array.of(21 + (k % 20), 22 + (k % 19))]);
const small = { numItems: data.numItems, dim: 8, latent: 6, hidden: 12, scoreHidden: 4, crossHeads: 2, maxLen: 5, augLen: 8, seed: 3 };
const testBatch = () => rowsBatch(data.test, Array.from(data.test.keys()), pseudo, { maxLen: 5, augLen: 8 });
const cands = () => tf.tensor2d(Array.from(data.test, (_, k) => [1 + (k % 40), 2 + (k % 39), 21, 40]), [data.test.length, 4], 'int32');

describe('I2VAE', () => {
  it('evaluation is deterministic (z = μ, no dropout); training mode samples', async () => {
    const m = new I2VAE(small);
    const b = testBatch();
    const c = cands();
    const a1 = await tf.tidy(() => m.score(b, c)).array();
    const a2 = await tf.tidy(() => m.score(b, c)).array();
    expect(a2).toEqual(a1);
    m.setTraining(true);
    const t1 = await tf.tidy(() => m.score(b, c)).array();
    m.setTraining(false);
    expect(t1).not.toEqual(a1);
    // score agrees with scoreAll on the candidate columns, row order preserved across the domain split
    const all = await tf.tidy(() => m.scoreAll(b)).array();
    const cc = (await c.array()) as number[][];
    a1.forEach((row, r) => expectClose(row, cc[r].map((i) => all[r][i]), 1e-4));
    c.dispose();
    m.dispose();
  });

  it('cold-start rows use r^y(·|Y): their scores ignore the cross-domain encoder, warm rows do not', async () => {
    const m = new I2VAE(small);
    const b = testBatch();
    const c = cands();
    const before = (await tf.tidy(() => m.score(b, c)).array()) as number[][];
    for (const d of [0, 1]) for (const v of m.cross[d].out.variables()) v.assign(tf.tidy(() => tf.add(v, 0.5)));
    const after = (await tf.tidy(() => m.score(b, c)).array()) as number[][];
    let warmChanged = 0;
    data.test.forEach((r, k) => {
      const cold = r.seqs[r.domain].length === 1;
      if (cold) expectClose(after[k], before[k], 1e-5);
      else if (Math.abs(after[k][0] - before[k][0]) > 1e-5) warmChanged++;
    });
    expect(data.test.some((r) => r.seqs[r.domain].length === 1)).toBe(true);
    expect(warmChanged).toBeGreaterThan(0);
    c.dispose();
    m.dispose();
  });

  it('training steps keep the tensor count and lower the loss', async () => {
    const m = new I2VAE(small);
    const opt = new Adam({ lr: 1e-2 });
    m.setTraining(true);
    const rng = new Rng(5);
    const losses: number[] = [];
    const counts: number[] = [];
    for (let e = 0; e < 4; e++) {
      let s = 0;
      let n = 0;
      for (const b of i2vaeTrainBatches(data.train, null, { maxLen: 5, augLen: 8, rng, pools, batchSize: 40 })) {
        s += opt.step(() => m.loss(b), m.variables());
        n++;
        counts.push(tf.memory().numTensors);
      }
      losses.push(s / n);
    }
    expect(new Set(counts.slice(2)).size).toBe(1);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    opt.dispose();
    m.dispose();
  });

  it('length groups give the padded batch\'s loss and gradients (evaluation mode, so no sampling)', () => {
    // 200 rows at the official lengths (20, augmented 40), histories of every length: the encoders split
    const B = 200;
    const L = 20;
    const A = 40;
    const rng = new Rng(4);
    const leftPadded = (len: number, n: number) => {
      const out = new Int32Array(B * len);
      const lens = new Int32Array(B);
      for (let r = 0; r < B; r++) {
        lens[r] = rng.int(n + 1);
        for (let t = len - lens[r]; t < len; t++) out[r * len + t] = 1 + rng.int(data.numItems);
      }
      return { ids: out, lens };
    };
    const target = leftPadded(L, L);
    const b: I2VAEBatch = {
      batchSize: B,
      maxLen: L,
      augLen: A,
      domain: Int32Array.from({ length: B }, () => rng.int(2)),
      target: target.ids,
      other: leftPadded(L, L).ids,
      aug: leftPadded(A, A).ids,
      histLen: target.lens,
      pos: Int32Array.from({ length: B }, () => 1 + rng.int(data.numItems)),
      neg: Int32Array.from({ length: B }, () => 1 + rng.int(data.numItems)),
    };
    expect(planLengthGroups(b.target, B, L)).not.toBeNull();
    const run = (lengthGroups: number) => {
      const m = new I2VAE({ ...small, maxLen: L, augLen: A, lengthGroups });
      const { value, grads } = tf.variableGrads(() => m.loss(b), m.variables());
      const out = { loss: value.dataSync()[0], grads: m.variables().map((v) => (grads[v.name] ? Array.from(grads[v.name].dataSync()) : null)) };
      tf.dispose([value, ...Object.values(grads)]);
      m.dispose();
      return out;
    };
    const plain = run(1);
    const grouped = run(8);
    expect(grouped.loss).toBeCloseTo(plain.loss, 5);
    expect(grouped.grads.map((g) => g === null)).toEqual(plain.grads.map((g) => g === null));
    expect(plain.grads.filter((g) => g !== null).length).toBeGreaterThan(20);
    grouped.grads.forEach((g, k) => g && expectClose(g, plain.grads[k]!, 1e-5));
  });

  it('save/load round trip gives the same scores and config', async () => {
    const m = new I2VAE({ ...small, variant: 'i2VAE:no-cross', lambdaT: 0 });
    const dir = path.join(tmp, 'model');
    await m.save(dir);
    const l = await I2VAE.load(dir);
    expect(l.config).toEqual(m.config);
    expect(l.name).toBe('i2VAE:no-cross');
    const b = testBatch();
    const c = cands();
    expect(await tf.tidy(() => l.score(b, c)).array()).toEqual(await tf.tidy(() => m.score(b, c)).array());
    const rec = await l.recommend([1, 2], 3, { domain: 0, other: [21], candidates: pools[0] });
    expect(rec).toHaveLength(3);
    expect(rec).not.toContain(1);
    expect(rec.every((i) => i >= 1 && i <= 20)).toBe(true);
    c.dispose();
    l.dispose();
    m.dispose();
    await expect(I2VAE.load(path.join(tmp, 'nothing'))).rejects.toThrow();
  });

  it('rejects bad config keys and bad batches by name', () => {
    expect(() => new I2VAE({ ...small, dim: 7, crossHeads: 2 })).toThrow(/config.crossHeads/);
    expect(() => new I2VAE({ ...small, lambdaA: -1 })).toThrow(/config.lambdaA/);
    const m = new I2VAE(small);
    const b = testBatch();
    b.target[0] = 999;
    expect(() => m.scoreAll(b)).toThrow(/batch.target\[0\] is 999/);
    expect(() => m.loss(testBatch())).toThrow(/batch.pos and batch.neg/);
    m.dispose();
  });
});
