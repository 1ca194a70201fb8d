import * as tf from '@tensorflow/tfjs-core';
import { Rng, loadSavedModel, saveWeights, type CtrBatch as CoreCtrBatch, type ForwardOptions } from '@recsuite/core';
import { CtrBatchError, CtrFeatures, type CtrFeatureConfig } from './ctrFeatures.js';

/**
 * A batch of click-through-rate examples, one candidate per row: core's CTR batch (`ctrBatches` from
 * `@recsuite/core`, built as in specs/iacn.md: a user, a candidate, the user's earlier items as a
 * left-padded history, item attributes as multi-valued ids, profile fields by name, a click label), plus
 * optional per-position negatives for DIEN's auxiliary loss (see {@link withHistoryNegatives}).
 *
 * Layout: row-major typed arrays; `A` = `numAttrSlots` attribute slots per item (`0` = empty slot),
 * `L` = `maxLen`. Histories are left-padded with item `0` (most recent last); their attribute slots are `0`.
 */
export interface CtrBatch extends CoreCtrBatch {
  /**
   * Sampled negative "next behaviour" items aligned with `history`, `[B * L]` (0 where there is none), for
   * DIEN's auxiliary loss. When absent DIEN takes them from other rows of the batch.
   */
  historyNegatives?: Int32Array;
  /** Attribute ids of `historyNegatives`, `[B * L * A]`. */
  historyNegAttrs?: Int32Array;
}

/**
 * The model contract for CTR models (DIN, DIEN, Wide&Deep and the methods built on them).
 *
 * CTR models are not next-item models: they score one given candidate per row from a user, a history and
 * side features, so the parts of {@link RecModel} that rank the whole catalogue (`score` over candidate
 * lists, `scoreAll`, `recommend`) do not apply and are not implemented. What applies is kept with the
 * same meaning: `name`, `variables`, `loss`, `setTraining`, `save` (with a static `load(dir)` on each
 * class) and `dispose`, so `fit` from `@recsuite/core` trains a CTR model as it trains any other.
 */
export interface CtrModel {
  /** Short name as used in reports (`DIN`, `DIEN`, `WideDeep`). */
  readonly name: string;
  /**
   * Every variable in a stable order: the trainable ones, then non-trainable state (Dice running
   * statistics), so checkpoints and best-weight restores carry both; optimizers skip the non-trainable.
   */
  variables(): tf.Variable[];
  /** Mean binary cross-entropy of the click labels (plus any auxiliary loss the model defines). */
  loss(batch: CtrBatch): tf.Scalar;
  /** Logits `[B]` (before the sigmoid). */
  logits(batch: CtrBatch): tf.Tensor1D;
  /** Click probabilities `[B]`. */
  predict(batch: CtrBatch): tf.Tensor1D;
  /** Writes weights and config into `dir`, atomically (the class's static `load(dir)` reads it back). */
  save(dir: string): Promise<void>;
  /** Dropout and batch statistics on (training) or off (evaluation, the default). */
  setTraining(training: boolean): void;
  /**
   * Every random stream training draws from (dropout, sampled negatives, routing), by name: pass it as
   * core `fit`'s `rngs`, so a run resumed from a checkpoint ends on the uninterrupted run's weights.
   */
  generators(): Record<string, Rng>;
  /** Frees every tensor the model owns. */
  dispose(): void;
}

/** Item embeddings a CTR model consumes in one forward pass (before any extension). */
export interface ItemContext {
  /** The batch. */
  batch: CtrBatch;
  /** History item embeddings `[B, L, d]` (zeros at padding). */
  hist: tf.Tensor3D;
  /** Candidate item embeddings `[B, d]`. */
  cand: tf.Tensor2D;
  /** History mask `[B, L]`, 1 = item, 0 = padding. */
  mask: tf.Tensor2D;
  /** Whether the model is in training mode. */
  training: boolean;
}

/**
 * A hook that widens every item embedding a CTR model consumes, history and candidate alike:
 * `[e_i ‖ extra_i]` (how IaCN adds its interest-based embedding, specs/iacn.md). The model's own code does
 * not change; its layers are sized for `itemDim + dim`. Variables the hook owns are its own business (they
 * are not listed by the model).
 */
export interface ItemExtra {
  /** Width added to every item embedding. */
  readonly dim: number;
  /** Extra embeddings for the history `[B, L, dim]` and the candidate `[B, dim]`. */
  extend(ctx: ItemContext): { hist: tf.Tensor; cand: tf.Tensor };
}

/**
 * A hook that appends a vector per row to the input of the model's final MLP (IaCN's `candidateOnly`
 * option).
 */
export interface MlpExtra {
  /** Width appended to the final MLP's input. */
  readonly dim: number;
  /** The extra input `[B, dim]`. */
  features(ctx: ItemContext): tf.Tensor;
}

/** Hooks a method package passes to a CTR model (also to its static `load`); none by default. */
export interface CtrHooks {
  /** Widen every item embedding. */
  itemExtra?: ItemExtra;
  /** Append to the final MLP's input. */
  mlpExtra?: MlpExtra;
}

/**
 * Mean binary cross-entropy from logits, `mean(softplus(x) − y·x)`, written with `relu` and `log1p` so it is
 * stable for large |x| (DESIGN.md: `tf.logSigmoid`'s gradient is broken in 4.22).
 */
export function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const x = logits;
    const softplus = tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return tf.mean(tf.sub(softplus, tf.mul(labels, x))) as tf.Scalar;
  });
}

/** Checks the array lengths of a batch against its declared sizes (names the field that is wrong). */
export function checkCtrBatch(b: CtrBatch, where: string): void {
  const B = b.batchSize;
  const L = b.maxLen;
  const A = b.numAttrSlots ?? 0;
  const want = (field: string, arr: ArrayLike<number> | undefined, n: number, optional: boolean) => {
    if (arr === undefined) {
      if (!optional) throw new CtrBatchError(`${where}: batch.${field} is missing (expected ${n} entries)`);
      return;
    }
    if (arr.length !== n) throw new CtrBatchError(`${where}: batch.${field} has ${arr.length} entries, expected ${n}`);
  };
  if (!(B > 0 && L > 0 && A >= 0)) throw new CtrBatchError(`${where}: batch.batchSize and batch.maxLen must be positive, numAttrSlots >= 0`);
  want('users', b.users, B, false);
  want('items', b.items, B, false);
  want('labels', b.labels, B, false);
  want('history', b.history, B * L, false);
  want('itemAttrs', b.itemAttrs, B * A, true);
  want('historyAttrs', b.historyAttrs, B * L * A, true);
  for (const [name, v] of Object.entries(b.userFeatures ?? {})) want(`userFeatures.${name}`, v, B, false);
  want('historyNegatives', b.historyNegatives, B * L, true);
  if (b.historyNegatives && A > 0) want('historyNegAttrs', b.historyNegAttrs, B * L * A, false);
}

/** Configuration shared by the CTR models (JSON, saved with the model). */
export interface CtrBaseConfig extends CtrFeatureConfig {
  /** Seed of the initial weights and dropout masks. */
  seed: number;
  /** Dropout rate in the final MLP (training only), default 0. */
  dropout?: number;
}

/** What a CTR model's forward pass returns. */
export interface CtrForward {
  /** Logits `[B]`. */
  logits: tf.Tensor1D;
  /** Auxiliary loss added to the click loss (DIEN), if any. */
  aux?: tf.Scalar;
}

/** Metadata written beside a CTR model's weights. */
interface CtrMeta<C> {
  model: string;
  config: C;
}

/**
 * Shared machinery of the CTR models: the {@link CtrFeatures} embedding layer, the {@link CtrHooks}
 * (an item embedding widened by `itemExtra`, an extra final-MLP input from `mlpExtra`), the click loss,
 * the training flag, and save/load of weights plus config. A model supplies `forward` and its layers.
 */
export abstract class CtrModelBase<C extends CtrBaseConfig> implements CtrModel {
  /** Short name as used in reports. */
  abstract readonly name: string;
  /** The embedding layer (shared item table: method packages may embed items through it). */
  readonly features: CtrFeatures;
  /** Hooks given at construction. */
  readonly hooks: CtrHooks;
  /** Generator for layer initialisation (consumed by subclass constructors). */
  protected readonly initRng: Rng;
  /** Generator for dropout masks. */
  protected readonly dropoutRng: Rng;
  /** Training flag. */
  protected training = false;

  /**
   * @param config model configuration (JSON)
   * @param hooks optional extensions (not saved: pass them again to `load`)
   */
  constructor(
    readonly config: C,
    hooks: CtrHooks = {},
  ) {
    if (!Number.isInteger(config.seed)) throw new RangeError(`CTR model: config.seed must be an integer, got ${config.seed}`);
    const rng = new Rng(config.seed);
    this.dropoutRng = rng.fork();
    this.initRng = rng;
    this.features = new CtrFeatures(config, rng);
    this.hooks = hooks;
  }

  /** Width of every item embedding the model's layers consume: the features' item width plus `itemExtra.dim`. */
  get itemDim(): number {
    return this.features.itemDim + (this.hooks.itemExtra?.dim ?? 0);
  }

  /** Width of the extra final-MLP input (`mlpExtra.dim`, or 0). */
  get mlpExtraDim(): number {
    return this.hooks.mlpExtra?.dim ?? 0;
  }

  /** Options for layers' forward passes (training flag and dropout generator). */
  protected get fwd(): ForwardOptions {
    return { training: this.training, rng: this.dropoutRng };
  }

  /**
   * Embeds a batch: history `[B, L, itemDim]`, candidate `[B, itemDim]` (widened by `itemExtra` when
   * given) and the history mask `[B, L]`. Tensors are owned by the caller (call inside `tf.tidy`).
   */
  embedBatch(batch: CtrBatch): ItemContext {
    const B = batch.batchSize;
    const L = batch.maxLen;
    const A = batch.numAttrSlots ?? 0;
    let hist = this.features.embedItems(batch.history, batch.historyAttrs, A, [B, L]) as tf.Tensor3D;
    let cand = this.features.embedItems(batch.items, batch.itemAttrs, A, [B]) as tf.Tensor2D;
    const m = new Float32Array(B * L);
    for (let i = 0; i < B * L; i++) m[i] = batch.history[i] === 0 ? 0 : 1;
    const mask = tf.tensor2d(m, [B, L]);
    const ex = this.hooks.itemExtra;
    if (ex) {
      const extra = ex.extend({ batch, hist, cand, mask, training: this.training });
      const dx = ex.dim;
      if (extra.hist.shape.join() !== [B, L, dx].join() || extra.cand.shape.join() !== [B, dx].join()) {
        throw new RangeError(
          `${this.name}: itemExtra.extend must return hist [${B}, ${L}, ${dx}] and cand [${B}, ${dx}], got [${extra.hist.shape}] and [${extra.cand.shape}]`,
        );
      }
      // zero the extension at padded positions so padding stays invisible
      hist = tf.concat([hist, tf.mul(extra.hist, tf.expandDims(mask, 2))], 2) as tf.Tensor3D;
      cand = tf.concat([cand, extra.cand], 1) as tf.Tensor2D;
    }
    return { batch, hist, cand, mask, training: this.training };
  }

  /** The final MLP's inputs besides the model's own: user representation first, `mlpExtra` last. */
  protected mlpInput(ctx: ItemContext, own: tf.Tensor[]): tf.Tensor2D {
    const user = this.features.embedUser(ctx.batch);
    const parts = [...(user ? [user] : []), ...own];
    const mx = this.hooks.mlpExtra;
    if (mx) parts.push(mx.features(ctx));
    return tf.concat(parts, 1) as tf.Tensor2D;
  }

  /**
   * `[Σ_j e_j, e_c ⊙ Σ_j e_j]`, `2 × [B, itemDim]`: the sum of the history embeddings and its product with the
   * candidate, which the released DIN and DIEN code feeds to the final MLP beside the papers' inputs
   * (`historySum` in {@link DINConfig} and {@link DIENConfig}). Padded positions contribute nothing.
   */
  protected historySumInputs(ctx: ItemContext): tf.Tensor2D[] {
    const sum = tf.sum(tf.mul(ctx.hist, tf.expandDims(ctx.mask, 2)), 1) as tf.Tensor2D;
    return [sum, tf.mul(ctx.cand, sum) as tf.Tensor2D];
  }

  /** Width of {@link CtrModelBase.mlpInput} given the width of the model's own parts. */
  protected mlpInputDim(own: number): number {
    return this.features.userDim + own + this.mlpExtraDim;
  }

  /** Logits and auxiliary loss of a batch (the loss needs the auxiliary part only when `withAux`). */
  abstract forward(batch: CtrBatch, withAux: boolean): CtrForward;

  /** Trainable variables of the model's own layers (after the embedding tables). */
  protected abstract layerVariables(): tf.Variable[];

  /** Non-trainable state of the model's layers (Dice running statistics). */
  protected abstract stateVariables(): tf.Variable[];

  /** Frees the model's own layers. */
  protected abstract disposeLayers(): void;

  /** Tables, then layers, then non-trainable state (see {@link CtrModel.variables}). */
  variables(): tf.Variable[] {
    return [...this.features.variables(), ...this.layerVariables(), ...this.stateVariables()];
  }

  /** Click loss (mean binary cross-entropy) plus the model's auxiliary loss, if any. */
  loss(batch: CtrBatch): tf.Scalar {
    checkCtrBatch(batch, this.name);
    return tf.tidy(() => {
      const { logits, aux } = this.forward(batch, true);
      const main = bceWithLogits(logits, tf.tensor1d(batch.labels));
      return aux ? (tf.add(main, aux) as tf.Scalar) : main;
    });
  }

  /** Logits `[B]`. */
  logits(batch: CtrBatch): tf.Tensor1D {
    checkCtrBatch(batch, this.name);
    return tf.tidy(() => this.forward(batch, false).logits);
  }

  /** Click probabilities `[B]`. */
  predict(batch: CtrBatch): tf.Tensor1D {
    return tf.tidy(() => tf.sigmoid(this.logits(batch)));
  }

  /** Dropout and batch statistics on or off. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  /** The model's random streams by name, for `fit`'s `rngs` option (so a resumed run replays them). */
  generators(): Record<string, Rng> {
    return { dropout: this.dropoutRng };
  }

  /** Saves weights (all of {@link CtrModelBase.variables}) and `{ model: name, config }`, atomically. */
  async save(dir: string): Promise<void> {
    const meta: CtrMeta<C> = { model: this.name, config: this.config };
    await saveWeights(dir, this.variables(), meta);
  }

  /**
   * Builds a model from a directory written by `save`: reads the config, constructs with `make`, loads the
   * weights (checked variable by variable). For subclasses' static `load`.
   */
  protected static async loadWith<M extends CtrModelBase<C>, C extends CtrBaseConfig>(
    dir: string,
    name: string,
    make: (config: C) => M,
  ): Promise<M> {
    return loadSavedModel(dir, name, make);
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.features.dispose();
    this.disposeLayers();
  }
}
