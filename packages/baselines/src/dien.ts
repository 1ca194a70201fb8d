import * as tf from '@tensorflow/tfjs-core';
import { AUGRUCell, GRUCell, MLP, Rng, augruScan, glorotUniform, gruScan, linear, type Activation } from '@recsuite/core';
import { CtrModelBase, type CtrBaseConfig, type CtrBatch, type CtrForward, type CtrHooks, type ItemContext } from './ctrModel.js';
import { DinAttention, maskedSoftmax } from './din.js';

/** Configuration of {@link DIEN}. */
export interface DIENConfig extends CtrBaseConfig {
  /**
   * Attention between the candidate and each interest state: `mlp` (default: DIN's activation unit over
   * `[q, k, q − k, q ⊙ k]`, followed by a masked softmax, as DIEN's released implementation does) or
   * `bilinear` (the paper's attention, `a_t = softmax_t(h_t W e_a)`).
   */
  attention?: 'mlp' | 'bilinear';
  /** Activation-unit hidden sizes for `mlp` attention, default `[80, 40]`. */
  attentionHidden?: number[];
  /** Activation-unit activation for `mlp` attention, default `sigmoid`. */
  attentionActivation?: Activation;
  /** Weight `α` of the auxiliary loss, `L = L_target + α L_aux`, default 1; 0 turns it off. */
  auxWeight?: number;
  /**
   * Also feed the final MLP the history sum and its product with the candidate, `[Σ_j e_j, e_c ⊙ Σ_j e_j]`, as
   * DIEN's released code does (not in the paper); default false. That code also batch-normalises the MLP input,
   * which this option does not: the sum grows with the history length.
   */
  historySum?: boolean;
  /** Final MLP hidden sizes, default `[200, 80]`. */
  mlpHidden?: number[];
  /** Final MLP activation, default `dice`. */
  mlpActivation?: Activation;
}

/** What DIEN's behaviour-sequence tower returns. */
export interface DienInterest {
  /** Interest states of the extractor GRU `[B, L, H]` (zeros before the first behaviour). */
  states: tf.Tensor3D;
  /** Attention of the candidate over the states `[B, L]` (masked softmax; zeros at padding). */
  attention: tf.Tensor2D;
  /** Final state of the AUGRU interest evolution `[B, H]`. */
  final: tf.Tensor2D;
}

/**
 * Deep Interest Evolution Network (Zhou et al., AAAI 2019).
 *
 * - Interest extractor: a GRU over the behaviour embeddings ({@link GRUCell}), trained also by the auxiliary
 *   loss: the state `h_t` must tell the next clicked behaviour `e_{t+1}` from a sampled
 *   one `ê_{t+1}`, with `σ(⟨h_t, e⟩)`. Negatives come from `batch.historyNegatives` when given (see
 *   `withHistoryNegatives`); otherwise each
 *   row borrows, position by position, the behaviours of another row of the same batch chosen at random
 *   (drawn from the model's seeded generator; batches of one row then get no auxiliary loss).
 * - Interest evolution: attention of the candidate over the states (see {@link DIENConfig.attention}),
 *   then an AUGRU ({@link AUGRUCell}) whose update gate is scaled by the attention; its final
 *   state, the user representation and the candidate go through the final MLP (200 → 80, Dice).
 *
 * The GRU width equals the item width (the auxiliary loss takes inner products). Parts:
 * {@link DIEN.interest} (the behaviour-sequence tower), {@link DIEN.mlp} (final MLP). Implements
 * {@link CtrModel}; item embeddings can be widened through `hooks.itemExtra`.
 */
export class DIEN extends CtrModelBase<DIENConfig> {
  /** Model name. */
  readonly name = 'DIEN';
  /** Interest extractor GRU (`itemDim → itemDim`). */
  readonly extractor: GRUCell;
  /** Interest evolution AUGRU (`itemDim → itemDim`). */
  readonly evolution: AUGRUCell;
  /** `mlp` attention unit, or null. */
  readonly attentionUnit: DinAttention | null;
  /** `bilinear` attention matrix `[H, H]`, or null. */
  readonly attentionW: tf.Variable<tf.Rank.R2> | null;
  /** The final MLP (`→ 1` logit). */
  readonly mlp: MLP;
  private readonly negRng: Rng;

  /**
   * @param config model configuration (JSON, saved)
   * @param hooks extensions for method packages (not saved)
   */
  constructor(config: DIENConfig, hooks: CtrHooks = {}) {
    super(config, hooks);
    const d = this.itemDim;
    const rng = this.initRng;
    this.extractor = new GRUCell(d, d, rng);
    this.evolution = new AUGRUCell(d, d, rng);
    const kind = config.attention ?? 'mlp';
    if (kind !== 'mlp' && kind !== 'bilinear') throw new RangeError(`DIEN: config.attention must be 'mlp' or 'bilinear', got '${kind as string}'`);
    this.attentionUnit = kind === 'mlp' ? new DinAttention(d, { rng, hidden: config.attentionHidden, activation: config.attentionActivation }) : null;
    if (kind === 'bilinear') {
      const w = glorotUniform([d, d], rng);
      this.attentionW = tf.variable(w, true) as tf.Variable<tf.Rank.R2>;
      w.dispose();
    } else this.attentionW = null;
    this.mlp = new MLP(this.mlpInputDim((config.historySum ? 4 : 2) * d), config.mlpHidden ?? [200, 80], {
      rng,
      activation: config.mlpActivation ?? 'dice',
      dropout: config.dropout,
      output: 1,
    });
    this.negRng = rng.fork();
  }

  /** Weight of the auxiliary loss. */
  get auxWeight(): number {
    return this.config.auxWeight ?? 1;
  }

  /**
   * The behaviour-sequence tower: extractor states, attention and the evolved final interest for the
   * candidate, from the embedded batch.
   */
  interest(ctx: ItemContext): DienInterest {
    return tf.tidy(() => {
      const states = gruScan(this.extractor, ctx.hist, ctx.mask);
      const raw = this.attentionUnit
        ? this.attentionUnit.scores(ctx.cand, states, this.fwd)
        : (tf.sum(tf.mul(states, tf.expandDims(linear(ctx.cand, this.attentionW as tf.Tensor2D), 1)), 2) as tf.Tensor2D); // h_t W e_a
      const attention = maskedSoftmax(raw, ctx.mask);
      const evolved = augruScan(this.evolution, states, attention, ctx.mask);
      const L = ctx.batch.maxLen;
      const final = tf.reshape(tf.slice(evolved, [0, L - 1, 0], [-1, 1, -1]), [ctx.batch.batchSize, this.itemDim]) as tf.Tensor2D;
      return { states, attention, final };
    });
  }

  /** Logits `[B]` and, when `withAux` and `auxWeight > 0`, `α · L_aux`. */
  forward(batch: CtrBatch, withAux: boolean): CtrForward {
    return tf.tidy(() => {
      const ctx = this.embedBatch(batch);
      const { states, final } = this.interest(ctx);
      const x = this.mlpInput(ctx, [final, ctx.cand, ...(this.config.historySum ? this.historySumInputs(ctx) : [])]);
      const logits = tf.reshape(this.mlp.apply(x, this.fwd), [batch.batchSize]) as tf.Tensor1D;
      const aux = withAux && this.auxWeight > 0 ? this.auxLoss(ctx, states) : null;
      return { logits, aux: aux ? (tf.mul(aux, this.auxWeight) as tf.Scalar) : undefined };
    });
  }

  /**
   * Auxiliary loss (DIEN §4.2): `−mean_t [log σ(⟨h_t, e_{t+1}⟩) + log(1 − σ(⟨h_t, ê_{t+1}⟩))]` over the
   * positions where both the behaviour `t + 1` and its negative exist. Returns null when there is none.
   */
  auxLoss(ctx: ItemContext, states: tf.Tensor3D): tf.Scalar | null {
    const b = ctx.batch;
    const B = b.batchSize;
    const L = b.maxLen;
    const A = b.numAttrSlots ?? 0;
    if (L < 2) return null;
    let negItems = b.historyNegatives;
    let negAttrs = b.historyNegAttrs;
    if (!negItems) {
      if (B < 2) return null;
      negItems = new Int32Array(B * L);
      negAttrs = A > 0 && b.historyAttrs ? new Int32Array(B * L * A) : undefined;
      for (let r = 0; r < B; r++) {
        const o = (r + 1 + this.negRng.int(B - 1)) % B;
        negItems.set(b.history.subarray(o * L, o * L + L), r * L);
        if (negAttrs && b.historyAttrs) negAttrs.set(b.historyAttrs.subarray(o * L * A, (o + 1) * L * A), r * L * A);
      }
    }
    const valid = new Float32Array(B * (L - 1));
    let count = 0;
    for (let r = 0; r < B; r++) {
      for (let t = 0; t < L - 1; t++) {
        const ok = b.history[r * L + t + 1] !== 0 && b.history[r * L + t] !== 0 && negItems[r * L + t + 1] !== 0;
        valid[r * (L - 1) + t] = ok ? 1 : 0;
        count += ok ? 1 : 0;
      }
    }
    if (count === 0) return null;
    const ni = negItems;
    const na = negAttrs;
    return tf.tidy(() => {
      let neg = this.features.embedItems(ni, na, A, [B, L]) as tf.Tensor3D;
      const ex = this.hooks.itemExtra;
      if (ex) {
        const negMask = tf.tensor2d(Int32Array.from(ni, (v) => (v === 0 ? 0 : 1)), [B, L], 'float32');
        const baseCand = this.features.embedItems(b.items, b.itemAttrs, A, [B]) as tf.Tensor2D;
        const extra = ex.extend({ batch: b, hist: neg, cand: baseCand, mask: negMask, training: this.training });
        neg = tf.concat([neg, tf.mul(extra.hist, tf.expandDims(negMask, 2))], 2) as tf.Tensor3D;
      }
      const h = tf.slice(states, [0, 0, 0], [-1, L - 1, -1]);
      const pos = tf.slice(ctx.hist, [0, 1, 0], [-1, L - 1, -1]);
      const nxt = tf.slice(neg, [0, 1, 0], [-1, L - 1, -1]);
      const sPos = tf.sum(tf.mul(h, pos), 2);
      const sNeg = tf.sum(tf.mul(h, nxt), 2);
      // −log σ(s) = softplus(−s), −log(1 − σ(s)) = softplus(s); stable softplus
      const sp = (x: tf.Tensor) => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
      const per = tf.add(sp(tf.neg(sPos)), sp(sNeg));
      return tf.div(tf.sum(tf.mul(per, tf.tensor2d(valid, [B, L - 1]))), count) as tf.Scalar;
    });
  }

  /** Dropout and in-batch auxiliary-negative streams. */
  override generators(): Record<string, Rng> {
    return { ...super.generators(), auxNegatives: this.negRng };
  }

  protected layerVariables(): tf.Variable[] {
    return [
      ...this.extractor.variables(),
      ...this.evolution.variables(),
      ...(this.attentionUnit ? this.attentionUnit.variables() : [this.attentionW as tf.Variable]),
      ...this.mlp.variables(),
    ];
  }

  protected stateVariables(): tf.Variable[] {
    return [...(this.attentionUnit?.stateVariables() ?? []), ...this.mlp.stateVariables()];
  }

  protected disposeLayers(): void {
    this.extractor.dispose();
    this.evolution.dispose();
    this.attentionUnit?.dispose();
    this.attentionW?.dispose();
    this.mlp.dispose();
  }

  /** Loads a model written by {@link CtrModelBase.save}; pass the same hooks it was built with. */
  static load(dir: string, hooks: CtrHooks = {}): Promise<DIEN> {
    return CtrModelBase.loadWith(dir, 'DIEN', (c: DIENConfig) => new DIEN(c, hooks));
  }
}
