import * as tf from '@tensorflow/tfjs-core';
import { DIEN, DIN, WideDeep, bceWithLogits, checkCtrBatch, type CtrBaseConfig, type CtrBatch, type CtrHooks, type CtrModel, type CtrModelBase, type DIENConfig, type DINConfig, type ItemContext, type WideDeepConfig } from '@recsuite/baselines';
import { Rng, loadSavedModel, saveWeights } from '@recsuite/core';
import { iacnSettings, type IacnOptions, type IacnSettings } from './config.js';
import { InterestCapsules, type Interests } from './interestCapsules.js';
import { labelAwareAttention } from './layers/labelAwareAttention.js';

/** The base CTR models IaCN plugs into. */
export type IacnBase = 'DIN' | 'DIEN' | 'WideDeep';

/** Configuration of each base model, by name. */
export interface IacnBaseConfigs {
  DIN: DINConfig;
  DIEN: DIENConfig;
  WideDeep: WideDeepConfig;
}

/** Configuration of {@link IaCN} (JSON, saved with the model). */
export interface IacnConfig<K extends IacnBase = IacnBase> {
  /** Which base model. */
  base: K;
  /** The base model's own configuration (its `embedDim` is `d`; IaCN widens its item embeddings to `2·itemDim`). */
  baseConfig: IacnBaseConfigs[K];
  /** IaCN's settings. */
  iacn?: IacnOptions;
}

/** Which loss {@link IaCN.loss} returns: `joint` = `L_main + λ·L_aux` (default), or one part (for the gradient mix). */
export type IacnLossPart = 'joint' | 'main' | 'aux';

const BASES: { [K in IacnBase]: (c: IacnBaseConfigs[K], h: CtrHooks) => CtrModelBase<CtrBaseConfig> } = {
  DIN: (c, h) => new DIN(c, h),
  DIEN: (c, h) => new DIEN(c, h),
  WideDeep: (c, h) => new WideDeep(c, h),
};

/** Real-history mask `[B, L]` of a batch. */
function historyMask(b: CtrBatch): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(b.history, (v) => (v === 0 ? 0 : 1)), [b.batchSize, b.maxLen]);
}

/** Metadata written beside the weights. */
interface IacnMeta {
  model: 'IaCN';
  config: IacnConfig;
}

/**
 * IaCN (Jaiswal & Xiong, RecSys 2023): an interest-aware capsule network trained as a model-agnostic
 * auxiliary task beside a CTR model (DIN, DIEN or Wide&Deep from `@recsuite/baselines`).
 *
 * - The capsule network ({@link InterestCapsules}) routes the user's behaviours (the base model's own item
 *   embeddings: one shared table) into `K` capsules and maps each, with the user profile, to an interest `v_k`.
 * - Label-aware attention gives every item the base model consumes, history and candidate alike, its
 *   interest-based embedding `ẽ_i = Σ_k softmax_k(v_k·e_i/√D) v_k`; the base model receives `[e_i ‖ ẽ_i]`
 *   through its `itemExtra` hook (option `candidateOnly`: `ẽ_c` appended to its final MLP input instead).
 * - The auxiliary head predicts the click alone, `ŷ_aux = σ(⟨ẽ_c, e_c⟩)` (ours); `L = L_main + λ·L_aux`.
 * - The δ gradient mix is applied by {@link GradientMixOptimizer} (two gradient calls through
 *   {@link IaCN.setLossPart}); a plain optimizer on {@link IaCN.loss} trains every parameter on `L` (no mix).
 *
 * Routing logits are drawn fresh each training forward from the model's `routing` generator (the same draw
 * for both gradient calls of one mixed step); at evaluation they come from `evalSeed`, so scores are
 * deterministic. Implements the CTR model contract ({@link CtrModel}), `save` and the static `load`.
 */
export class IaCN implements CtrModel {
  /** `IaCN+<base>`. */
  readonly name: string;
  /** The base model (its item table is shared with the capsule network). */
  readonly base: CtrModelBase<CtrBaseConfig>;
  /** The capsule network (IaCN's own parameters). */
  readonly capsules: InterestCapsules;
  /** Settings with defaults filled in. */
  readonly settings: IacnSettings;
  /** Item width `D` (id plus pooled attributes). */
  readonly itemDim: number;
  /** Draws the routing logits of training forwards. */
  readonly routingRng: Rng;
  private part: IacnLossPart = 'joint';
  private stepSeed: number | null = null;
  private forwardSeed: number | null = null;
  private training = false;
  /** Nesting depth of {@link IaCN.withSeed} (one forward). */
  private depth = 0;
  /** The interests computed in the current forward (see {@link IaCN.interestsOf}). */
  private memo: { batch: CtrBatch; training: boolean; interests: Interests[] } | null = null;

  /** @param config model configuration (JSON, saved) */
  constructor(readonly config: IacnConfig) {
    if (!(config.base in BASES)) throw new RangeError(`IaCN: config.base must be DIN, DIEN or WideDeep, got ${JSON.stringify(config.base)}`);
    const s = (this.settings = iacnSettings(config.iacn));
    const bc = config.baseConfig;
    if (!Number.isInteger(bc.seed)) throw new RangeError(`IaCN: config.baseConfig.seed must be an integer, got ${bc.seed}`);
    const d = bc.embedDim ?? 18;
    const D = (this.itemDim = d * ((bc.numAttributes ?? 0) > 0 ? 2 : 1));
    const U = d * ((bc.profileFields?.length ?? 0) + (bc.useUserId ? 1 : 0));
    const rng = new Rng((Math.imul(bc.seed, 0x9e3779b1) ^ 0x1ac0) >>> 0); // a stream apart from the base model's
    this.routingRng = rng.fork();
    this.capsules = new InterestCapsules({ itemDim: D, userDim: U, settings: s, rng });
    const hooks: CtrHooks = s.candidateOnly
      ? { mlpExtra: { dim: D, features: (ctx) => tf.reshape(this.interestEmbeddings(ctx.batch, tf.expandDims(ctx.cand, 1) as tf.Tensor3D, ctx.training), [ctx.batch.batchSize, D]) } }
      : { itemExtra: { dim: D, extend: (ctx) => this.extend(ctx) } };
    this.base = (BASES[config.base] as (c: CtrBaseConfig, h: CtrHooks) => CtrModelBase<CtrBaseConfig>)(bc, hooks);
    this.name = `IaCN+${this.base.name}`;
    if (this.base.features.itemDim !== D || this.base.features.userDim !== U) {
      this.dispose();
      throw new RangeError(`IaCN: base model item/user widths ${this.base.features.itemDim}/${this.base.features.userDim}, expected ${D}/${U}`);
    }
  }

  /** The `itemExtra` hook: `ẽ_i` for the history items `[B, L, D]` and the candidate `[B, D]` of `ctx`. */
  private extend(ctx: ItemContext): { hist: tf.Tensor; cand: tf.Tensor } {
    const { batch } = ctx;
    const B = batch.batchSize;
    const L = ctx.hist.shape[1];
    return tf.tidy(() => {
      const queries = tf.concat([ctx.hist, tf.expandDims(ctx.cand, 1)], 1) as tf.Tensor3D;
      const out = this.interestEmbeddings(batch, queries, ctx.training);
      return { hist: tf.slice(out, [0, 0, 0], [B, L, -1]), cand: tf.reshape(tf.slice(out, [0, L, 0], [B, 1, -1]), [B, this.itemDim]) };
    });
  }

  /**
   * Interest-based embeddings `[B, N, D]` of `queries [B, N, D]`: the interests of each row's user, from the
   * batch's real history (not the queries: DIEN widens its negative history items through the same hook),
   * attended with each query. At evaluation, averaged over the `evalDraws` fixed routing draws.
   */
  interestEmbeddings(batch: CtrBatch, queries: tf.Tensor3D, training: boolean): tf.Tensor3D {
    return tf.tidy(() => {
      const outs = this.interestsOf(batch, training).map(({ v, capsuleMask }) => labelAwareAttention(v, queries, capsuleMask ?? undefined));
      return (outs.length === 1 ? outs[0] : tf.div(tf.addN(outs), outs.length)) as tf.Tensor3D;
    });
  }

  /**
   * The interests of each row's user, one per routing draw (one in training, `evalDraws` at evaluation).
   * Inside one forward ({@link IaCN.withSeed}) they are computed once per batch and reused by every later
   * call (DIEN widens its history, its candidate and its negative history items in separate hook calls):
   * the same routing draw on the same history gives the same interests, so reuse changes no value, and the
   * gradients of the uses add up as they would over separate copies.
   */
  private interestsOf(batch: CtrBatch, training: boolean): Interests[] {
    const memo = this.memo;
    if (memo && memo.batch === batch && memo.training === training) return memo.interests;
    const B = batch.batchSize;
    const L = batch.maxLen;
    const f = this.base.features;
    const parts = tf.tidy(() => {
      const hist = f.embedItems(batch.history, batch.historyAttrs, batch.numAttrSlots ?? 0, [B, L]) as tf.Tensor3D;
      const mask = historyMask(batch);
      const user = f.embedUser(batch);
      let draws: tf.Tensor3D[];
      if (training) {
        const seed = this.forwardSeed ?? this.routingRng.nextU32();
        draws = [this.capsules.trainingLogits(B, L, seed)];
      } else draws = this.capsules.evaluationLogits(L);
      return draws.map((logits) => {
        const { v, capsuleMask } = this.capsules.interests(hist, mask, user, batch.historyLength, logits);
        return capsuleMask ? [v, capsuleMask] : [v];
      });
    });
    const interests: Interests[] = parts.map(([v, capsuleMask]) => ({ v: v as tf.Tensor3D, capsuleMask: (capsuleMask ?? null) as tf.Tensor2D | null }));
    if (this.depth > 0) {
      // kept past the caller's tidy; freed when the forward ends
      for (const { v, capsuleMask } of interests) {
        tf.keep(v);
        if (capsuleMask) tf.keep(capsuleMask);
      }
      this.disposeMemo();
      this.memo = { batch, training, interests };
    }
    return interests;
  }

  private disposeMemo(): void {
    if (this.memo) for (const { v, capsuleMask } of this.memo.interests) tf.dispose(capsuleMask ? [v, capsuleMask] : [v]);
    this.memo = null;
  }

  /** Runs `f` with one routing draw for the whole forward (nested calls and both towers see the same logits). */
  private withSeed<T>(f: () => T): T {
    const own = this.training && this.forwardSeed === null;
    if (own) this.forwardSeed = this.stepSeed ?? this.routingRng.nextU32();
    this.depth++;
    try {
      return f();
    } finally {
      if (--this.depth === 0) this.disposeMemo();
      if (own) this.forwardSeed = null;
    }
  }

  /** `L_main`: the base model's loss (click BCE, plus DIEN's own auxiliary loss). */
  mainLoss(batch: CtrBatch): tf.Scalar {
    return this.withSeed(() => this.base.loss(batch));
  }

  /** The auxiliary head's logits `[B]`, `⟨ẽ_c, e_c⟩`: the capsule network's own click prediction. */
  auxLogits(batch: CtrBatch): tf.Tensor1D {
    checkCtrBatch(batch, this.name);
    return this.withSeed(() => tf.tidy(() => this.auxParts(batch).logits));
  }

  /** `ẽ_c`, `e_c` and the pointwise logits of a batch (inside the caller's tidy). */
  private auxParts(batch: CtrBatch): { tilde: tf.Tensor2D; cand: tf.Tensor2D; logits: tf.Tensor1D } {
    const B = batch.batchSize;
    const cand = this.base.features.embedItems(batch.items, batch.itemAttrs, batch.numAttrSlots ?? 0, [B]) as tf.Tensor2D;
    const tilde = tf.reshape(this.interestEmbeddings(batch, tf.expandDims(cand, 1) as tf.Tensor3D, this.training), [B, this.itemDim]) as tf.Tensor2D;
    return { tilde, cand, logits: tf.sum(tf.mul(tilde, cand), 1) as tf.Tensor1D }; // ŷ_aux = σ(⟨ẽ_c, e_c⟩)
  }

  /** `λ·L_aux`: the capsule network's own click prediction (see {@link IacnOptions.auxLoss}). */
  auxLoss(batch: CtrBatch): tf.Scalar {
    checkCtrBatch(batch, this.name);
    return this.withSeed(() =>
      tf.tidy(() => {
        const { tilde, cand, logits: pointwise } = this.auxParts(batch);
        let loss: tf.Scalar;
        if (this.settings.auxLoss === 'pointwise') {
          loss = bceWithLogits(pointwise, tf.tensor1d(batch.labels));
        } else {
          const pos = Int32Array.from(Array.from(batch.labels).flatMap((l, i) => (l > 0.5 ? [i] : [])));
          if (pos.length === 0) return tf.scalar(0);
          const idx = tf.tensor1d(pos, 'int32');
          const logits = tf.matMul(tf.gather(tilde, idx), tf.gather(cand, idx), false, true); // [P, P], in-batch negatives
          const diag = tf.sum(tf.mul(logits, tf.eye(pos.length)), 1);
          loss = tf.mean(tf.sub(tf.logSumExp(logits, 1), diag)) as tf.Scalar;
        }
        return tf.mul(loss, this.settings.lambda) as tf.Scalar;
      }),
    );
  }

  /** The loss selected by {@link IaCN.setLossPart}: `L_main + λ·L_aux` by default. */
  loss(batch: CtrBatch): tf.Scalar {
    if (this.part === 'main') return this.mainLoss(batch);
    if (this.part === 'aux') return this.auxLoss(batch);
    return this.withSeed(() => tf.tidy(() => tf.add(this.base.loss(batch), this.auxLoss(batch)) as tf.Scalar));
  }

  /** Selects what {@link IaCN.loss} returns (the gradient mix computes each part separately). */
  setLossPart(part: IacnLossPart): void {
    this.part = part;
  }

  /** Fixes one routing draw for the training forwards until {@link IaCN.endStep} (one mixed step). */
  beginStep(): void {
    this.stepSeed = this.routingRng.nextU32();
  }

  /** Ends a step begun with {@link IaCN.beginStep}. */
  endStep(): void {
    this.stepSeed = null;
  }

  /** Logits `[B]` of the base model on the widened embeddings. */
  logits(batch: CtrBatch): tf.Tensor1D {
    return this.withSeed(() => this.base.logits(batch));
  }

  /** Click probabilities `[B]`. */
  predict(batch: CtrBatch): tf.Tensor1D {
    return this.withSeed(() => this.base.predict(batch));
  }

  /** IaCN's own parameters (`S`, the interest MLP): the ones the δ mix applies to. */
  ownVariables(): tf.Variable[] {
    return this.capsules.variables();
  }

  /** The shared item embedding tables (item id and attributes), the scope of `mixScope: 'embeddings'`. */
  sharedItemVariables(): tf.Variable[] {
    const f = this.base.features;
    return [f.item.table, ...(f.feat ? [f.feat.table] : [])];
  }

  /** The base model's variables (tables, layers, state), then IaCN's own. */
  variables(): tf.Variable[] {
    return [...this.base.variables(), ...this.ownVariables()];
  }

  /** Training flag of the base model and the capsule network. */
  setTraining(training: boolean): void {
    this.training = training;
    this.base.setTraining(training);
    this.capsules.mlp.setTraining(training);
  }

  /** Random streams for `fit`'s `rngs` option: the base model's and `routing`. */
  generators(): Record<string, Rng> {
    return { ...this.base.generators(), routing: this.routingRng };
  }

  /** Saves all weights and `{ model: 'IaCN', config }`, atomically. */
  async save(dir: string): Promise<void> {
    const meta: IacnMeta = { model: 'IaCN', config: this.config };
    await saveWeights(dir, this.variables(), meta);
  }

  /** Loads a model written by {@link IaCN.save}. */
  static async load(dir: string): Promise<IaCN> {
    return loadSavedModel(dir, 'IaCN', (c: IacnConfig) => new IaCN(c));
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.base.dispose();
    this.capsules.dispose();
  }
}
