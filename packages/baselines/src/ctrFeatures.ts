import * as tf from '@tensorflow/tfjs-core';
import { Embedding, type EmbeddingGradMode, type Rng } from '@recsuite/core';
import type { CtrBatch } from './ctrModel.js';

/** A CTR batch that does not fit a model's configuration (names the batch field). */
export class CtrBatchError extends RangeError {
  override name = 'CtrBatchError';
}

/** Sizes of the sparse inputs of a CTR model (JSON, saved with the model). */
export interface CtrFeatureConfig {
  /** Item ids are `1..numItems` (`0` = padding). */
  numItems: number;
  /** Item attribute ids are `1..numAttributes` (`0` = empty slot); `0` or absent: items have none. */
  numAttributes?: number;
  /**
   * User profile fields, in order: values of field `name` are `1..numValues` (`0` = missing, which has its
   * own row); read from `batch.userFeatures[name]`.
   */
  profileFields?: { name: string; numValues: number }[];
  /** User ids are `0..numUsers-1`; needed with `useUserId`. */
  numUsers?: number;
  /** Add a user-id embedding to the user representation (default false). */
  useUserId?: boolean;
  /** Width `d` of each embedding (item id, attributes, profile fields, user), default 18. */
  embedDim?: number;
  /** Gradient mode of the embedding tables, default `sparse` (row-sparse Adam). */
  embeddingGrad?: EmbeddingGradMode;
}

/**
 * The embedding layer of the CTR models (DIN/DIEN's "Embedding Layer"): an item is represented by its
 * id embedding concatenated with the mean of its attribute embeddings (multi-valued features are
 * mean-pooled, specs/iacn.md), width {@link CtrFeatures.itemDim}; a user by the concatenation of one
 * embedding per profile field (and optionally a user-id embedding), width {@link CtrFeatures.userDim}.
 * Padding (item 0, empty attribute slots) embeds to zeros.
 */
export class CtrFeatures {
  /** Item-id table `[numItems + 1, d]`. */
  readonly item: Embedding;
  /** Attribute table `[numAttributes + 1, d]`, or null. */
  readonly feat: Embedding | null;
  /** All profile fields in one table (field offsets), or null. */
  readonly profile: Embedding | null;
  /** User-id table `[numUsers, d]`, or null. */
  readonly user: Embedding | null;
  /** Embedding width `d`. */
  readonly dim: number;
  private readonly offsets: Int32Array;

  /** @param rng seeded generator for the initial tables */
  constructor(
    readonly config: CtrFeatureConfig,
    rng: Rng,
  ) {
    const d = (this.dim = config.embedDim ?? 18);
    const grad = config.embeddingGrad ?? 'sparse';
    if (!(config.numItems > 0)) throw new RangeError(`CtrFeatures: config.numItems must be positive, got ${config.numItems}`);
    if (!(d > 0)) throw new RangeError(`CtrFeatures: config.embedDim must be positive, got ${d}`);
    this.item = new Embedding(config.numItems + 1, d, { rng, grad, name: 'item' });
    const nf = config.numAttributes ?? 0;
    this.feat = nf > 0 ? new Embedding(nf + 1, d, { rng, grad, name: 'itemAttribute' }) : null;
    const fields = config.profileFields ?? [];
    this.offsets = new Int32Array(fields.length);
    let rows = 1; // global row 0 stays padding
    fields.forEach((f, p) => {
      if (!(Number.isInteger(f.numValues) && f.numValues >= 0)) {
        throw new RangeError(`CtrFeatures: config.profileFields[${p}].numValues must be a non-negative integer, got ${f.numValues}`);
      }
      this.offsets[p] = rows;
      rows += f.numValues + 1;
    });
    this.profile = fields.length > 0 ? new Embedding(rows, d, { rng, grad, name: 'profile' }) : null;
    if (config.useUserId && !((config.numUsers ?? 0) > 0)) throw new RangeError('CtrFeatures: config.useUserId needs config.numUsers > 0');
    this.user = config.useUserId ? new Embedding(config.numUsers as number, d, { rng, grad, paddingIdx: null, name: 'user' }) : null;
  }

  /** Width of an item representation: `d` (id) plus `d` (pooled attributes) when items have attributes. */
  get itemDim(): number {
    return this.dim * (this.feat ? 2 : 1);
  }

  /** Width of a user representation (0 when there is neither profile nor user id). */
  get userDim(): number {
    return this.dim * ((this.config.profileFields?.length ?? 0) + (this.user ? 1 : 0));
  }

  /**
   * Embeds items: `ids` (`N` = product of `lead`) and their attributes `attrs` (`N * A`, `A` slots per
   * item; may be omitted when the model has no attribute table) → `[...lead, itemDim]` =
   * `[e_id ‖ mean_a e_a]` (empty slots are skipped in the mean; an item without attributes gets zeros there).
   */
  embedItems(ids: Int32Array, attrs: Int32Array | undefined, slots: number, lead: number[]): tf.Tensor {
    const n = ids.length;
    checkIds(ids, this.config.numItems, 'item');
    if (attrs && this.feat) checkIds(attrs, this.config.numAttributes as number, 'attribute');
    return tf.tidy(() => {
      const e = tf.reshape(this.item.lookup(ids), [...lead, this.dim]);
      if (!this.feat) return e;
      if (!attrs || slots === 0) {
        throw new CtrBatchError('CtrFeatures: the model was configured with numAttributes > 0 but the batch has no itemAttrs/historyAttrs');
      }
      if (attrs.length !== n * slots) throw new CtrBatchError(`CtrFeatures: ${attrs.length} attribute ids for ${n} items x ${slots} slots`);
      const fe = tf.reshape(this.feat.lookup(attrs), [n, slots, this.dim]); // padding row is zero
      const counts = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let j = 0; j < slots; j++) if (attrs[i * slots + j] !== 0) c++;
        counts[i] = 1 / Math.max(c, 1);
      }
      const pooled = tf.mul(tf.sum(fe, 1), tf.tensor2d(counts, [n, 1]));
      return tf.concat([e, tf.reshape(pooled, [...lead, this.dim])], -1);
    });
  }

  /** The user representation `[B, userDim]` (profile fields in config order, then the user id), or null when empty. */
  embedUser(batch: CtrBatch): tf.Tensor2D | null {
    const B = batch.batchSize;
    const fields = this.config.profileFields ?? [];
    const P = fields.length;
    if (P === 0 && !this.user) return null;
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      if (this.profile) {
        const rows = new Int32Array(B * P);
        fields.forEach((f, p) => {
          const v = batch.userFeatures?.[f.name];
          if (!v || v.length !== B) {
            throw new CtrBatchError(`CtrFeatures: batch.userFeatures.${f.name} must have ${B} entries, got ${v?.length ?? 'none'}`);
          }
          for (let b = 0; b < B; b++) {
            if (!(v[b] >= 0 && v[b] <= f.numValues)) throw new CtrBatchError(`CtrFeatures: batch.userFeatures.${f.name}[${b}] = ${v[b]} is outside 0..${f.numValues}`);
            rows[b * P + p] = this.offsets[p] + v[b];
          }
        });
        parts.push(tf.reshape(this.profile.lookup(rows), [B, P * this.dim]));
      }
      if (this.user) {
        checkIds(batch.users, (this.config.numUsers as number) - 1, 'user');
        parts.push(this.user.lookup(batch.users));
      }
      return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
    });
  }

  /** The tables' variables, in a stable order: item, side features, profile, user. */
  variables(): tf.Variable[] {
    return [this.item, this.feat, this.profile, this.user].filter((e): e is Embedding => e !== null).map((e) => e.table);
  }

  /** Frees the tables. */
  dispose(): void {
    [this.item, this.feat, this.profile, this.user].forEach((e) => e?.dispose());
  }
}

function checkIds(ids: ArrayLike<number>, max: number, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (!(v >= 0 && v <= max)) throw new CtrBatchError(`CtrFeatures: ${what} id ${v} at position ${i} is outside 0..${max}`);
  }
}

/** One CTR example: a user, a candidate, the label and the user's earlier items (oldest first). */
export interface CtrExample {
  /** Dense user id. */
  user: number;
  /** Candidate item id. */
  item: number;
  /** 1 clicked, 0 not. */
  label: number;
  /** Earlier items, oldest first (the most recent `maxLen` are used). */
  history: ArrayLike<number>;
  /** Sampled negative next-behaviour items aligned with `history` (DIEN's auxiliary loss), optional. */
  historyNegatives?: ArrayLike<number>;
}

/** Attribute ids per item id (`values[i]` for item `i`), as core's `ItemAttributes`. */
export interface AttributeLists {
  values: ArrayLike<ArrayLike<number> | undefined>;
}

/** Options for {@link makeCtrBatch}. */
export interface MakeCtrBatchOptions {
  /** History length `L` (left padding / truncation to the most recent). */
  maxLen: number;
  /** Item attributes (omit when items have none). */
  itemAttributes?: AttributeLists;
  /** Attribute slots per item (default: the longest list; longer lists are cut). */
  maxAttributes?: number;
  /** Profile values per user by field name (as core's `UserProfile.fields`). */
  userProfile?: { fields: Record<string, { values: ArrayLike<number> }> };
}

function slotsOf(attrs: AttributeLists, max?: number): number {
  if (max !== undefined) return max;
  let A = 0;
  for (let i = 0; i < attrs.values.length; i++) A = Math.max(A, attrs.values[i]?.length ?? 0);
  return Math.max(A, 1);
}

function fillAttrs(attrs: AttributeLists, A: number, ids: ArrayLike<number>): Int32Array {
  const out = new Int32Array(ids.length * A);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (id === 0) continue;
    if (id >= attrs.values.length) throw new RangeError(`item ${id} has no entry in the item attributes (${attrs.values.length - 1} items)`);
    const v = attrs.values[id];
    const n = v ? Math.min(v.length, A) : 0;
    for (let a = 0; a < n; a++) out[k * A + a] = (v as ArrayLike<number>)[a];
  }
  return out;
}

/**
 * Builds a {@link CtrBatch} (core's layout) from examples, looking up attributes and profiles: for tests and
 * for callers that hold examples rather than core's `CtrRows` (those use `ctrBatches` from `@recsuite/core`).
 */
export function makeCtrBatch(examples: readonly CtrExample[], opts: MakeCtrBatchOptions): CtrBatch {
  const B = examples.length;
  const L = opts.maxLen;
  if (B === 0) throw new RangeError('makeCtrBatch: no examples');
  if (!(L > 0)) throw new RangeError(`makeCtrBatch: maxLen must be positive, got ${L}`);
  const users = new Int32Array(B);
  const items = new Int32Array(B);
  const labels = new Float32Array(B);
  const history = new Int32Array(B * L);
  const historyLength = new Int32Array(B);
  const withNeg = examples.every((e) => e.historyNegatives !== undefined);
  const historyNegatives = withNeg ? new Int32Array(B * L) : undefined;
  examples.forEach((e, b) => {
    users[b] = e.user;
    items[b] = e.item;
    labels[b] = e.label;
    const h = e.history;
    const n = Math.min(L, h.length);
    historyLength[b] = n;
    for (let k = 0; k < n; k++) {
      history[b * L + L - n + k] = h[h.length - n + k];
      if (historyNegatives) historyNegatives[b * L + L - n + k] = (e.historyNegatives as ArrayLike<number>)[h.length - n + k];
    }
  });
  const batch: CtrBatch = { batchSize: B, maxLen: L, users, items, labels, history, historyLength, historyNegatives };
  if (opts.itemAttributes) {
    const A = slotsOf(opts.itemAttributes, opts.maxAttributes);
    batch.numAttrSlots = A;
    batch.itemAttrs = fillAttrs(opts.itemAttributes, A, items);
    batch.historyAttrs = fillAttrs(opts.itemAttributes, A, history);
    if (historyNegatives) batch.historyNegAttrs = fillAttrs(opts.itemAttributes, A, historyNegatives);
  }
  if (opts.userProfile) {
    const feats: Record<string, Int32Array> = {};
    for (const [name, f] of Object.entries(opts.userProfile.fields)) feats[name] = Int32Array.from(users, (u) => f.values[u]);
    batch.userFeatures = feats;
  }
  return batch;
}

/**
 * Adds DIEN's auxiliary-loss negatives to a batch: for every real history position one item drawn by
 * `sample(user)` (e.g. core's `PopularitySampler.sample` with the user's items excluded, or uniform),
 * with its attributes when `itemAttributes` is given (use the same attributes and slots as the batch).
 * Returns a new batch object sharing the other arrays.
 */
export function withHistoryNegatives(batch: CtrBatch, sample: (user: number) => number, itemAttributes?: AttributeLists): CtrBatch {
  const B = batch.batchSize;
  const L = batch.maxLen;
  const negs = new Int32Array(B * L);
  for (let b = 0; b < B; b++) for (let t = 0; t < L; t++) if (batch.history[b * L + t] !== 0) negs[b * L + t] = sample(batch.users[b]);
  const out: CtrBatch = { ...batch, historyNegatives: negs };
  if (itemAttributes && batch.numAttrSlots) out.historyNegAttrs = fillAttrs(itemAttributes, batch.numAttrSlots, negs);
  return out;
}
