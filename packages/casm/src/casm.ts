import * as tf from '@tensorflow/tfjs-core';
import {
  Embedding,
  LayerNorm,
  PositionalEmbedding,
  Rng,
  TransformerBlock,
  dropout,
  glorotUniform,
  loadSavedModel,
  scoreAgainst,
  topK,
} from '@recsuite/core';
import { SequentialModel, targetPositions, targetRows } from '@recsuite/baselines';
import { checkBehaviours, type BehaviourBatch } from './batch.js';
import { alphaByCode, casmConfig, casmName, type CASMConfig, type CASMConfigInput } from './config.js';
import { CASMBlock } from './layers/casmBlock.js';
import { BehaviourContext, ContextFusion } from './layers/contextFusion.js';
import { weightedBce } from './weightedBce.js';

// CASM: Elsayed, Rashed, Schmidt-Thieme, "Context-Aware Sequential Model for Multi-Behaviour
// Recommendation", arXiv 2312.09684. Checked against the official code (Shereen-Elsayed/CASM).

/** Options of {@link CASM.recommend}. */
export interface CASMRecommendOptions {
  /** Keep items already seen under the target behaviour (default false: they are left out). */
  includeSeen?: boolean;
  /**
   * Behaviour of every history event (names or codes), aligned with the history. Default: every event has
   * the target behaviour (then the call is the plain next-item `recommend` of the model contract).
   */
  behaviours?: ArrayLike<number> | readonly string[];
}

/**
 * CASM, a context-aware sequential model for multi-behaviour recommendation.
 *
 * - Input event `t` (item `i_t`, behaviour `b_t`): `x_t = W_f [E_{i_t}·√d ‖ C_{b_t}] + P_t`, dropout, padding
 *   masked (`C_b` a behaviour-context table plus bias; `W_f` the shared `2d → d` map; `P` learned positions).
 * - One (configurable) official attention block ({@link CASMBlock}), then a final LayerNorm: `F_t`.
 * - Target representation `T(i, b) = W_f [E_i ‖ C_b]` (same `W_f`, item not scaled); score `⟨F_t, T(i, b)⟩`.
 *   Training scores the positive at `t` and its sampled negative both with the positive's behaviour;
 *   evaluation scores every candidate with the target behaviour.
 * - Loss: the per-behaviour weighted BCE ({@link weightedBce}), α on the positive term only.
 *
 * `context: false` (`CASM:no-context`) drops `C_b` (`W_f: d → d`), so behaviours act only through α;
 * `uniformWeights` (`CASM:uniform-weights`) sets every α to 1; `block: 'sasrec'` swaps in our SASRec
 * pre-LN block (a deviation, labelled in {@link CASM.name}).
 */
export class CASM extends SequentialModel<BehaviourBatch, CASMConfig> {
  /** `CASM`, `CASM:no-context`, `CASM:uniform-weights` (`:sasrec-block` appended with our block). */
  readonly name: string;
  /** Item table `E` (row 0 padding), Glorot-uniform as the official `get_variable`. */
  readonly items: Embedding;
  /** Behaviour-context embedding `C` (null without context). */
  readonly context: BehaviourContext | null;
  /** The shared map `W_f`. */
  readonly fusion: ContextFusion;
  /** Learned positions `P`. */
  readonly positions: PositionalEmbedding;
  /** The attention blocks. */
  readonly blocks: (CASMBlock | TransformerBlock)[];
  /** Final LayerNorm. */
  readonly finalLn: LayerNorm;
  /** The dropout stream (checkpoint it with the trainer's `rngs` option to resume exactly). */
  readonly rng: Rng;
  /** Code of the target behaviour. */
  readonly targetCode: number;
  private readonly alpha: Float32Array;

  /** @param config - partial configuration; see {@link casmConfig} for defaults and checks. */
  constructor(config: CASMConfigInput) {
    super(casmConfig(config));
    const c = this.config;
    this.name = casmName(c);
    this.targetCode = c.behaviours.indexOf(c.targetBehaviour);
    this.alpha = alphaByCode(c);
    const init = new Rng(c.seed);
    const table = tf.tidy(() => glorotUniform([c.numItems + 1, c.dim], init) as tf.Tensor2D);
    this.items = new Embedding(c.numItems + 1, c.dim, { init: table, grad: 'sparse', paddingIdx: 0, name: 'items' });
    table.dispose();
    this.context = c.context ? new BehaviourContext(c.behaviours.length, c.dim, init, c.denseInitStd) : null;
    this.fusion = new ContextFusion(c.dim, c.context, init, c.denseInitStd);
    this.positions = new PositionalEmbedding(c.maxLen, c.dim, init);
    this.blocks = Array.from({ length: c.blocks }, () =>
      c.block === 'official'
        ? new CASMBlock(c.dim, init, { heads: c.heads, dropout: c.dropout, eps: c.eps })
        : new TransformerBlock(c.dim, init, { heads: c.heads, inner: c.dim, activation: 'relu', dropout: c.dropout, norm: 'pre', eps: c.eps, causal: true }),
    );
    this.finalLn = new LayerNorm(c.dim, { eps: c.eps });
    this.rng = init.fork();
  }

  /** Number of behaviours in the vocabulary. */
  get numBehaviours(): number {
    return this.config.behaviours.length;
  }

  /** Variables by name (weight files): items, context, fusion, positions, blocks, final LayerNorm. */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { items: this.items.table };
    if (this.context) [out['context.table'], out['context.bias']] = this.context.variables();
    [out['fusion.kernel'], out['fusion.bias']] = this.fusion.variables();
    out.positions = this.positions.table;
    this.blocks.forEach((b, i) => b.variables().forEach((v, k) => (out[`block${i}.${k}`] = v)));
    [out['finalLn.gamma'], out['finalLn.beta']] = this.finalLn.variables();
    return out;
  }

  /** States `F` `[B, L, d]` of a batch (dropout only when `training`). */
  encode(batch: BehaviourBatch, training = false): tf.Tensor3D {
    this.checkBatch(batch);
    const { batchSize: B, maxLen: L, seqs } = batch;
    const d = this.config.dim;
    const real = new Uint8Array(seqs.length);
    for (let i = 0; i < seqs.length; i++) real[i] = seqs[i] === 0 ? 0 : 1;
    return tf.tidy(() => {
      const mask = tf.tensor2d(Float32Array.from(real), [B, L]);
      const e = tf.mul(tf.reshape(this.items.lookup(seqs), [B, L, d]), Math.sqrt(d)); // E_i · √d
      let x = this.fusion.applyCodes(e, this.context, batch.behaviours, real); // W_f [E_i ‖ C_b] + b_f
      x = tf.add(x, this.positions.apply(L)); // + P
      x = dropout(x, this.config.dropout, { training, rng: this.rng });
      x = tf.mul(x, tf.expandDims(mask, -1));
      for (const block of this.blocks) x = block.apply(x as tf.Tensor3D, { mask, training, rng: this.rng });
      return this.finalLn.apply(x) as tf.Tensor3D;
    });
  }

  /** The query vector `[B, d]`: the state at the last (most recent) position, inference mode. */
  userVector(batch: BehaviourBatch): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.encode(batch, false);
      const [B, L, d] = h.shape;
      return tf.reshape(tf.slice(h, [0, L - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D;
    });
  }

  /** Target representations `T(i, b) = W_f [E_i ‖ C_b]` `[n, d]` of items `ids` with behaviours `codes`. */
  targetVectors(ids: Int32Array, codes: Int32Array): tf.Tensor2D {
    return tf.tidy(() => this.fusion.applyCodes(this.items.lookup(ids), this.context, codes) as tf.Tensor2D);
  }

  /**
   * The weighted BCE over every position with a target: positive `T(pos_t, b(pos_t))` and negatives
   * `T(neg_t, b(pos_t))` (training-time context), α of the positive's behaviour on the positive term.
   * Needs `targets`, `targetBehaviours` and `negatives` (see `behaviourTrainBatches`).
   */
  loss(batch: BehaviourBatch): tf.Scalar {
    const { targets, negatives, targetBehaviours } = batch;
    const n = batch.batchSize * batch.maxLen;
    if (!targets || targets.length !== n) throw new RangeError(`${this.name}.loss: batch.targets must hold batchSize·maxLen = ${n} ids`);
    if (!targetBehaviours) throw new RangeError(`${this.name}.loss: batch.targetBehaviours is required for training (behaviourTrainBatches)`);
    if (!negatives) throw new RangeError(`${this.name}.loss: batch.negatives is required (one sampled negative per position)`);
    const nNeg = negatives.length / n;
    if (!Number.isInteger(nNeg) || nNeg < 1) throw new RangeError(`${this.name}.loss: batch.negatives has ${negatives.length} ids for ${n} positions`);
    const { index, targets: pos } = targetPositions(targets);
    if (index.length === 0) throw new RangeError(`${this.name}.loss: the batch has no target position`);
    const M = index.length;
    const posBeh = Int32Array.from(index, (i) => targetBehaviours[i]);
    const negIds = new Int32Array(M * nNeg);
    const negBeh = new Int32Array(M * nNeg);
    for (let k = 0; k < M; k++) {
      negIds.set(negatives.subarray(index[k] * nNeg, (index[k] + 1) * nNeg), k * nNeg);
      negBeh.fill(posBeh[k], k * nNeg, (k + 1) * nNeg); // the negative takes the positive's behaviour
    }
    const alpha = Float32Array.from(posBeh, (b) => this.alpha[b]);
    return tf.tidy(() => {
      const d = this.config.dim;
      const h = targetRows(this.encode(batch, this.training), index); // F_t, [M, d]
      const ids = new Int32Array(M * (1 + nNeg));
      const codes = new Int32Array(M * (1 + nNeg));
      ids.set(pos);
      ids.set(negIds, M);
      codes.set(posBeh);
      codes.set(negBeh, M);
      const t = this.targetVectors(ids, codes); // T(pos_t, b(pos_t)) then T(neg_t, b(pos_t)), one lookup
      const tPos = tf.slice(t, [0, 0], [M, d]);
      const tNeg = tf.reshape(tf.slice(t, [M, 0], [M * nNeg, d]), [M, nNeg, d]);
      const sPos = tf.sum(tf.mul(h, tPos), -1) as tf.Tensor1D;
      const sNeg = tf.sum(tf.mul(tf.expandDims(h, 1), tNeg), -1);
      return weightedBce(sPos, sNeg, tf.tensor1d(alpha));
    });
  }

  /** Scores `[B, C]` of candidates `[B, C]`, every candidate with the target behaviour: `⟨F_last, T(c, b*)⟩`. */
  score(batch: BehaviourBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    const [B, C] = candidates.shape;
    if (B !== batch.batchSize) throw new RangeError(`${this.name}.score: candidates has ${B} rows, the batch ${batch.batchSize}`);
    const ids = Int32Array.from(candidates.dataSync());
    for (let i = 0; i < ids.length; i++) {
      if (!(ids[i] >= 0 && ids[i] <= this.config.numItems)) {
        throw new RangeError(`${this.name}.score: candidates[${Math.floor(i / C)}, ${i % C}] is ${ids[i]}, expected an item id in [0, ${this.config.numItems}]`);
      }
    }
    return tf.tidy(() => {
      const u = this.userVector(batch);
      const t = tf.reshape(this.fusion.applyShared(this.items.lookup(ids) as tf.Tensor2D, this.targetContext()), [B, C, this.config.dim]);
      return tf.sum(tf.mul(tf.expandDims(u, 1), t), -1) as tf.Tensor2D;
    });
  }

  /** Scores `[B, numItems + 1]` of every item with the target behaviour (column 0 is padding). */
  scoreAll(batch: BehaviourBatch): tf.Tensor2D {
    return tf.tidy(() => scoreAgainst(this.userVector(batch), this.fusion.applyShared(this.items.table, this.targetContext())));
  }

  /**
   * Top-`k` items to follow `history` (most recent last) under the target behaviour. Items the history holds
   * under the target behaviour are left out unless `includeSeen` (items only viewed or carted stay
   * candidates: they are what a multi-behaviour model is for). Without `opts.behaviours` every event is
   * taken to have the target behaviour, which makes this the contract's plain `recommend`.
   */
  async recommend(history: ArrayLike<number>, k: number, opts: CASMRecommendOptions = {}): Promise<number[]> {
    const n = history.length;
    const codes = this.behaviourCodes(n, opts.behaviours);
    for (let j = 0; j < n; j++) {
      const v = history[j];
      if (!(Number.isInteger(v) && v >= 1 && v <= this.config.numItems)) {
        throw new RangeError(`${this.name}.recommend: history[${j}] is ${v}, expected an item id in [1, ${this.config.numItems}]`);
      }
    }
    const L = Math.min(this.config.maxLen, Math.max(1, n));
    const seqs = new Int32Array(L);
    const behaviours = new Int32Array(L);
    const m = Math.min(n, L);
    for (let j = 0; j < m; j++) {
      seqs[L - m + j] = history[n - m + j];
      behaviours[L - m + j] = codes[n - m + j];
    }
    const seen: number[] = [];
    for (let j = 0; j < n; j++) if (codes[j] === this.targetCode) seen.push(history[j]);
    const scores = this.scoreAll({ users: Int32Array.of(0), seqs, behaviours, batchSize: 1, maxLen: L });
    try {
      const res = await topK(scores, k, opts.includeSeen ? undefined : [seen]);
      return Array.from(res.items[0]);
    } finally {
      scores.dispose();
    }
  }

  /** Every variant saves as `CASM` (the variant is in the config). */
  protected override get savedAs(): string {
    return 'CASM';
  }

  /** Loads a model written by {@link CASM.save} onto the active backend. */
  static async load(dir: string): Promise<CASM> {
    return loadSavedModel(dir, 'CASM', (c: CASMConfig) => new CASM(c));
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.items.dispose();
    this.context?.dispose();
    this.fusion.dispose();
    this.positions.dispose();
    this.blocks.forEach((b) => b.dispose());
    this.finalLn.dispose();
  }

  /** `C_{b*}` of the target behaviour `[d]` (null without context). */
  private targetContext(): tf.Tensor1D | null {
    if (!this.context) return null;
    return tf.reshape(this.context.lookup(Int32Array.of(this.targetCode)), [this.config.dim]) as tf.Tensor1D;
  }

  private behaviourCodes(n: number, given: ArrayLike<number> | readonly string[] | undefined): Int32Array {
    if (given === undefined) return new Int32Array(n).fill(this.targetCode);
    if (given.length !== n) throw new RangeError(`${this.name}.recommend: ${given.length} behaviours for ${n} history events`);
    const out = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const g = given[j];
      const code = typeof g === 'string' ? this.config.behaviours.indexOf(g) : g;
      if (!(Number.isInteger(code) && code >= 0 && code < this.numBehaviours)) {
        throw new RangeError(`${this.name}.recommend: behaviours[${j}] is ${JSON.stringify(g)}, expected one of [${this.config.behaviours.join(', ')}] or its code`);
      }
      out[j] = code;
    }
    return out;
  }

  private checkBatch(batch: BehaviourBatch): void {
    const { batchSize: B, maxLen: L, seqs } = batch;
    if (!(Number.isInteger(B) && B >= 1 && Number.isInteger(L) && L >= 1)) {
      throw new RangeError(`${this.name}: batch.batchSize and batch.maxLen must be positive integers, got ${B} and ${L}`);
    }
    if (L > this.config.maxLen) throw new RangeError(`${this.name}: batch.maxLen ${L} exceeds config.maxLen ${this.config.maxLen}`);
    if (seqs.length !== B * L) throw new RangeError(`${this.name}: batch.seqs has ${seqs.length} ids, expected batchSize·maxLen = ${B * L}`);
    for (let i = 0; i < seqs.length; i++) {
      const v = seqs[i];
      if (!(v >= 0 && v <= this.config.numItems)) {
        throw new RangeError(`${this.name}: batch.seqs[${i}] (row ${Math.floor(i / L)}, position ${i % L}) is ${v}, expected an item id in [0, ${this.config.numItems}]`);
      }
    }
    checkBehaviours(this.name, batch, this.numBehaviours);
  }
}
