import * as tf from '@tensorflow/tfjs-core';
import { Dense, Embedding, GaussianHead, Rng, klStandardNormal, randomNormal, reparameterize, type SeqBatch } from '@recsuite/core';
import { AttributeConfounder } from './attributeConfounder.js';
import { ItemDotModel, lastPosition, softmaxLossOfScores, softmaxScores, targetRows } from '@recsuite/baselines';
import { Backbone, type PreparedBatch } from './backbone.js';
import { Club } from './club.js';
import { irl4recConfig, type Irl4RecConfig } from './config.js';
import { hsic } from './hsic.js';
import { randomScorerLoss, rankingLoss, type ObjectiveTerms } from './objective.js';

// Irl4Rec: "Irl4Rec: Invariant Representation Learning for Sequential Recommendation", arXiv 2308.11728
// (withdrawn by its author). Objective in the form of DIB: Liu et al., "Mitigating Confounding Bias in
// Recommendation via Information Bottleneck", RecSys 2021.

/** Ids `0..numItems` (every row of an item table). */
const allItemIds = (numItems: number): Int32Array => Int32Array.from({ length: numItems + 1 }, (_, i) => i);

/** Seed offset of the parallel confounder backbone (so its weights differ from the adjustment one's). */
const CONFOUNDER_SEED_OFFSET = 7919;

/**
 * Irl4Rec on a backbone sequence encoder (SASRec, GRU4Rec or BERT4Rec from `@recsuite/baselines`).
 *
 * - Adjustment part: `h = f(items)`, a Gaussian head (core's {@link GaussianHead}) gives `μ_t`;
 *   `t = μ_t + σ·ε` in training (fixed σ, or the head's learned σ_t), `t = μ_t` at test.
 * - Confounder part: `s` from a parallel backbone over the same input (default), a head on `h`, or none.
 * - Items: `e_i = [e_i^t ‖ e_i^s]`, `e^t` being the backbone's own item table. Training scores use
 *   `⟨t, e^t⟩ + ⟨s, e^s⟩`; **test scores use `⟨μ_t, e^t⟩` only**, so the confounder branch and `e^s`
 *   never touch `score`, `scoreAll` or `recommend`.
 * - Objective (see {@link ObjectiveTerms}): `(1−α)L(t) + α L([t‖s]) − γ min(L(s), L_random) + β‖μ_t‖²`,
 *   optionally `± λ·D(t, s)` with `D` = HSIC or CLUB.
 *
 * Training batches: core's `trainSequenceBatches` with `numNegatives >= 1` (SASRec, GRU4Rec); BERT4Rec
 * masks the sequence itself (cloze) and draws its own negatives.
 */
export class Irl4Rec extends ItemDotModel<Irl4RecConfig> {
  /** `'Irl4Rec'`. */
  readonly name = 'Irl4Rec';
  /** Backbone of the adjustment part (its item table is `e^t`). */
  readonly backbone: Backbone;
  /** Adjustment encoder: `h → (μ_t, log σ_t²)`. */
  readonly adjustment: GaussianHead;
  /** Parallel confounder backbone (`confounder: 'parallel'`), else null. */
  readonly confounderBackbone: Backbone | null;
  /** `h_s → s` (null without a confounder branch). */
  readonly confounderHead: Dense | null;
  /** Attribute confounder branch (`confounder: 'attributes'`; also gives `e^s`), else null. */
  readonly attributeBranch: AttributeConfounder | null;
  /** `e^s` (`itemSide: 'split'` with a parallel or head confounder branch), else null. */
  readonly confounderItems: Embedding | null;
  /** CLUB's variational network (`independence: 'club'`), else null. */
  readonly club: Club | null;
  /** Noise, negatives (BERT4Rec) and penalty-row stream. */
  readonly rng: Rng;

  /** @param config partial config; see `IRL4REC_DEFAULTS` */
  constructor(config: Partial<Irl4RecConfig> & { numItems: number }) {
    super(irl4recConfig(config));
    const c = this.config;
    const init = new Rng(c.seed);
    const sizes = { numItems: c.numItems, maxLen: c.maxLen, dim: c.dim, blocks: c.blocks, heads: c.heads, dropout: c.dropout, maskProb: c.maskProb };
    this.backbone = new Backbone(c.backbone, sizes, c.seed);
    this.adjustment = new GaussianHead(c.dim, c.dim, init);
    const hasS = c.confounder !== 'none';
    this.confounderBackbone = c.confounder === 'parallel' ? new Backbone(c.backbone, sizes, c.seed + CONFOUNDER_SEED_OFFSET) : null;
    const attrs = c.confounder === 'attributes';
    this.attributeBranch = attrs ? new AttributeConfounder(c.itemAttributes as number[], c.numAttributes, c.confounderDim, init) : null;
    this.confounderHead = hasS ? new Dense(attrs ? c.confounderDim : c.dim, c.confounderDim, init) : null;
    this.confounderItems =
      hasS && !attrs && c.itemSide === 'split' ? new Embedding(c.numItems + 1, c.confounderDim, { rng: init, grad: 'sparse', paddingIdx: 0, name: 'itemsS' }) : null;
    this.club = c.independence === 'club' ? new Club(c.dim, c.confounderDim, init) : null;
    this.rng = init.fork();
  }

  /**
   * Every trained variable (the log-variance layer only with `sigma: 'learned'`, the mean layer only with
   * `adjustmentHead: 'linear'`; CLUB's q when used).
   */
  override variables(): tf.Variable[] {
    const skip = new Set([
      ...(this.config.sigma === 'learned' ? [] : this.adjustment.logVarLayer.variables()),
      ...(this.config.adjustmentHead === 'linear' ? [] : this.adjustment.muLayer.variables()),
    ]);
    return Object.values(this.namedVariables()).filter((v) => !skip.has(v));
  }

  /** Every variable by name, as saved (`backbone.*`, `adjustment.*`, `confounder.*`, `confounderHead.*`, `itemsS`, `club.*`). */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries(this.backbone.namedVariables())) out[`backbone.${k}`] = v;
    this.adjustment.muLayer.variables().forEach((v, k) => (out[`adjustment.mu.${k}`] = v));
    this.adjustment.logVarLayer.variables().forEach((v, k) => (out[`adjustment.logVar.${k}`] = v));
    if (this.confounderBackbone) for (const [k, v] of Object.entries(this.confounderBackbone.namedVariables())) out[`confounder.${k}`] = v;
    this.confounderHead?.variables().forEach((v, k) => (out[`confounderHead.${k}`] = v));
    if (this.confounderItems) out.itemsS = this.confounderItems.table;
    if (this.attributeBranch) out.confounderAttributes = this.attributeBranch.table.table;
    this.club?.variables().forEach((v, k) => (out[`club.${k}`] = v));
    return out;
  }

  /**
   * Every random stream training draws from, by name, for a trainer's checkpoint (core `fit`'s `rngs`):
   * the model's own (noise, BERT4Rec's masks and negatives, penalty rows), the backbone's dropout and, with
   * a parallel confounder branch, that backbone's dropout.
   */
  generators(): Record<string, Rng> {
    return {
      model: this.rng,
      backbone: this.backbone.model.rng,
      ...(this.confounderBackbone ? { confounder: this.confounderBackbone.model.rng } : {}),
    };
  }

  /** The variables of the confounder branch only (parallel backbone, head, `e^s`); they never enter test scores. */
  confounderVariables(): tf.Variable[] {
    return Object.entries(this.namedVariables())
      .filter(([k]) => k.startsWith('confounder') || k === 'itemsS')
      .map(([, v]) => v);
  }

  private checkBatch(batch: SeqBatch): void {
    const { batchSize: B, maxLen: L, seqs } = batch;
    if (!(Number.isInteger(B) && B >= 1 && Number.isInteger(L) && L >= 1)) {
      throw new RangeError(`Irl4Rec: batch.batchSize and batch.maxLen must be positive integers, got ${B} and ${L}`);
    }
    if (L > this.config.maxLen) throw new RangeError(`Irl4Rec: batch.maxLen ${L} exceeds config.maxLen ${this.config.maxLen}`);
    if (seqs.length !== B * L) throw new RangeError(`Irl4Rec: batch.seqs has ${seqs.length} ids, expected batchSize·maxLen = ${B * L}`);
    const n = this.config.numItems;
    for (let i = 0; i < seqs.length; i++) {
      if (!(seqs[i] >= 0 && seqs[i] <= n)) {
        throw new RangeError(`Irl4Rec: batch.seqs[${i}] (row ${Math.floor(i / L)}, position ${i % L}) is ${seqs[i]}, expected an item id in [0, ${n}]`);
      }
    }
  }

  /** Scores `⟨x_m, E[target_m]⟩ [M]` and `⟨x_m, E[neg_mj]⟩ [M, k]` of prepared rows. */
  private scorePrepared(x: tf.Tensor2D, lookup: (ids: Int32Array) => tf.Tensor, p: PreparedBatch): { pos: tf.Tensor1D; neg: tf.Tensor2D } {
    const M = p.targets.length;
    const k = p.negatives.length / M;
    const pos = tf.sum(tf.mul(x, lookup(p.targets)), 1) as tf.Tensor1D;
    const negE = tf.reshape(lookup(p.negatives), [M, k, x.shape[1]]);
    const neg = tf.sum(tf.mul(tf.expandDims(x, 1), negE), 2) as tf.Tensor2D;
    return { pos, neg };
  }

  /** Every term of the objective on a training batch (see {@link ObjectiveTerms}); the caller disposes them. */
  objective(batch: SeqBatch): ObjectiveTerms {
    this.checkBatch(batch);
    const c = this.config;
    const p = this.backbone.prepare(batch, this.rng, c.numNegatives);
    return tf.tidy(() => {
      const h = this.backbone.rows(p, this.training);
      const mu = this.adjustmentMean(h);
      let t: tf.Tensor2D = mu;
      let compression: tf.Scalar;
      if (c.sigma === 'learned') {
        const logVar = this.adjustment.logVarLayer.apply(h);
        if (this.training) t = reparameterize(mu, logVar, this.rng) as tf.Tensor2D;
        compression = tf.mean(klStandardNormal(mu, logVar)) as tf.Scalar; // full KL (ours)
      } else {
        if (this.training && c.sigma > 0) t = tf.add(mu, tf.mul(randomNormal(mu.shape, 1, this.rng), c.sigma)) as tf.Tensor2D;
        compression = tf.mean(tf.sum(tf.square(mu), 1)) as tf.Scalar; // β‖μ_t‖²
      }
      const itemsT = (ids: Int32Array) => this.backbone.items.lookup(ids);
      const kind = c.rankingLoss;
      const N = c.numItems;
      // ce: every score set is a softmax over items 1..N (e^t without BERT4Rec's [mask] row)
      const tableT = kind === 'ce' ? this.withoutMask(this.backbone.items.all()) : null;
      const st = kind === 'ce' ? null : this.scorePrepared(t, itemsT, p);
      const ct = kind === 'ce' ? softmaxScores(t, tableT!, p.targets, N) : null;
      const lt = kind === 'ce' ? softmaxLossOfScores(ct!) : rankingLoss(kind, st!.pos, st!.neg); // L(t)
      const zero = tf.scalar(0);
      let lts = lt;
      let ls: tf.Scalar = zero;
      let independence: tf.Scalar = zero;
      let auxiliary: tf.Scalar = zero;
      let confTerm: tf.Scalar = zero;
      if (this.confounderHead) {
        const attrs = this.attributeBranch;
        const hs = attrs ? targetRows(attrs.encode(p.input), p.index) : this.confounderBackbone ? this.confounderBackbone.rows(p, this.training) : h;
        const s = this.confounderHead.apply(hs) as tf.Tensor2D;
        const es = this.confounderItems;
        if (kind === 'ce') {
          const tableS = attrs ? (attrs.items(allItemIds(N)) as tf.Tensor2D) : es ? es.all() : tableT!;
          const cs = softmaxScores(s, tableS, p.targets, N);
          // scores of [t‖s] against [e^t‖e^s] are the sum of the two parts' scores: no third [M, N] product
          lts = softmaxLossOfScores({ logits: tf.add(ct!.logits, cs.logits), target: tf.add(ct!.target, cs.target) }); // L([t‖s])
          ls = softmaxLossOfScores(cs); // L(s)
        } else {
          const itemsS = attrs ? (ids: Int32Array) => attrs.items(ids) : es ? (ids: Int32Array) => es.lookup(ids) : itemsT;
          const ss = this.scorePrepared(s, itemsS, p);
          lts = rankingLoss(kind, tf.add(st!.pos, ss.pos), tf.add(st!.neg, ss.neg)); // L([t‖s])
          ls = rankingLoss(kind, ss.pos, ss.neg); // L(s)
        }
        // guard: L(s) clipped at its value for a random scorer, so −γ·L(s) cannot diverge
        confTerm = c.clipConfounderLoss ? tf.minimum(ls, randomScorerLoss(kind, p.negatives.length / p.targets.length, N)) : ls;
        if (c.independence !== 'none') {
          const n = Math.min(t.shape[0], c.independenceRows);
          const rows = this.penaltyRows(t.shape[0], n);
          const tr = tf.gather(t, rows) as tf.Tensor2D;
          const sr = tf.gather(s, rows) as tf.Tensor2D;
          if (c.independence === 'hsic') independence = hsic(tr, sr);
          else {
            const club = (this.club as Club).terms(tr, sr);
            independence = club.estimate;
            auxiliary = club.nll;
          }
        }
      }
      const total = tf.addN([
        tf.mul(lt, 1 - c.alpha),
        tf.mul(lts, c.alpha),
        tf.mul(confTerm, -c.gamma),
        tf.mul(compression, c.beta),
        tf.mul(independence, c.independenceSign * c.independenceWeight),
        auxiliary,
      ]) as tf.Scalar;
      return { lt, lts: lts === lt ? tf.clone(lt) : lts, ls: tf.clone(ls), compression, independence: tf.clone(independence), auxiliary: tf.clone(auxiliary), total };
    });
  }

  /** `μ_t` of states `h`: the mean layer's output, or `h` itself with `adjustmentHead: 'identity'`. */
  private adjustmentMean(h: tf.Tensor2D): tf.Tensor2D {
    return this.config.adjustmentHead === 'identity' ? h : (this.adjustment.muLayer.apply(h) as tf.Tensor2D);
  }

  /** `n` distinct row indices out of `m` (all rows when `n = m`), from the model's stream. */
  private penaltyRows(m: number, n: number): tf.Tensor1D {
    if (n >= m) return tf.range(0, m, 1, 'int32') as tf.Tensor1D;
    const perm = this.rng.permutation(m);
    return tf.tensor1d(Int32Array.from(perm.subarray(0, n)).sort(), 'int32');
  }

  /** The scalar training objective of a batch. */
  loss(batch: SeqBatch): tf.Scalar {
    const terms = this.objective(batch);
    const { total, ...rest } = terms;
    tf.dispose(Object.values(rest));
    return total;
  }

  /**
   * Test-time user vectors, inference mode: `μ_t [B, d]` (adjustment part only). With the `joint` control
   * (`testScore: 'joint'`), `[μ_t ‖ s] [B, d + d_s]`, `s` from the confounder branch at the query position.
   */
  userVector(batch: SeqBatch): tf.Tensor2D {
    this.checkBatch(batch);
    return tf.tidy(() => {
      const input = this.backbone.queryInput(batch);
      const h = this.backbone.query(input);
      const mu = this.adjustmentMean(h);
      if (this.config.testScore !== 'joint') return mu;
      const attrs = this.attributeBranch;
      const hs = attrs ? lastPosition(attrs.encode(input)) : this.confounderBackbone ? this.confounderBackbone.query(input) : h;
      return tf.concat([mu, (this.confounderHead as Dense).apply(hs) as tf.Tensor2D], 1);
    });
  }

  /**
   * `e^t` without BERT4Rec's [mask] row, `[numItems + 1, d]`: test scores are `⟨μ_t, e^t_i⟩` (confounder
   * part unused). With the `joint` control, `[e^t ‖ e^s]`.
   */
  protected itemTable(): tf.Tensor2D {
    const et = this.withoutMask(this.backbone.items.table);
    if (this.config.testScore !== 'joint') return et;
    const es = this.attributeBranch ? this.attributeBranch.items(allItemIds(this.config.numItems)) : this.confounderItems ? this.confounderItems.table : et;
    return tf.concat([et, es as tf.Tensor2D], 1);
  }

  /** Rows `0..numItems` of an item table (drops BERT4Rec's [mask] row). */
  private withoutMask(table: tf.Tensor2D): tf.Tensor2D {
    const n = this.config.numItems + 1;
    return table.shape[0] === n ? table : (tf.slice(table, [0, 0], [n, table.shape[1]]) as tf.Tensor2D);
  }

  /** BERT4Rec's query input appends a [mask], so its `recommend` batch has one more slot (at least 2). */
  protected override historyLength(n: number): number {
    const extra = this.config.backbone === 'bert4rec' ? 1 : 0;
    return Math.max(1 + extra, Math.min(this.config.maxLen, n + extra));
  }

  /** Loads a model written by {@link Irl4Rec.save} onto the active backend (every saved variable, trained or not). */
  static async load(dir: string): Promise<Irl4Rec> {
    return Irl4Rec.loadNamed(dir, 'Irl4Rec', (c: Irl4RecConfig) => new Irl4Rec(c));
  }

  /** Frees every tensor. */
  dispose(): void {
    this.backbone.dispose();
    this.adjustment.dispose();
    this.confounderBackbone?.dispose();
    this.confounderHead?.dispose();
    this.confounderItems?.dispose();
    this.attributeBranch?.dispose();
    this.club?.dispose();
  }
}
