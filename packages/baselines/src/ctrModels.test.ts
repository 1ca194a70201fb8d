import * as tf from '@tensorflow/tfjs-core';
import { Adam, Embedding, IdMap, Rng, auc, buildCtrData, ctrBatches, fit, registerNative, registerWasm } from '@recsuite/core';
import { describeBackends, expectClose, slowIt } from '@recsuite/core/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCtrBatch, withHistoryNegatives, type AttributeLists, type CtrExample } from './ctrFeatures.js';
import type { CtrBaseConfig, CtrBatch, CtrHooks, CtrModel, ItemContext } from './ctrModel.js';
import { DIEN } from './dien.js';
import { DIN } from './din.js';
import { WideDeep } from './wideDeep.js';

// ---------------------------------------------------------------------------------------------------------
// A small synthetic CTR task (built here; core's CTR construction is not used by these unit tests):
// items fall into clusters, each user is interested in a few clusters, histories are drawn from them, and a
// candidate is clicked exactly when its cluster is one of the user's. Side features and the profile are noise.
// ---------------------------------------------------------------------------------------------------------
interface Synth {
  numUsers: number;
  numItems: number;
  numFeatures: number;
  attributes: AttributeLists;
  profiles: Int32Array;
  train: CtrExample[];
  test: CtrExample[];
}

function synthCtr(seed: number, o = { users: 120, items: 120, clusters: 8, interests: 2, maxHist: 12, perUser: 8 }): Synth {
  const rng = new Rng(seed);
  const clusterOf = (i: number) => (i - 1) % o.clusters;
  const byCluster: number[][] = Array.from({ length: o.clusters }, () => []);
  for (let i = 1; i <= o.items; i++) byCluster[clusterOf(i)].push(i);
  const numFeatures = 6;
  const lists = [undefined, ...Array.from({ length: o.items }, () => [1 + rng.int(numFeatures), 1 + rng.int(numFeatures)])];
  const profiles = Int32Array.from({ length: o.users }, () => rng.int(4));
  const pick = (a: number[]) => a[rng.int(a.length)];
  const make = (): CtrExample[] => {
    const out: CtrExample[] = [];
    for (let u = 0; u < o.users; u++) {
      const mine = Array.from(rng.permutation(o.clusters).subarray(0, o.interests));
      const others = Array.from({ length: o.clusters }, (_, c) => c).filter((c) => !mine.includes(c));
      for (let k = 0; k < o.perUser; k++) {
        const len = 2 + rng.int(o.maxHist - 1);
        const history = Array.from({ length: len }, () => pick(byCluster[pick(mine)]));
        const historyNegatives = Array.from({ length: len }, () => pick(byCluster[pick(others)]));
        const label = rng.int(2);
        const item = pick(byCluster[label ? pick(mine) : pick(others)]);
        out.push({ user: u, item, label, history, historyNegatives });
      }
    }
    return out;
  };
  return { numUsers: o.users, numItems: o.items, numFeatures, attributes: { values: lists }, profiles, train: make(), test: make() };
}

const batchOf = (s: Synth, ex: CtrExample[], maxLen: number): CtrBatch =>
  makeCtrBatch(ex, { maxLen, itemAttributes: s.attributes, userProfile: { fields: { age: { values: s.profiles } } } });

const baseConfig = (s: Synth, seed = 1): CtrBaseConfig => ({
  seed,
  numItems: s.numItems,
  numAttributes: s.numFeatures,
  profileFields: [{ name: 'age', numValues: 3 }],
  embedDim: 6,
});

type Maker = (s: Synth, hooks?: CtrHooks, seed?: number) => CtrModel;
const small = { attentionHidden: [8, 4], mlpHidden: [16, 8] };
const MODELS: Record<string, { make: Maker; load: (dir: string, hooks?: CtrHooks) => Promise<CtrModel> }> = {
  DIN: { make: (s, h, seed) => new DIN({ ...baseConfig(s, seed), ...small }, h), load: (d, h) => DIN.load(d, h) },
  'DIN (softmax)': { make: (s, h, seed) => new DIN({ ...baseConfig(s, seed), ...small, attentionNorm: 'softmax' }, h), load: (d, h) => DIN.load(d, h) },
  'DIN (released)': {
    make: (s, h, seed) => new DIN({ ...baseConfig(s, seed), ...small, attentionNorm: 'softmax', historySum: true }, h),
    load: (d, h) => DIN.load(d, h),
  },
  'DIEN (history sum)': { make: (s, h, seed) => new DIEN({ ...baseConfig(s, seed), ...small, historySum: true }, h), load: (d, h) => DIEN.load(d, h) },
  DIEN: { make: (s, h, seed) => new DIEN({ ...baseConfig(s, seed), ...small }, h), load: (d, h) => DIEN.load(d, h) },
  WideDeep: {
    make: (s, h, seed) => new WideDeep({ ...baseConfig(s, seed), deepHidden: [16, 8], wideBuckets: 4093 }, h),
    load: (d, h) => WideDeep.load(d, h),
  },
};

function train(model: CtrModel, s: Synth, epochs: number, maxLen: number, batchSize: number, lr = 5e-3, seed = 3): void {
  const opt = new Adam({ lr });
  const rng = new Rng(seed);
  for (let e = 0; e < epochs; e++) trainEpoch(model, opt, rng, s, maxLen, batchSize);
  model.setTraining(false);
  opt.dispose();
}

/** {@link train}, yielding to the event loop between epochs (long tests keep vitest's worker responsive). */
async function trainAsync(model: CtrModel, s: Synth, epochs: number, maxLen: number, batchSize: number, lr: number, seed = 3): Promise<void> {
  const opt = new Adam({ lr });
  const rng = new Rng(seed);
  for (let e = 0; e < epochs; e++) {
    trainEpoch(model, opt, rng, s, maxLen, batchSize);
    await new Promise((r) => setImmediate(r));
  }
  model.setTraining(false);
  opt.dispose();
}

function trainEpoch(model: CtrModel, opt: Adam, rng: Rng, s: Synth, maxLen: number, batchSize: number): void {
  const order = rng.permutation(s.train.length);
  model.setTraining(true);
  for (let i = 0; i < order.length; i += batchSize) {
    const ex = Array.from(order.subarray(i, i + batchSize), (j) => s.train[j]);
    opt.step(() => model.loss(batchOf(s, ex, maxLen)), model.variables());
  }
}

const predictAll = (m: CtrModel, b: CtrBatch) => {
  const p = m.predict(b);
  const v = Array.from(p.dataSync());
  p.dispose();
  return v;
};

/** A toy IaCN-like hook: a per-item extra embedding of width 3 from its own table. */
function extraHook(numItems: number): CtrHooks & { table: Embedding; calls: number } {
  const table = new Embedding(numItems + 1, 3, { rng: new Rng(9), grad: 'scatter' });
  const hook = {
    table,
    calls: 0,
    itemExtra: {
      dim: 3,
      extend: (ctx: ItemContext) => {
        hook.calls++;
        return { hist: tf.reshape(table.lookup(ctx.batch.history), [ctx.batch.batchSize, ctx.batch.maxLen, 3]), cand: table.lookup(ctx.batch.items) };
      },
    },
    mlpExtra: { dim: 2, features: (ctx: ItemContext) => tf.ones([ctx.batch.batchSize, 2]) },
  };
  return hook;
}

describeBackends('CTR models (DIN, DIEN, Wide&Deep)', () => {
  const s = synthCtr(1, { users: 12, items: 30, clusters: 4, interests: 2, maxHist: 7, perUser: 2 });
  for (const [name, { make, load }] of Object.entries(MODELS)) {
    describe(name, () => {
      it('shapes: logits and probabilities [B], a finite scalar loss', () => {
        const m = make(s);
        const b = batchOf(s, s.train.slice(0, 5), 6);
        const p = m.predict(b);
        expect(p.shape).toEqual([5]);
        expect(Array.from(p.dataSync()).every((v) => v > 0 && v < 1)).toBe(true);
        const l = m.loss(b);
        expect(l.shape).toEqual([]);
        expect(Number.isFinite(l.dataSync()[0])).toBe(true);
        tf.dispose([p, l]);
        m.dispose();
      });

      it('padding never changes a prediction (random extra left padding and batch order)', () => {
        const m = make(s);
        train(m, s, 1, 7, 8);
        const rng = new Rng(4);
        for (let trial = 0; trial < 4; trial++) {
          const ex = Array.from(rng.permutation(s.test.length).subarray(0, 6), (j) => s.test[j]);
          const base = predictAll(m, batchOf(s, ex, 7));
          const extra = 7 + 1 + rng.int(6);
          const perm = rng.permutation(ex.length);
          const shuffled = predictAll(m, batchOf(s, Array.from(perm, (j) => ex[j]), extra));
          expectClose(Array.from(perm, (j) => base[j]), shuffled, 1e-4);
          // one row alone, padded even further
          expectClose([predictAll(m, batchOf(s, [ex[0]], extra + 3))[0]], [base[0]], 1e-4);
        }
        m.dispose();
      });

      it('numTensors is unchanged across training steps and predictions, and by build + dispose', () => {
        const start = tf.memory().numTensors;
        const m = make(s);
        const opt = new Adam({ lr: 1e-3 });
        const b = batchOf(s, s.train.slice(0, 8), 6);
        m.setTraining(true);
        opt.step(() => m.loss(b), m.variables()); // creates the optimizer slots
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) opt.step(() => m.loss(b), m.variables());
        m.setTraining(false);
        tf.dispose(m.predict(b));
        expect(tf.memory().numTensors).toBe(before);
        opt.dispose();
        m.dispose();
        expect(tf.memory().numTensors).toBe(start);
      });

      it('a fit run resumed from its checkpoint ends on the uninterrupted weights, Dice statistics and predictions included', async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), `ctr-ck-${name.replace(/\W/g, '')}-`));
        try {
          const run = async (m: CtrModel, ck: string, extra: { stopAfterEpoch?: number; resume?: boolean } = {}) => {
            const opt = new Adam({ lr: 5e-3 });
            try {
              return await fit(m, {
                optimizer: opt,
                epochs: 3,
                seed: 4,
                batches: (_e, rng) => {
                  const order = rng.permutation(s.train.length);
                  return Array.from({ length: Math.ceil(order.length / 8) }, (_, k) => batchOf(s, Array.from(order.subarray(8 * k, 8 * k + 8), (j) => s.train[j]), 7));
                },
                checkpointDir: path.join(dir, ck),
                rngs: m.generators(),
                progress: false,
                ...extra,
              });
            } finally {
              opt.dispose();
            }
          };
          const a = make(s);
          await run(a, 'a');
          const b = make(s);
          expect((await run(b, 'b', { stopAfterEpoch: 1 })).interrupted).toBe(true);
          b.dispose();
          const c = make(s);
          expect((await run(c, 'b', { resume: true })).resumedFrom).toBe(1);
          const values = (m: CtrModel) => m.variables().map((v) => Array.from(v.dataSync()));
          expect(values(c)).toEqual(values(a));
          const t = batchOf(s, s.test.slice(0, 8), 7);
          expect(predictAll(c, t)).toEqual(predictAll(a, t));
          a.dispose();
          c.dispose();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });

      it('save/load gives identical predictions; a wrong model name or shape is refused', async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), `ctr-${name}-`));
        try {
          const m = make(s);
          train(m, s, 1, 6, 8);
          const b = batchOf(s, s.test.slice(0, 6), 6);
          const want = predictAll(m, b);
          await m.save(dir);
          const back = await load(dir);
          expect(back.name).toBe(name.split(' ')[0]);
          expect(predictAll(back, b)).toEqual(want);
          const other = name.startsWith('DIN ') || name === 'DIN' ? MODELS.WideDeep : MODELS.DIN;
          await expect(other.load(dir)).rejects.toThrow(/expected "(DIN|WideDeep)"/);
          m.dispose();
          back.dispose();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });

      it('accepts a wider item embedding (itemExtra) and an extra MLP input (mlpExtra) without code changes', () => {
        const hook = extraHook(s.numItems);
        const m = make(s, hook);
        const plain = make(s);
        const b = batchOf(s, s.train.slice(0, 4), 7);
        const p = m.predict(b);
        expect(p.shape).toEqual([4]);
        expect(hook.calls).toBeGreaterThan(0);
        // the layers were sized for the wider items: more weights than the plain model
        const count = (x: CtrModel) => x.variables().reduce((a, v) => a + v.size, 0);
        expect(count(m)).toBeGreaterThan(count(plain));
        // gradients reach the hook's own table through the model's loss
        const opt = new Adam({ lr: 0.05 });
        const before = hook.table.table.arraySync()[b.items[0]];
        m.setTraining(true);
        opt.step(() => m.loss(b), [...m.variables(), hook.table.table]);
        expect(hook.table.table.arraySync()[b.items[0]]).not.toEqual(before);
        tf.dispose(p);
        opt.dispose();
        [m, plain, hook.table].forEach((x) => x.dispose());
      });
    });
  }

  it('DIN: the interest is the unnormalised, masked attention-weighted sum of behaviours (eq. 3)', () => {
    const m = new DIN({ ...baseConfig(s), ...small });
    const b = batchOf(s, s.train.slice(0, 3), 5);
    tf.tidy(() => {
      const ctx = m.embedBatch(b);
      const w = tf.mul(m.attention.scores(ctx.cand, ctx.hist), ctx.mask).arraySync() as number[][];
      const h = ctx.hist.arraySync();
      const want = h.map((row, i) => row[0].map((_, k) => row.reduce((acc, e, t) => acc + w[i][t] * e[k], 0)));
      expectClose(m.interest(ctx), want.flat());
    });
    m.dispose();
  });

  it('DIN (softmax): the interest is the masked-softmax-weighted sum; padded positions get weight exactly 0', () => {
    const m = new DIN({ ...baseConfig(s), ...small, attentionNorm: 'softmax' });
    const b = batchOf(s, s.train.slice(0, 3), 9);
    tf.tidy(() => {
      const ctx = m.embedBatch(b);
      const raw = m.attention.scores(ctx.cand, ctx.hist).arraySync() as number[][];
      const mask = ctx.mask.arraySync() as number[][];
      const w = raw.map((row, i) => {
        const z = Math.max(...row.filter((_, t) => mask[i][t] > 0));
        const e = row.map((v, t) => (mask[i][t] > 0 ? Math.exp(v - z) : 0));
        const sum = e.reduce((a, v) => a + v, 0);
        return e.map((v) => v / sum);
      });
      expect(mask.some((row) => row.includes(0))).toBe(true);
      const h = ctx.hist.arraySync();
      const want = h.map((row, i) => row[0].map((_, k) => row.reduce((acc, e, t) => acc + w[i][t] * e[k], 0)));
      expectClose(m.interest(ctx), want.flat());
    });
    expect(() => new DIN({ ...baseConfig(s), ...small, attentionNorm: 'l1' as 'none' })).toThrow(/attentionNorm/);
    m.dispose();
  });

  it('historySum: the final MLP also gets [Σ_j e_j, e_c ⊙ Σ_j e_j] over the real behaviours', () => {
    class Exposed extends DIN {
      sums(ctx: ItemContext) {
        return this.historySumInputs(ctx);
      }
    }
    const m = new Exposed({ ...baseConfig(s), ...small, historySum: true });
    const plain = new DIN({ ...baseConfig(s), ...small });
    expect(m.mlp.variables()[0].shape[0]).toBe(plain.mlp.variables()[0].shape[0] + 2 * m.itemDim);
    const b = batchOf(s, s.train.slice(0, 3), 9);
    tf.tidy(() => {
      const ctx = m.embedBatch(b);
      const h = ctx.hist.arraySync();
      const mask = ctx.mask.arraySync() as number[][];
      const c = ctx.cand.arraySync() as number[][];
      const sum = h.map((row, i) => row[0].map((_, k) => row.reduce((acc, e, t) => acc + mask[i][t] * e[k], 0)));
      const [gotSum, gotProd] = m.sums(ctx);
      expectClose(gotSum, sum.flat());
      expectClose(gotProd, sum.flatMap((row, i) => row.map((v, k) => v * c[i][k])));
    });
    m.dispose();
    plain.dispose();
  });

  it('DIEN: the auxiliary loss is α · mean over valid steps of BCE(⟨h_t, e_{t+1}⟩, ⟨h_t, ê_{t+1}⟩)', () => {
    const m = new DIEN({ ...baseConfig(s), ...small, auxWeight: 0.5 });
    const b = batchOf(s, s.train.slice(0, 3), 5);
    const withAux = m.loss(b).dataSync()[0];
    const main = tf.tidy(() => {
      const l = m.logits(b);
      const y = tf.tensor1d(b.labels!);
      return tf.mean(tf.sub(tf.add(tf.relu(l), tf.log1p(tf.exp(tf.neg(tf.abs(l))))), tf.mul(y, l))).dataSync()[0];
    });
    // by hand from the extractor states
    const aux = tf.tidy(() => {
      const ctx = m.embedBatch(b);
      const { states } = m.interest(ctx);
      const hs = states.arraySync();
      const e = ctx.hist.arraySync();
      const neg = m.features.embedItems(b.historyNegatives!, b.historyNegAttrs, b.numAttrSlots!, [3, 5]).arraySync() as number[][][];
      const dot = (x: number[], y: number[]) => x.reduce((a, v, i) => a + v * y[i], 0);
      const sp = (x: number) => Math.log1p(Math.exp(x));
      let sum = 0;
      let n = 0;
      for (let r = 0; r < 3; r++) {
        for (let t = 0; t < 4; t++) {
          if (b.history[r * 5 + t] === 0) continue;
          sum += sp(-dot(hs[r][t], e[r][t + 1])) + sp(dot(hs[r][t], neg[r][t + 1]));
          n++;
        }
      }
      return sum / n;
    });
    expect(withAux).toBeCloseTo(main + 0.5 * aux, 4);
    // without given negatives it borrows other rows' behaviours and still adds a positive term
    const noNeg = m.loss({ ...b, historyNegatives: undefined, historyNegAttrs: undefined }).dataSync()[0];
    expect(noNeg).toBeGreaterThan(main);
    expect(Object.keys(m.generators())).toEqual(['dropout', 'auxNegatives']);
    m.dispose();
  });

  it('consumes the batches of core\'s CTR construction (buildCtrData + ctrBatches) directly', () => {
    const seqs = Array.from({ length: 6 }, (_, u) => Int32Array.from({ length: 5 + u }, (_, k) => 1 + ((u * 7 + k * 3) % 30)));
    const data = buildCtrData(seqs, { numItems: 30, seed: 1 });
    const itemAttributes = { values: [new Int32Array(0), ...Array.from({ length: 30 }, (_, i) => Int32Array.of(1 + (i % 6)))], numValues: 6, vocab: IdMap.identity(6, 1, 1) };
    for (const [name, { make }] of Object.entries(MODELS)) {
      const m = make(s);
      for (const b of ctrBatches(data, data.train, { batchSize: 8, maxLen: 4, itemAttributes, userProfile: { numUsers: 6, fields: { age: { values: Int32Array.of(1, 2, 3, 0, 1, 2), numValues: 3, vocab: IdMap.identity(3, 1, 1) } } } })) {
        const l = m.loss(b);
        expect(Number.isFinite(l.dataSync()[0]), name).toBe(true);
        l.dispose();
      }
      m.dispose();
    }
  });

  it('withHistoryNegatives fills one sampled item (with its attributes) per real history position', () => {
    const b = batchOf(s, s.train.slice(0, 2), 6);
    let k = 0;
    const nb = withHistoryNegatives({ ...b, historyNegatives: undefined, historyNegAttrs: undefined }, () => 1 + (k++ % s.numItems), s.attributes);
    for (let i = 0; i < 12; i++) expect(nb.historyNegatives![i] === 0).toBe(b.history[i] === 0);
    const A = b.numAttrSlots!;
    for (let i = 0; i < 12; i++) {
      const it = nb.historyNegatives![i];
      const want = it === 0 ? [0, 0] : Array.from(s.attributes.values[it]!);
      expect(Array.from(nb.historyNegAttrs!.subarray(i * A, i * A + A))).toEqual(want);
    }
  });

  it('WideDeep: the wide logit is the sum of the weights of the row’s features times their values', () => {
    const m = new WideDeep({ ...baseConfig(s), wideBuckets: 101 });
    tf.tidy(() => m.wide.table.assign(tf.randomNormal(m.wide.table.shape, 0, 1, 'float32', 7)));
    const b = batchOf(s, s.train.slice(0, 2), 6);
    const f = m.wideFeatures(b);
    const w = m.wide.table.arraySync();
    const want = [0, 1].map((r) => {
      let acc = 0;
      for (let k = 0; k < f.width; k++) acc += w[f.ids[r * f.width + k]][0] * f.values[r * f.width + k];
      return acc;
    });
    expectClose(m.wideLogit(b), want);
    // row 0: item, its attributes, the profile value (value 1), then item×history crosses with value 1/n each
    const n = Array.from(b.history.subarray(0, 6)).filter((v) => v !== 0).length;
    const attrs = Array.from(b.itemAttrs!.subarray(0, 2)).filter((v) => v !== 0).length;
    const vals = Array.from(f.values.subarray(0, f.width));
    expect(vals.slice(0, 2 + attrs)).toEqual(new Array(2 + attrs).fill(1));
    expectClose(vals.slice(2 + attrs, 2 + attrs + n), new Array(n).fill(1 / n));
    m.dispose();
  });
});

describe('CTR models: saved on tensorflow, loaded on wasm', () => {
  const reason = registerNative();
  afterAll(async () => {
    if (reason === null) await tf.setBackend('tensorflow');
  });
  it.skipIf(reason !== null)('gives the same predictions', async () => {
    const s = synthCtr(2, { users: 10, items: 20, clusters: 4, interests: 2, maxHist: 6, perUser: 2 });
    const why = await registerWasm();
    expect(why).toBeNull();
    for (const [name, { make, load }] of Object.entries(MODELS)) {
      await tf.setBackend('tensorflow');
      const dir = await mkdtemp(path.join(os.tmpdir(), `ctr-x-${name}-`));
      try {
        const m = make(s);
        train(m, s, 1, 6, 8);
        const b = batchOf(s, s.test.slice(0, 6), 6);
        const want = predictAll(m, b);
        await m.save(dir);
        m.dispose();
        await tf.setBackend('wasm');
        const back = await load(dir);
        expectClose(predictAll(back, b), want, 1e-4);
        back.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
});

describe('CTR models on a synthetic task: the click depends on whether the candidate matches the history', () => {
  // 300 users with 3 of 8 item clusters each, 2,400 training rows; the side features and profile are noise.
  const setting = { users: 300, items: 48, clusters: 8, interests: 3, maxHist: 15, perUser: 8 };
  const reason = registerNative();
  const testAuc = async (names: string[]) => {
    await tf.setBackend('tensorflow');
    const s = synthCtr(5, setting);
    const result: Record<string, number> = {};
    for (const name of names) {
      const m = MODELS[name].make(s, {}, 11);
      await trainAsync(m, s, 7, setting.maxHist, 128, 2e-2);
      const b = batchOf(s, s.test, setting.maxHist);
      result[name] = auc(b.labels!, predictAll(m, b));
      m.dispose();
    }
    console.log('synthetic CTR test AUC', result);
    return result;
  };
  it.skipIf(reason !== null)('DIN beats Wide&Deep (no history attention) on test AUC', async () => {
    const r = await testAuc(['DIN', 'WideDeep']);
    // measured: DIN 0.90, Wide&Deep 0.74
    expect(r.DIN).toBeGreaterThan(r.WideDeep + 0.05);
  });
  slowIt('DIEN beats Wide&Deep on test AUC', async () => {
    const r = await testAuc(['DIEN', 'WideDeep']);
    // measured: DIEN 0.87, Wide&Deep 0.74
    expect(r.DIEN).toBeGreaterThan(r.WideDeep + 0.05);
  });
});
