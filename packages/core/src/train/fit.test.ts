import * as tf from '@tensorflow/tfjs-core';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { EvalCase } from '../data/splits.js';
import type { RecModel, SeqBatch } from '../model.js';
import { Embedding, embeddingLookup } from '../tensor/embedding.js';
import { randomNormal, randomUniform } from '../tensor/init.js';
import { Adam, type Optimizer } from '../tensor/optimizer.js';
import { Rng } from '../tensor/rng.js';
import { describeBackends } from '../test/index.js';
import { evaluateRanking } from './evaluate.js';
import { type FitOptions, NonFiniteLossError, TensorLeakError, fit } from './fit.js';
import { readLog } from './history.js';
import { saveWeights } from './weights.js';

// ---------------------------------------------------------------------------------------------------
// A tiny matrix-factorisation model with BPR loss, item biases and dropout on the user vector (drawn
// from the model's own Rng, so checkpoints must carry that generator too), over a synthetic task:
// users in 4 clusters, each liking the items of its cluster (item id % 4 === user % 4).
// ---------------------------------------------------------------------------------------------------

const NUM_USERS = 24;
const NUM_ITEMS = 40;
const DIM = 8;

class TinyMF implements RecModel<SeqBatch> {
  readonly name = 'TinyMF';
  readonly items: Embedding;
  readonly users: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R2>;
  readonly rng: Rng;
  training = false;
  /** Multiplies the loss (set to NaN to inject a non-finite loss). */
  lossHook: ((loss: tf.Scalar) => tf.Scalar) | null = null;

  constructor(seed: number, readonly dropout = 0.2) {
    const r = new Rng(seed);
    this.items = new Embedding(NUM_ITEMS + 1, DIM, { rng: r });
    this.users = tf.variable(randomNormal([NUM_USERS, DIM], 0.1, r) as tf.Tensor2D);
    this.bias = tf.variable(tf.zeros([NUM_ITEMS + 1, 1]) as tf.Tensor2D);
    this.rng = r.fork();
  }

  variables(): tf.Variable[] {
    return [this.items.table, this.users, this.bias];
  }

  private userVec(users: Int32Array): tf.Tensor2D {
    return tf.tidy(() => {
      let u = embeddingLookup(this.users, users) as tf.Tensor2D;
      if (this.training && this.dropout > 0) {
        const keep = tf.cast(tf.greaterEqual(randomUniform(u.shape, 1, this.rng), 2 * this.dropout - 1), 'float32');
        u = tf.div(tf.mul(u, keep), 1 - this.dropout);
      }
      return u;
    });
  }

  loss(b: SeqBatch): tf.Scalar {
    return tf.tidy(() => {
      const u = this.userVec(b.users);
      const pos = b.targets as Int32Array;
      const neg = b.negatives as Int32Array;
      const x = tf.add(
        tf.sum(tf.mul(u, tf.sub(this.items.lookup(pos), this.items.lookup(neg))), 1),
        tf.reshape(tf.sub(embeddingLookup(this.bias, pos), embeddingLookup(this.bias, neg)), [-1]),
      );
      const l = tf.mean(tf.softplus(tf.neg(x))) as tf.Scalar; // BPR: -log σ(x) = softplus(-x)
      return this.lossHook ? this.lossHook(l) : l;
    });
  }

  scoreAll(b: SeqBatch): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(this.userVec(b.users), this.items.table, false, true), tf.reshape(this.bias, [1, -1])));
  }

  score(b: SeqBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    // Flat gather: tf.gather with batchDims is wrong on wasm in tfjs 4.22 (tensorflow/tfjs#8658).
    return tf.tidy(() => {
      const flat = tf.add(candidates, tf.mul(tf.reshape(tf.range(0, b.batchSize, 1, 'int32'), [-1, 1]), tf.scalar(NUM_ITEMS + 1, 'int32')));
      return tf.reshape(tf.gather(tf.reshape(this.scoreAll(b), [-1]), tf.reshape(flat, [-1])), candidates.shape) as tf.Tensor2D;
    });
  }

  async recommend(): Promise<number[]> {
    throw new Error('not used');
  }

  async save(dir: string): Promise<void> {
    await saveWeights(dir, this.variables(), { name: this.name });
  }

  setTraining(t: boolean): void {
    this.training = t;
  }

  dispose(): void {
    this.items.dispose();
    this.users.dispose();
    this.bias.dispose();
  }
}

/** Per user: 6 training items and 1 validation item from its cluster (fixed by a seed). */
function makeTask(): { train: Int32Array[]; valid: EvalCase[] } {
  const r = new Rng(99);
  const train: Int32Array[] = [];
  const valid: EvalCase[] = [];
  for (let u = 0; u < NUM_USERS; u++) {
    const liked = Int32Array.from({ length: NUM_ITEMS / 4 }, (_, i) => 4 * i + (u % 4 === 0 ? 4 : u % 4));
    r.shuffle(liked);
    train.push(liked.slice(0, 6));
    valid.push({ user: u, history: liked.slice(0, 6), target: liked[6] });
  }
  return { train, valid };
}

const task = makeTask();

/** One epoch of shuffled (user, positive, negative) batches, all randomness from the trainer's rng. */
function* batches(_epoch: number, rng: Rng, batchSize = 16): Generator<SeqBatch> {
  const pairs: [number, number][] = [];
  task.train.forEach((items, u) => items.forEach((i) => pairs.push([u, i])));
  const order = rng.permutation(pairs.length);
  for (let s = 0; s < order.length; s += batchSize) {
    const idx = order.subarray(s, s + batchSize);
    const B = idx.length;
    const users = new Int32Array(B);
    const targets = new Int32Array(B);
    const negatives = new Int32Array(B);
    idx.forEach((p, r) => {
      const [u, i] = pairs[p];
      users[r] = u;
      targets[r] = i;
      let n: number;
      do n = 1 + rng.int(NUM_ITEMS);
      while (n % 4 === u % 4);
      negatives[r] = n;
    });
    yield { users, seqs: targets.slice(), targets, negatives, batchSize: B, maxLen: 1 };
  }
}

const STEPS_PER_EPOCH = Math.ceil((NUM_USERS * 6) / 16);

const validate = (m: TinyMF) => async () => (await evaluateRanking(m, task.valid, { maxLen: 1, batchSize: 10, ks: [5, 10] })).metrics;

const weightsOf = (m: TinyMF) => m.variables().map((v) => Array.from(v.dataSync()));

let tmp: string;
beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'recsuite-fit-'));
});
afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

const base = (m: TinyMF, extra: Partial<FitOptions<SeqBatch>> = {}): FitOptions<SeqBatch> => ({
  optimizer: new Adam({ lr: 0.05 }),
  batches: (e, r) => batches(e, r),
  epochs: 5,
  seed: 7,
  progress: false,
  rngs: { model: m.rng },
  ...extra,
});

describeBackends('fit', (backend) => {
  for (const restoreBest of [false, true]) {
    it(`resuming after epoch 2 ends with exactly the weights of an uninterrupted run (restoreBest: ${restoreBest})`, async () => {
      const dir = path.join(tmp, `${backend}-resume-${restoreBest}`);
      // Uninterrupted.
      // With restoreBest, a scripted validation puts the best epoch (2) before the interruption, so the
      // resumed run can only end right if the checkpoint carried the best-weights copy.
      const script = [0.1, 0.5, 0.2, 0.3, 0.4];
      const val = (m: TinyMF, from: number) => {
        let k = from;
        return restoreBest ? () => ({ 'NDCG@10': script[k++] }) : validate(m);
      };
      const a = new TinyMF(1);
      const ra = await fit(a, { ...base(a), validate: val(a, 0), restoreBest, checkpointDir: path.join(dir, 'a') });
      expect(ra.bestEpoch).toBe(restoreBest ? 2 : ra.bestEpoch);
      expect(ra.epochsRun).toBe(5);
      expect(ra.interrupted).toBe(false);
      // Interrupted after epoch 2 ...
      const b = new TinyMF(1);
      const rb = await fit(b, { ...base(b), validate: val(b, 0), restoreBest, checkpointDir: path.join(dir, 'b'), stopAfterEpoch: 2 });
      expect(rb.interrupted).toBe(true);
      expect(rb.epochsRun).toBe(2);
      b.dispose();
      // ... and resumed by a fresh process-like setup: other initial weights, new optimizer, new model Rng.
      const c = new TinyMF(12345);
      const logFile = path.join(dir, 'c.jsonl');
      const rc = await fit(c, { ...base(c), validate: val(c, 2), restoreBest, checkpointDir: path.join(dir, 'b'), resume: true, logFile });
      expect(rc.resumedFrom).toBe(2);
      expect(rc.epochsRun).toBe(5);
      expect(rc.history.map((h) => h.loss)).toEqual(ra.history.map((h) => h.loss));
      expect(rc.history.map((h) => h.validation)).toEqual(ra.history.map((h) => h.validation));
      expect(rc.bestEpoch).toBe(ra.bestEpoch);
      const wa = weightsOf(a);
      const wc = weightsOf(c);
      wa.forEach((w, i) => expect(wc[i], `variable ${i}`).toEqual(w));
      // The log holds all five epochs (the first two rewritten from the checkpoint).
      const log = await readLog(logFile);
      expect(log.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5]);
      expect(log.map((l) => l.loss)).toEqual(ra.history.map((h) => h.loss));
      expect(log[4].validation?.['NDCG@10']).toBeCloseTo(ra.history[4].validation!['NDCG@10'], 12);
      // The model learned the clusters (sanity: HR@10 of random ranking over 34 candidates is ~0.3).
      if (!restoreBest) expect(ra.history[4].validation!['HR@10']).toBeGreaterThan(0.6);
      a.dispose();
      c.dispose();
    });
  }

  it('resume refuses a checkpoint written with another seed, and without a checkpoint starts fresh', async () => {
    const dir = path.join(tmp, `${backend}-seed`);
    const m = new TinyMF(1);
    await fit(m, { ...base(m), epochs: 2, checkpointDir: dir, stopAfterEpoch: 1 });
    await expect(fit(m, { ...base(m), epochs: 2, seed: 8, checkpointDir: dir, resume: true })).rejects.toThrow(/seed 7, this run has seed 8/);
    const fresh = await fit(m, { ...base(m), epochs: 1, checkpointDir: path.join(tmp, `${backend}-none`), resume: true });
    expect(fresh.resumedFrom).toBe(0);
    m.dispose();
  });

  it('keeps tf.memory().numTensors unchanged from epoch to epoch (with validation and checkpoints)', async () => {
    const m = new TinyMF(2);
    const counts: number[] = [];
    const res = await fit(m, {
      ...base(m),
      epochs: 4,
      validate: validate(m),
      checkpointDir: path.join(tmp, `${backend}-leak`),
      onEpoch: () => void counts.push(tf.memory().numTensors),
    });
    expect(res.epochsRun).toBe(4);
    // Epoch 1 creates the optimizer slots and the first best-weights copy; then the count is flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    m.dispose();
  });

  it('a leaking loss is reported with the epoch and the count (throw, or warn)', async () => {
    const m = new TinyMF(3);
    m.lossHook = (l) => {
      tf.keep(tf.scalar(1)); // leaks one tensor per step
      return l;
    };
    const err = await fit(m, { ...base(m), epochs: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(TensorLeakError);
    expect(err.epoch).toBe(2);
    expect(err.actual - err.expected).toBe(STEPS_PER_EPOCH);
    expect(err.message).toMatch(/after epoch 2 there are \d+ tensors, 9 more/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const res = await fit(m, { ...base(m), epochs: 3, leakCheck: 'warn' });
    expect(res.epochsRun).toBe(3);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0][0])).toMatch(/after epoch 2/);
    warn.mockRestore();
    m.dispose();
  });

  it('a NaN loss stops the run with the epoch, the step and the last finite loss', async () => {
    const m = new TinyMF(4);
    const adam = new Adam({ lr: 0.05 });
    const losses: number[] = [];
    const recording: Optimizer = {
      step: (f, v) => {
        const l = adam.step(f, v);
        losses.push(l);
        return l;
      },
      getState: (v) => adam.getState(v),
      setState: (v, s) => adam.setState(v, s),
      dispose: () => adam.dispose(),
    };
    let calls = 0;
    m.lossHook = (l) => (++calls === STEPS_PER_EPOCH + 3 ? tf.mul(l, NaN) : l); // epoch 2, step 3
    const err = await fit(m, { ...base(m), optimizer: recording, epochs: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err.epoch).toBe(2);
    expect(err.step).toBe(3);
    expect(Number.isNaN(err.loss)).toBe(true);
    expect(err.lastFiniteLoss).toBe(losses[losses.length - 2]);
    expect(err.message).toContain(`epoch 2, step 3; last finite loss ${losses[losses.length - 2]}`);
    // The failed step updated nothing: every weight is still finite.
    for (const w of weightsOf(m)) expect(w.every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it("logs the epoch means of the optimizer's loss parts, when it reports them", async () => {
    const m = new TinyMF(4);
    const adam = new Adam({ lr: 0.05 });
    const perEpoch: number[][] = [];
    let last = 0;
    const withParts: Optimizer = {
      step: (f, v) => {
        last = adam.step(f, v);
        perEpoch[perEpoch.length - 1].push(last);
        return last;
      },
      lastLossParts: () => ({ half: last / 2, one: 1 }),
      getState: (v) => adam.getState(v),
      setState: (v, s) => adam.setState(v, s),
      dispose: () => adam.dispose(),
    };
    const batches = base(m).batches;
    const res = await fit(m, { ...base(m), optimizer: withParts, epochs: 2, batches: (e, r) => (perEpoch.push([]), batches(e, r)) });
    expect(res.history).toHaveLength(2);
    res.history.forEach((h, e) => {
      const mean = perEpoch[e].reduce((a, b) => a + b, 0) / perEpoch[e].length;
      expect(h.lossParts!.half).toBeCloseTo(mean / 2, 10);
      expect(h.lossParts!.one).toBe(1);
    });
    const plain = await fit(m, { ...base(m), epochs: 1 });
    expect(plain.history[0].lossParts).toBeUndefined();
    m.dispose();
  });

  it('early stopping with patience restores the best epoch weights', async () => {
    const m = new TinyMF(5);
    const script = [0.1, 0.3, 0.2, 0.25, 0.9, 1];
    let k = 0;
    const snapshots = new Map<number, number[][]>();
    const logFile = path.join(tmp, `${backend}-early.jsonl`);
    const res = await fit(m, {
      ...base(m),
      epochs: 6,
      validate: () => ({ 'NDCG@10': script[k++], HR: 0 }),
      patience: 2,
      logFile,
      onEpoch: (log) => void snapshots.set(log.epoch, weightsOf(m)),
    });
    expect(res.stoppedEarly).toBe(true);
    expect(res.epochsRun).toBe(4);
    expect(res.bestEpoch).toBe(2);
    expect(res.bestValue).toBe(0.3);
    expect(res.history.map((h) => h.best)).toEqual([true, true, false, false]);
    const logged = await readLog(logFile);
    const bestLogged = logged.reduce((b, l) => (l.validation!['NDCG@10'] > b.validation!['NDCG@10'] ? l : b));
    expect(bestLogged.epoch).toBe(res.bestEpoch);
    const now = weightsOf(m);
    snapshots.get(bestLogged.epoch)!.forEach((w, i) => expect(now[i]).toEqual(w));
    expect(now[1]).not.toEqual(snapshots.get(4)![1]);
    // mode 'min' picks the smallest value; restoreBest: false keeps the last weights.
    k = 0;
    const m2 = new TinyMF(5);
    const last: number[][] = [];
    const r2 = await fit(m2, {
      ...base(m2),
      epochs: 3,
      validate: () => ({ loss: [0.5, 0.2, 0.4][k++] }),
      metric: 'loss',
      mode: 'min',
      restoreBest: false,
      onEpoch: () => void last.splice(0, last.length, ...weightsOf(m2)),
    });
    expect(r2.bestEpoch).toBe(2);
    expect(weightsOf(m2)).toEqual(last);
    m.dispose();
    m2.dispose();
  });

  it('evaluateRanking: sampled ranks against all unseen items equal full-ranking ranks', async () => {
    const m = new TinyMF(7);
    await fit(m, { ...base(m), epochs: 1 });
    const negatives = task.valid.map((c) => {
      const skip = new Set([...c.history, c.target]);
      return Int32Array.from({ length: NUM_ITEMS }, (_, i) => i + 1).filter((i) => !skip.has(i));
    });
    const before = tf.memory().numTensors;
    const full = await evaluateRanking(m, task.valid, { maxLen: 1, batchSize: 7, ks: [10] });
    const sampled = await evaluateRanking(m, task.valid, { maxLen: 1, batchSize: 5, ks: [10], negatives });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(sampled.ranks)).toEqual(Array.from(full.ranks));
    expect(sampled.metrics).toEqual(full.metrics);
    m.dispose();
  });

  it('rejects bad options and a missing metric with the option name', async () => {
    const m = new TinyMF(6);
    await expect(fit(m, { ...base(m), epochs: 0 })).rejects.toThrow(/options\.epochs must be a positive integer, got 0/);
    await expect(fit(m, { ...base(m), resume: true })).rejects.toThrow(/options\.resume needs options\.checkpointDir/);
    await expect(fit(m, { ...base(m), epochs: 1, validate: () => ({ HR: 1 }) })).rejects.toThrow(
      /options\.metric 'NDCG@10' is not among the validation results \(HR\)/,
    );
    const ctrl = new AbortController();
    ctrl.abort(new Error('stop now'));
    await expect(fit(m, { ...base(m), signal: ctrl.signal })).rejects.toThrow('stop now');
    m.dispose();
  });
});
