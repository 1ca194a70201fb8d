import * as tf from '@tensorflow/tfjs-core';
import { MLP, type Activation, type ForwardOptions, type Rng } from '@recsuite/core';
import { CtrModelBase, type CtrBaseConfig, type CtrBatch, type CtrForward, type CtrHooks, type ItemContext } from './ctrModel.js';

/**
 * A softmax over the behaviours of each row that gives padded positions (`mask = 0`) weight exactly 0; a
 * row with no behaviour gets all zeros. `[B, L]` scores and mask → `[B, L]` weights.
 */
export function maskedSoftmax(scores: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.softmax(tf.add(scores, tf.mul(tf.sub(mask, 1), 1e9))), mask) as tf.Tensor2D);
}

/** How DIN normalises its attention weights: `none` (the paper, eq. 3) or `softmax` (the released code). */
export type DinAttentionNorm = 'none' | 'softmax';

/** Options for {@link DinAttention}. */
export interface DinAttentionOptions {
  /** Seeded generator for the weights. */
  rng: Rng;
  /** Hidden sizes of the activation unit, default `[80, 40]`. */
  hidden?: number[];
  /** Activation of the unit, default `sigmoid`. */
  activation?: Activation;
}

/**
 * DIN's local activation unit (Zhou et al. 2018, Fig. 2): an MLP over `[q, k, q − k, q ⊙ k]` for a
 * query (the candidate) and each key (a behaviour), ending in one linear output, the attention weight.
 * DIEN reuses it (with a softmax) for its interest-evolution attention.
 */
export class DinAttention {
  /** The unit's MLP, `4d → hidden → 1`. */
  readonly mlp: MLP;

  /** @param dim width `d` of queries and keys */
  constructor(
    readonly dim: number,
    opts: DinAttentionOptions,
  ) {
    this.mlp = new MLP(4 * dim, opts.hidden ?? [80, 40], { rng: opts.rng, activation: opts.activation ?? 'sigmoid', output: 1 });
  }

  /** Raw weights `[B, L]` of keys `[B, L, d]` for queries `[B, d]` (no normalisation, no mask). */
  scores(query: tf.Tensor2D, keys: tf.Tensor3D, fwd: ForwardOptions = {}): tf.Tensor2D {
    const [B, L, d] = keys.shape;
    if (d !== this.dim || query.shape[1] !== d) throw new RangeError(`DinAttention: query and keys must have width ${this.dim}`);
    return tf.tidy(() => {
      const q = tf.tile(tf.expandDims(query, 1), [1, L, 1]);
      const x = tf.concat([q, keys, tf.sub(q, keys), tf.mul(q, keys)], 2);
      return tf.reshape(this.mlp.apply(x, fwd), [B, L]) as tf.Tensor2D;
    });
  }

  /**
   * The user's interest for the query, DIN eq. 3: `v_U = Σ_j a(e_j, v_A) e_j` over the behaviours, padded
   * positions (`mask = 0`) contributing nothing. `norm`: `none` leaves the weights unnormalised, as the
   * paper does; `softmax` normalises them over the behaviours ({@link maskedSoftmax}), as DIN's and DIEN's
   * released implementations do. Returns `[B, d]`.
   */
  pool(query: tf.Tensor2D, keys: tf.Tensor3D, mask: tf.Tensor2D, fwd: ForwardOptions = {}, norm: DinAttentionNorm = 'none'): tf.Tensor2D {
    return tf.tidy(() => {
      const raw = this.scores(query, keys, fwd);
      const w = norm === 'softmax' ? maskedSoftmax(raw, mask) : tf.mul(raw, mask);
      return tf.sum(tf.mul(keys, tf.expandDims(w, 2)), 1) as tf.Tensor2D;
    });
  }

  /** Trainable variables. */
  variables(): tf.Variable[] {
    return this.mlp.variables();
  }

  /** Non-trainable state (Dice statistics, if the unit uses Dice). */
  stateVariables(): tf.Variable[] {
    return this.mlp.stateVariables();
  }

  /** Frees the variables. */
  dispose(): void {
    this.mlp.dispose();
  }
}

/** Configuration of {@link DIN}. */
export interface DINConfig extends CtrBaseConfig {
  /** Activation-unit hidden sizes, default `[80, 40]`. */
  attentionHidden?: number[];
  /**
   * Activation-unit activation, default `sigmoid` (Dice here would take its batch statistics over padded
   * history positions too).
   */
  attentionActivation?: Activation;
  /**
   * Attention normalisation, default `none`: the paper keeps the raw weights "to reserve the intensity of
   * user interests" (§4.3); `softmax` normalises over the behaviours, as the authors' released DIN and the
   * DIN baseline in DIEN's released code do.
   */
  attentionNorm?: DinAttentionNorm;
  /**
   * Also feed the final MLP the history sum and its product with the candidate, `[Σ_j e_j, e_c ⊙ Σ_j e_j]`, as
   * the released DIN/DIEN code does (not in the paper); default false. That code also batch-normalises the MLP input,
   * which this option does not: the sum grows with the history length.
   */
  historySum?: boolean;
  /** Final MLP hidden sizes, default `[200, 80]`. */
  mlpHidden?: number[];
  /** Final MLP activation, default `dice`. */
  mlpActivation?: Activation;
}

/**
 * Deep Interest Network (Zhou et al., KDD 2018). The candidate attends over the behaviour embeddings
 * with the local activation unit ({@link DinAttention}); the attention-weighted sum (eq. 3), the user
 * representation, the candidate (and the optional `mlpExtra` input) go through the final MLP
 * (200 → 80, Dice) to a logit; trained with binary cross-entropy.
 *
 * Parts: {@link DIN.attention} and {@link DIN.interest} (the behaviour-sequence tower), {@link DIN.mlp}
 * (the final MLP). Implements {@link CtrModel}; item embeddings can be widened through `hooks.itemExtra`.
 */
export class DIN extends CtrModelBase<DINConfig> {
  /** Model name. */
  readonly name = 'DIN';
  /** The local activation unit. */
  readonly attention: DinAttention;
  /** The final MLP (`→ 1` logit). */
  readonly mlp: MLP;

  /**
   * @param config model configuration (JSON, saved)
   * @param hooks extensions for method packages (not saved)
   */
  constructor(config: DINConfig, hooks: CtrHooks = {}) {
    super(config, hooks);
    const norm = config.attentionNorm ?? 'none';
    if (norm !== 'none' && norm !== 'softmax') throw new RangeError(`DIN: config.attentionNorm must be 'none' or 'softmax', got '${norm as string}'`);
    const d = this.itemDim;
    this.attention = new DinAttention(d, { rng: this.initRng, hidden: config.attentionHidden, activation: config.attentionActivation });
    this.mlp = new MLP(this.mlpInputDim((config.historySum ? 4 : 2) * d), config.mlpHidden ?? [200, 80], {
      rng: this.initRng,
      activation: config.mlpActivation ?? 'dice',
      dropout: config.dropout,
      output: 1,
    });
  }

  /** The behaviour-sequence tower: the user's interest in the candidate, `[B, itemDim]` (eq. 3). */
  interest(ctx: ItemContext): tf.Tensor2D {
    return this.attention.pool(ctx.cand, ctx.hist, ctx.mask, this.fwd, this.config.attentionNorm ?? 'none');
  }

  /** Logits `[B]`; DIN has no auxiliary loss. */
  forward(batch: CtrBatch): CtrForward {
    return tf.tidy(() => {
      const ctx = this.embedBatch(batch);
      const x = this.mlpInput(ctx, [this.interest(ctx), ctx.cand, ...(this.config.historySum ? this.historySumInputs(ctx) : [])]);
      return { logits: tf.reshape(this.mlp.apply(x, this.fwd), [batch.batchSize]) as tf.Tensor1D };
    });
  }

  protected layerVariables(): tf.Variable[] {
    return [...this.attention.variables(), ...this.mlp.variables()];
  }

  protected stateVariables(): tf.Variable[] {
    return [...this.attention.stateVariables(), ...this.mlp.stateVariables()];
  }

  protected disposeLayers(): void {
    this.attention.dispose();
    this.mlp.dispose();
  }

  /** Loads a model written by {@link CtrModelBase.save}; pass the same hooks it was built with. */
  static load(dir: string, hooks: CtrHooks = {}): Promise<DIN> {
    return CtrModelBase.loadWith(dir, 'DIN', (c: DINConfig) => new DIN(c, hooks));
  }
}
