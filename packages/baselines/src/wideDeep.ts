import * as tf from '@tensorflow/tfjs-core';
import { Embedding, MLP, variableFrom, type Activation } from '@recsuite/core';
import { CtrBatchError } from './ctrFeatures.js';
import { CtrModelBase, type CtrBaseConfig, type CtrBatch, type CtrForward, type CtrHooks, type ItemContext } from './ctrModel.js';

/** Which crossed features the wide part uses (all on by default). */
export interface WideCrosses {
  /** AND(history item, candidate item): the paper's AND(user_installed_app, impression_app). */
  itemHistory?: boolean;
  /** AND(history attribute, candidate attribute). */
  featureHistory?: boolean;
  /** AND(profile field value, candidate item) and AND(profile field value, candidate attribute). */
  profileItem?: boolean;
}

/** Configuration of {@link WideDeep}. */
export interface WideDeepConfig extends CtrBaseConfig {
  /** Deep part hidden sizes, default `[200, 80]` (the same MLP as DIN's, as in the DIN paper's comparison). */
  deepHidden?: number[];
  /** Deep part activation, default `relu`. */
  deepActivation?: Activation;
  /** Hash buckets for crossed features, default 2^18. */
  wideBuckets?: number;
  /** Crossed features of the wide part. */
  crosses?: WideCrosses;
}

/** The wide part's sparse inputs of a batch: `[B, width]` feature rows and their values (0 = unused slot). */
export interface WideFeatures {
  /** Row ids in the wide weight table, `[B * width]`. */
  ids: Int32Array;
  /** Feature values, `[B * width]`. */
  values: Float32Array;
  /** Slots per row. */
  width: number;
}

/** 32-bit mix of a pair and a group tag (for hashing crossed features). */
function hashPair(a: number, b: number, group: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(group + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Wide & Deep (Cheng et al., DLRS 2016): `logit = w_wideᵀ [x, φ(x)] + w_deepᵀ a_final + b` (eq. 3), a linear
 * model over sparse and crossed features plus an MLP over embeddings, trained jointly.
 *
 * - Wide: one weight per candidate item, candidate attribute, profile value (and user id with
 *   `useUserId`), plus hashed crossed features ({@link WideCrosses}). Crosses with the history enter with
 *   value `1/n` (`n` = the number of such crosses in the row), so long histories do not dominate.
 * - Deep: the user representation, the candidate embedding and the mean of the history embeddings (no
 *   attention) through an MLP (200 → 80, ReLU).
 *
 * One Adam optimises both parts (the paper used FTRL for the wide part). Parts: {@link WideDeep.deep}
 * (the deep MLP), {@link WideDeep.wideLogit} (the wide part) and {@link WideDeep.historyPool} (the
 * behaviour tower, a masked mean). Implements {@link CtrModel}; item embeddings can be widened through
 * `hooks.itemExtra`.
 */
export class WideDeep extends CtrModelBase<WideDeepConfig> {
  /** Model name. */
  readonly name = 'WideDeep';
  /** Weights of the wide part (one per sparse or crossed feature, `[rows, 1]`, zeros at start). */
  readonly wide: Embedding;
  /** Global bias. */
  readonly bias: tf.Variable<tf.Rank.R1>;
  /** The deep part (`→ 1` logit). */
  readonly deep: MLP;
  private readonly off: { item: number; feat: number; profile: number[]; user: number; cross: number; buckets: number };

  /**
   * @param config model configuration (JSON, saved)
   * @param hooks extensions for method packages (not saved)
   */
  constructor(config: WideDeepConfig, hooks: CtrHooks = {}) {
    super(config, hooks);
    const buckets = config.wideBuckets ?? 1 << 18;
    if (!(Number.isInteger(buckets) && buckets > 0)) throw new RangeError(`WideDeep: config.wideBuckets must be a positive integer, got ${buckets}`);
    let rows = 1; // row 0: unused slot
    const item = rows;
    rows += config.numItems + 1;
    const feat = rows;
    rows += (config.numAttributes ?? 0) + 1;
    const profile = (config.profileFields ?? []).map((f) => {
      const o = rows;
      rows += f.numValues + 1;
      return o;
    });
    const user = rows;
    if (config.useUserId) rows += config.numUsers ?? 0;
    const cross = rows;
    rows += buckets;
    this.off = { item, feat, profile, user, cross, buckets };
    const wide0 = tf.zeros([rows, 1]) as tf.Tensor2D;
    this.wide = new Embedding(rows, 1, { init: wide0, grad: config.embeddingGrad ?? 'sparse', name: 'wide' });
    wide0.dispose(); // the table holds its own copy
    this.bias = variableFrom(() => tf.zeros([1]) as tf.Tensor1D);
    const d = this.itemDim;
    this.deep = new MLP(this.mlpInputDim(2 * d), config.deepHidden ?? [200, 80], {
      rng: this.initRng,
      activation: config.deepActivation ?? 'relu',
      dropout: config.dropout,
      output: 1,
    });
  }

  /** The sparse and crossed features of a batch, as rows of the wide weight table with their values. */
  wideFeatures(batch: CtrBatch): WideFeatures {
    const B = batch.batchSize;
    const L = batch.maxLen;
    const F = batch.numAttrSlots ?? 0;
    const fields = this.config.profileFields ?? [];
    const P = fields.length;
    const prof = fields.map((f) => {
      const v = batch.userFeatures?.[f.name];
      if (!v || v.length !== B) throw new CtrBatchError(`WideDeep: batch.userFeatures.${f.name} must have ${B} entries`);
      return v;
    });
    const cr = this.config.crosses ?? {};
    const useItemHist = cr.itemHistory ?? true;
    const useFeatHist = (cr.featureHistory ?? true) && F > 0 && !!batch.historyAttrs && !!batch.itemAttrs;
    const useProfile = (cr.profileItem ?? true) && P > 0;
    const { off } = this;
    const rows: { ids: number[]; vals: number[] }[] = [];
    let width = 0;
    const histFeatSet = new Set<number>();
    for (let b = 0; b < B; b++) {
      const ids: number[] = [];
      const vals: number[] = [];
      const add = (id: number, v: number) => {
        ids.push(id);
        vals.push(v);
      };
      const cand = batch.items[b];
      add(off.item + cand, 1);
      const cf: number[] = [];
      for (let j = 0; j < F && batch.itemAttrs; j++) {
        const f = batch.itemAttrs[b * F + j];
        if (f !== 0) {
          cf.push(f);
          add(off.feat + f, 1);
        }
      }
      for (let p = 0; p < P; p++) add(off.profile[p] + prof[p][b], 1);
      if (this.config.useUserId) add(off.user + batch.users[b], 1);
      const crossId = (a: number, c: number, g: number) => off.cross + (hashPair(a, c, g) % off.buckets);
      if (useItemHist) {
        let n = 0;
        for (let t = 0; t < L; t++) if (batch.history[b * L + t] !== 0) n++;
        for (let t = 0; t < L; t++) {
          const h = batch.history[b * L + t];
          if (h !== 0) add(crossId(h, cand, 0), 1 / n);
        }
      }
      if (useFeatHist && cf.length > 0) {
        histFeatSet.clear();
        const hf = batch.historyAttrs as Int32Array;
        for (let k = b * L * F; k < (b + 1) * L * F; k++) if (hf[k] !== 0) histFeatSet.add(hf[k]);
        const n = histFeatSet.size * cf.length;
        for (const g of histFeatSet) for (const f of cf) add(crossId(g, f, 1), 1 / n);
      }
      if (useProfile) {
        for (let p = 0; p < P; p++) {
          const v = prof[p][b] + 1000003 * (p + 1);
          add(crossId(v, cand, 2), 1);
          for (const f of cf) add(crossId(v, f, 3), 1);
        }
      }
      rows.push({ ids, vals });
      width = Math.max(width, ids.length);
    }
    const ids = new Int32Array(B * width);
    const values = new Float32Array(B * width);
    rows.forEach((r, b) => {
      ids.set(r.ids, b * width);
      values.set(r.vals, b * width);
    });
    return { ids, values, width };
  }

  /** The wide part's logit `[B]` (without the bias). */
  wideLogit(batch: CtrBatch): tf.Tensor1D {
    const f = this.wideFeatures(batch);
    const B = batch.batchSize;
    return tf.tidy(() => {
      const w = tf.reshape(this.wide.lookup(f.ids), [B, f.width]);
      return tf.sum(tf.mul(w, tf.tensor2d(f.values, [B, f.width])), 1) as tf.Tensor1D;
    });
  }

  /** The behaviour tower of the deep part: the mean of the history embeddings over real items, `[B, itemDim]`. */
  historyPool(ctx: ItemContext): tf.Tensor2D {
    return tf.tidy(() => {
      const sum = tf.sum(tf.mul(ctx.hist, tf.expandDims(ctx.mask, 2)), 1);
      return tf.div(sum, tf.maximum(tf.sum(ctx.mask, 1, true), 1)) as tf.Tensor2D;
    });
  }

  /** Logits `[B]` = wide + deep + bias; no auxiliary loss. */
  forward(batch: CtrBatch): CtrForward {
    return tf.tidy(() => {
      const ctx = this.embedBatch(batch);
      const x = this.mlpInput(ctx, [this.historyPool(ctx), ctx.cand]);
      const deep = tf.reshape(this.deep.apply(x, this.fwd), [batch.batchSize]);
      return { logits: tf.add(tf.add(deep, this.wideLogit(batch)), this.bias) as tf.Tensor1D };
    });
  }

  protected layerVariables(): tf.Variable[] {
    return [this.wide.table, this.bias, ...this.deep.variables()];
  }

  protected stateVariables(): tf.Variable[] {
    return this.deep.stateVariables();
  }

  protected disposeLayers(): void {
    this.wide.dispose();
    this.bias.dispose();
    this.deep.dispose();
  }

  /** Loads a model written by {@link CtrModelBase.save}; pass the same hooks it was built with. */
  static load(dir: string, hooks: CtrHooks = {}): Promise<WideDeep> {
    return CtrModelBase.loadWith(dir, 'WideDeep', (c: WideDeepConfig) => new WideDeep(c, hooks));
  }
}
