/**
 * i2VAE (Ning, Xu, Wei, Liu, "Interest information augmentation with variational regularizers for
 * cross-domain sequential recommendation", arXiv 2405.20710, UAI 2025).
 * @module
 */
import { paddingMask } from '@recsuite/baselines';
import * as tf from '@tensorflow/tfjs-core';
import {
  Dense,
  Embedding,
  MLP,
  Rng,
  leftPad,
  loadSavedModel,
  reparameterize,
  saveWeights,
  topK,
  variableFrom,
  type ForwardOptions,
  type RecModel,
} from '@recsuite/core';
import type { I2VAEBatch } from './batch.js';
import { augmentedSequence } from './batch.js';
import { i2vaeConfig, type I2VAEConfig } from './config.js';
import { DomainEncoder, maskedMean } from './layers/domainEncoder.js';
import { CrossLatentEncoder, GaussianEncoder } from './layers/gaussianEncoder.js';
import { PairScorer } from './layers/scorer.js';
import { CROSS_PRIOR_SIGMA, klFixedPrior, klGaussian, sigmaLogVar, type Gaussian } from './sigma.js';
import { denoiseWeight } from './weights.js';

type Pair<T> = [T, T];

/** The rows of a batch whose target domain is `d`, as plain arrays. */
interface Side {
  n: number;
  rows: Int32Array;
  target: Int32Array;
  other: Int32Array;
  aug: Int32Array;
  histLen: Int32Array;
}

/** The latents of one side's forward pass (for tests and inspection). */
export type I2VAELatents = {
  /** `q(Z^X | X)`. */
  zX: Gaussian;
  /** `q(Z^X_a | X_a)` on the augmented sequence. */
  zA: Gaussian;
  /** `q(Z^Y_t | X, Y)`, the cross-domain latent. */
  zT: Gaussian;
  /** `r^y(· | Y)`, the auxiliary encoder of the other domain. */
  rY: Gaussian;
};

const MODEL = 'i2VAE';

/**
 * i2VAE: per-domain self-attention encoders over one shared item table; per target domain `X` (other `Y`)
 * the Gaussian latents `Z^X` (history), `Z^X_a` (history interleaved with pseudo items, same encoder),
 * the cross-domain `Z^Y_t` (attention of `S_X` over `S_Y`) and the auxiliary `r^y(·|Y)`; the user vector
 * `u = Linear([dec(Z^X) ‖ dec_t(Z^Y_t) ‖ dec(Z^X_a)])` and the score `MLP([u ‖ e_i])`. Loss per row (KLs
 * summed over the latent dims, averaged over the batch; each domain's terms on its rows only):
 * `BCE + β·[KL(Z^X‖p_X) + KL(Z^X_a‖p_X) + KL(Z^Y_t‖N(0, 2.51²I))] + λ_a·w(i)·KL(Z^X_a‖Z^X) + λ_t·KL(Z^Y_t‖r^y)`
 * (β = 1 as in the official code),
 * with learnable scalar priors `p_X = N(m_X, σ(r_X)²)`. At evaluation `z = μ` and rows with an empty
 * target-domain history use `dec_t(μ of r^y)` in place of `dec_t(Z^Y_t)` (cold-start inference).
 */
export class I2VAE implements RecModel<I2VAEBatch> {
  /** The variant's name (`i2VAE`, `i2VAE:no-psg`, ...). */
  readonly name: string;
  /** The full configuration. */
  readonly config: I2VAEConfig;
  /** Item table `[numItems + 1, d]` shared by both domains (row 0 = padding). */
  readonly items: Embedding;
  /** Sequence encoder per domain. */
  readonly encoders: Pair<DomainEncoder>;
  /** `q(Z^d | ·)` per domain, shared by `Z^d` and `Z^d_a`. */
  readonly latents: Pair<GaussianEncoder>;
  /** Auxiliary `r^d(· | s_d)` per domain. */
  readonly auxiliary: Pair<GaussianEncoder>;
  /** Cross-domain latent for target domain `d` (queries from `d`, keys and values from the other). */
  readonly cross: Pair<CrossLatentEncoder>;
  /** Decoder of `Z^d` and `Z^d_a`. */
  readonly decoders: Pair<MLP>;
  /** Decoder of the cross-domain latent used for target domain `d`. */
  readonly crossDecoders: Pair<MLP>;
  /** `Linear(3d → d)` giving the user vector for target domain `d`. */
  readonly userLayers: Pair<Dense>;
  /** Scoring MLP `[u ‖ e_i] → logit`, shared by both domains (as the official `predictModule`). */
  readonly scorer: PairScorer;
  /** Prior means `m_d` (scalar, init 0). */
  readonly priorMu: Pair<tf.Variable>;
  /** Prior raw log σ `r_d` (scalar, init 1: σ ≈ 2.51). */
  readonly priorRaw: Pair<tf.Variable>;
  /** Dropout and sampling stream (checkpoint it with the trainer's `rngs`). */
  readonly rng: Rng;
  private training = false;

  /** @param config partial config; see {@link I2VAE_DEFAULTS} */
  constructor(config: Partial<I2VAEConfig> & { numItems: number }) {
    this.config = i2vaeConfig(config);
    const c = this.config;
    this.name = c.variant;
    const init = new Rng(c.seed);
    const pair = <T>(f: (d: number) => T): Pair<T> => [f(0), f(1)];
    this.items = new Embedding(c.numItems + 1, c.dim, { rng: init, grad: 'sparse', paddingIdx: 0, name: 'i2vae_items' });
    this.encoders = pair(() => new DomainEncoder(c.dim, init, { blocks: c.blocks, heads: c.heads, dropout: c.dropout, lengthGroups: c.lengthGroups }));
    this.latents = pair(() => new GaussianEncoder(c.dim, c.hidden, c.latent, c.latentDropout, init));
    this.auxiliary = pair(() => new GaussianEncoder(c.dim, c.hidden, c.latent, c.latentDropout, init));
    this.cross = pair(() => new CrossLatentEncoder(c.dim, c.latent, c.crossHeads, init));
    this.decoders = pair(() => new MLP(c.latent, [c.hidden], { rng: init, activation: 'tanh', output: c.dim }));
    this.crossDecoders = pair(() => new MLP(c.latent, [c.hidden], { rng: init, activation: 'tanh', output: c.dim }));
    this.userLayers = pair(() => new Dense(3 * c.dim, c.dim, init));
    this.scorer = new PairScorer(c.dim, c.scoreHidden, init);
    this.priorMu = pair(() => variableFrom(() => tf.zeros([1])));
    this.priorRaw = pair(() => variableFrom(() => tf.ones([1])));
    this.rng = init.fork();
  }

  /** Every trainable variable by name, in a stable order (weight files use these names). */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { items: this.items.table };
    const add = (prefix: string, vs: tf.Variable[]) => vs.forEach((v, k) => (out[`${prefix}.${k}`] = v));
    for (const d of [0, 1]) {
      add(`encoder${d}`, this.encoders[d].variables());
      add(`latent${d}`, this.latents[d].variables());
      add(`auxiliary${d}`, this.auxiliary[d].variables());
      add(`cross${d}`, this.cross[d].variables());
      add(`decoder${d}`, this.decoders[d].variables());
      add(`crossDecoder${d}`, this.crossDecoders[d].variables());
      add(`user${d}`, this.userLayers[d].variables());
      out[`priorMu${d}`] = this.priorMu[d];
      out[`priorRaw${d}`] = this.priorRaw[d];
    }
    add('scorer', this.scorer.variables());
    return out;
  }

  /** Every trainable variable. */
  variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  /** Dropout and latent sampling on in training; `z = μ` and no dropout otherwise. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  private check(batch: I2VAEBatch, where: string): void {
    const { batchSize: B, maxLen: L, augLen: A } = batch;
    if (!(Number.isInteger(B) && B >= 1)) throw new RangeError(`${this.name}.${where}: batch.batchSize must be a positive integer, got ${B}`);
    if (L !== this.config.maxLen || A !== this.config.augLen) {
      throw new RangeError(`${this.name}.${where}: batch lengths (maxLen ${L}, augLen ${A}) must match config.maxLen ${this.config.maxLen} and config.augLen ${this.config.augLen}`);
    }
    const sizes: [string, ArrayLike<number>, number][] = [
      ['domain', batch.domain, B],
      ['target', batch.target, B * L],
      ['other', batch.other, B * L],
      ['aug', batch.aug, B * A],
      ['histLen', batch.histLen, B],
    ];
    for (const [k, v, n] of sizes) if (v.length !== n) throw new RangeError(`${this.name}.${where}: batch.${k} has ${v.length} entries, expected ${n}`);
    const V = this.config.numItems;
    for (const [k, v] of sizes.slice(1, 4)) {
      for (let i = 0; i < v.length; i++) if (!(v[i] >= 0 && v[i] <= V)) throw new RangeError(`${this.name}.${where}: batch.${k}[${i}] is ${v[i]}, expected an item id in [0, ${V}]`);
    }
    for (let i = 0; i < B; i++) if (batch.domain[i] !== 0 && batch.domain[i] !== 1) throw new RangeError(`${this.name}.${where}: batch.domain[${i}] is ${batch.domain[i]}, expected 0 or 1`);
  }

  /** The rows of `batch` with target domain `d`. */
  private side(batch: I2VAEBatch, d: number): Side | null {
    const rows: number[] = [];
    for (let i = 0; i < batch.batchSize; i++) if (batch.domain[i] === d) rows.push(i);
    if (rows.length === 0) return null;
    const L = batch.maxLen;
    const A = batch.augLen;
    const pick = (src: Int32Array, w: number) => {
      const out = new Int32Array(rows.length * w);
      rows.forEach((r, j) => out.set(src.subarray(r * w, (r + 1) * w), j * w));
      return out;
    };
    return { n: rows.length, rows: Int32Array.from(rows), target: pick(batch.target, L), other: pick(batch.other, L), aug: pick(batch.aug, A), histLen: pick(batch.histLen, 1) };
  }

  private embed(ids: Int32Array, n: number, len: number): tf.Tensor3D {
    return tf.reshape(this.items.lookup(ids), [n, len, this.config.dim]) as tf.Tensor3D;
  }

  /**
   * The user vectors `[n, d]` of one side (target domain `d`) and, when asked, its per-row regularisers
   * (every KL term of the loss, weighted) `[n]`.
   */
  private forward(s: Side, d: number, withKl: boolean): { u: tf.Tensor2D; kl?: tf.Tensor1D; latents: I2VAELatents } {
    const c = this.config;
    const o = 1 - d;
    const opts: ForwardOptions = { training: this.training, rng: this.rng };
    const mX = paddingMask(s.target, s.n, c.maxLen);
    const mY = paddingMask(s.other, s.n, c.maxLen);
    const mA = paddingMask(s.aug, s.n, c.augLen);
    const SX = this.encoders[d].apply(this.embed(s.target, s.n, c.maxLen), mX, opts, s.target);
    const SY = this.encoders[o].apply(this.embed(s.other, s.n, c.maxLen), mY, opts, s.other);
    const SA = this.encoders[d].apply(this.embed(s.aug, s.n, c.augLen), mA, opts, s.aug);
    const zX = this.latents[d].apply(maskedMean(SX, mX), opts);
    const zA = this.latents[d].apply(maskedMean(SA, mA), opts);
    const zT = this.cross[d].apply(SX, mX, SY, mY, opts);
    const rY = this.auxiliary[o].apply(maskedMean(SY, mY), opts);
    const noise = c.noise;
    // z = μ + noise·σ·ε in training (σ from the transform; log(noise²) shifts the log-variance), z = μ otherwise
    const sample = (g: Gaussian) => (this.training && noise > 0 ? reparameterize(g.mu, noise === 1 ? g.logVar : tf.add(g.logVar, 2 * Math.log(noise)), this.rng) : g.mu);
    let tPart = this.crossDecoders[d].apply(sample(zT), opts);
    if (s.histLen.some((h) => h === 0)) {
      // Cold-start inference: no target-domain history, so the cross latent comes from r^y(·|Y) (z = μ).
      const cold = tf.tensor2d(Float32Array.from(s.histLen, (h) => (h === 0 ? 1 : 0)), [s.n, 1]);
      tPart = tf.where(tf.cast(tf.tile(cold, [1, c.dim]), 'bool'), this.crossDecoders[d].apply(rY.mu, opts), tPart);
    }
    const u = this.userLayers[d].apply(tf.concat([this.decoders[d].apply(sample(zX), opts), tPart, this.decoders[d].apply(sample(zA), opts)], 1)) as tf.Tensor2D;
    const latents = { zX, zA, zT, rY };
    if (!withKl) return { u, latents };
    const prior: Gaussian = { mu: this.priorMu[d], logVar: sigmaLogVar(this.priorRaw[d]) };
    let kl = tf.mul(c.beta, tf.add(tf.add(klGaussian(zX, prior), klGaussian(zA, prior)), klFixedPrior(zT, CROSS_PRIOR_SIGMA)));
    if (c.lambdaA > 0) {
      const w = tf.tensor1d(Float32Array.from(s.histLen, (h) => c.lambdaA * denoiseWeight(h)));
      kl = tf.add(kl, tf.mul(w, klGaussian(zA, zX))); // denoising regulariser
    }
    if (c.lambdaT > 0) kl = tf.add(kl, tf.mul(c.lambdaT, klGaussian(zT, rY))); // cross-domain regulariser
    return { u, kl: kl as tf.Tensor1D, latents };
  }

  /**
   * The latents of the rows of `batch` whose target domain is `d` (in evaluation mode unless training is
   * on), for inspection and tests. The caller disposes them.
   */
  latentsOf(batch: I2VAEBatch, d: 0 | 1): I2VAELatents | null {
    this.check(batch, 'latentsOf');
    const s = this.side(batch, d);
    if (!s) return null;
    return tf.tidy(() => this.forward(s, d, false).latents);
  }

  /** The loss of a training batch (see the class doc), averaged over its rows. */
  loss(batch: I2VAEBatch): tf.Scalar {
    this.check(batch, 'loss');
    const { pos, neg } = batch;
    if (!pos || !neg || pos.length !== batch.batchSize || neg.length !== batch.batchSize) {
      throw new RangeError(`${this.name}.loss: batch.pos and batch.neg (one each per row) are required for training`);
    }
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      for (const d of [0, 1]) {
        const s = this.side(batch, d);
        if (!s) continue;
        const { u, kl } = this.forward(s, d, true);
        const cand = new Int32Array(2 * s.n);
        s.rows.forEach((r, j) => {
          cand[2 * j] = pos[r];
          cand[2 * j + 1] = neg[r];
        });
        const logits = this.scorer.apply(u, this.embed(cand, s.n, 2));
        const lp = tf.slice(logits, [0, 0], [s.n, 1]);
        const ln = tf.slice(logits, [0, 1], [s.n, 1]);
        // BCE(positive, 1) + BCE(negative, 0) = softplus(−s⁺) + softplus(s⁻)
        const bce = tf.reshape(tf.add(tf.softplus(tf.neg(lp)), tf.softplus(ln)), [s.n]);
        parts.push(tf.sum(tf.add(bce, kl as tf.Tensor1D)));
      }
      return tf.div(tf.addN(parts), batch.batchSize) as tf.Scalar;
    });
  }

  /** Runs `f` per side and puts the rows back in batch order. */
  private perSide(batch: I2VAEBatch, f: (s: Side, d: number, u: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      const order: number[] = [];
      for (const d of [0, 1]) {
        const s = this.side(batch, d);
        if (!s) continue;
        parts.push(f(s, d, this.forward(s, d, false).u));
        order.push(...s.rows);
      }
      const all = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      const inverse = new Int32Array(order.length);
      order.forEach((r, j) => (inverse[r] = j));
      return tf.gather(all, inverse) as tf.Tensor2D;
    });
  }

  /** Scores `[B, C]` of candidate ids `[B, C]` (logits). */
  score(batch: I2VAEBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    this.check(batch, 'score');
    if (candidates.rank !== 2 || candidates.shape[0] !== batch.batchSize) {
      throw new RangeError(`${this.name}.score: candidates must be [${batch.batchSize}, C], got [${candidates.shape}]`);
    }
    return this.perSide(batch, (s, d, u) => {
      const cand = tf.gather(tf.cast(candidates, 'int32'), s.rows) as tf.Tensor2D;
      return this.scorer.applyIds(u, this.items.table, cand);
    });
  }

  /** Scores `[B, numItems + 1]` of every item id (column 0 = padding). Materialises `[B, numItems + 1, scoreHidden]`. */
  scoreAll(batch: I2VAEBatch): tf.Tensor2D {
    this.check(batch, 'scoreAll');
    return this.perSide(batch, (_s, _d, u) => this.scorer.applyAll(u, this.items.table));
  }

  /**
   * Top-`k` items for a user given the target-domain history (most recent last). `opts.domain` is the
   * target domain (default 0), `opts.other` the other domain's sequence, `opts.pseudo` pseudo items for the
   * augmented sequence (default none), `opts.candidates` restricts the ranking (e.g. to the target domain's
   * items; default every item). Seen items (`history`) are excluded unless `includeSeen`.
   */
  async recommend(
    history: ArrayLike<number>,
    k: number,
    opts: { includeSeen?: boolean; domain?: 0 | 1; other?: ArrayLike<number>; pseudo?: ArrayLike<number>; candidates?: ArrayLike<number> } = {},
  ): Promise<number[]> {
    const c = this.config;
    const domain = opts.domain ?? 0;
    const check = (xs: ArrayLike<number>, what: string) => {
      for (let j = 0; j < xs.length; j++) if (!(Number.isInteger(xs[j]) && xs[j] >= 1 && xs[j] <= c.numItems)) throw new RangeError(`${this.name}.recommend: ${what}[${j}] is ${xs[j]}, expected an item id in [1, ${c.numItems}]`);
    };
    check(history, 'history');
    check(opts.other ?? [], 'other');
    check(opts.pseudo ?? [], 'pseudo');
    const batch: I2VAEBatch = {
      batchSize: 1,
      maxLen: c.maxLen,
      augLen: c.augLen,
      domain: Int32Array.of(domain),
      target: new Int32Array(c.maxLen),
      other: new Int32Array(c.maxLen),
      aug: new Int32Array(c.augLen),
      histLen: Int32Array.of(history.length),
    };
    leftPad(history, c.maxLen, batch.target);
    leftPad(opts.other ?? [], c.maxLen, batch.other);
    leftPad(opts.pseudo ? augmentedSequence(history, opts.pseudo, c.augLen) : history, c.augLen, batch.aug);
    const seen = opts.includeSeen ? [] : Array.from(history);
    if (opts.candidates) {
      check(opts.candidates, 'candidates');
      const cand = Array.from(opts.candidates).filter((i) => !seen.includes(i));
      const s = tf.tidy(() => this.score(batch, tf.tensor2d(cand, [1, cand.length], 'int32')));
      const v = await s.data();
      s.dispose();
      return cand.map((i, j) => [i, v[j]] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k).map((x) => x[0]);
    }
    const scores = tf.tidy(() => this.scoreAll(batch));
    try {
      return Array.from((await topK(scores, k, [seen])).items[0]);
    } finally {
      scores.dispose();
    }
  }

  /** Writes weights and config into `dir` (atomically). */
  async save(dir: string): Promise<void> {
    const meta = { model: MODEL, config: this.config };
    await saveWeights(dir, this.namedVariables(), meta, { files: { 'config.json': JSON.stringify(meta, null, 2) } });
  }

  /** Loads a model written by {@link I2VAE.save} onto the active backend. */
  static async load(dir: string): Promise<I2VAE> {
    return loadSavedModel(dir, MODEL, (c: I2VAEConfig) => new I2VAE(c));
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.items.dispose();
    for (const d of [0, 1]) {
      this.encoders[d].dispose();
      this.latents[d].dispose();
      this.auxiliary[d].dispose();
      this.cross[d].dispose();
      this.decoders[d].dispose();
      this.crossDecoders[d].dispose();
      this.userLayers[d].dispose();
    }
    this.scorer.dispose();
    tf.dispose([...this.priorMu, ...this.priorRaw]);
  }
}
