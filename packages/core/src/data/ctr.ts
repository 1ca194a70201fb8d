/**
 * CTR rows built the way DIEN built its Amazon sets (the IaCN protocol): for each user in time order,
 * every interacted item is a positive (label 1) whose history is the user's earlier items (most recent
 * `maxLen`), and each positive gets one sampled negative (label 0) with the same history. Negatives are
 * popularity-weighted (uniform as an option), never one of the user's positives, and drawn once from a
 * seed. Split per user (ours, labelled as such): the last pair is test, the one before validation, the
 * rest train; or, with `holdout`, the last share of each user's pairs is test and as many before it
 * validation (several test pairs per user, for small sets such as ml-100k).
 * @module
 */
import { Rng } from '../tensor/rng.js';
import { leftPad } from './batchers.js';
import { lengthBucketPlan, type BatchPlan } from './lengthBuckets.js';
import { PopularitySampler, SortedItemSet, UniformSampler, itemPopularity, type NegativeSampler } from './samplers.js';
import type { ItemAttributes, UserProfile } from './schema.js';

/** Columnar CTR rows; row `k`'s history is `sequences[user[k]]` before position `pos[k]`. */
export interface CtrRows {
  /** Number of rows. */
  readonly length: number;
  /** Dense user id. */
  readonly user: Int32Array;
  /** Candidate item. */
  readonly item: Int32Array;
  /** 1 for the interacted item, 0 for its sampled negative. */
  readonly label: Uint8Array;
  /** End (exclusive) of the history in the user's sequence: the history is `seq[max(0, pos − maxLen) .. pos)`. */
  readonly pos: Int32Array;
}

/** CTR data with its three splits (see module doc). */
export interface CtrData {
  /** The users' chronological sequences the rows refer to. */
  readonly sequences: readonly Int32Array[];
  /** Number of users. */
  readonly numUsers: number;
  /** Number of items. */
  readonly numItems: number;
  /** Training rows (pairs before each user's validation and test pairs). */
  readonly train: CtrRows;
  /** Validation rows (each user's second-last pair, or the `holdout` pairs before the test ones). */
  readonly valid: CtrRows;
  /** Test rows (each user's last pair, or last `holdout` share of pairs). */
  readonly test: CtrRows;
  /** Negative per pair, in pair order (users ascending, positions ascending): store it to reuse it. */
  readonly negatives: Int32Array;
  /** The construction rule, for the record. */
  readonly rule: string;
}

/** Options of {@link buildCtrData}. */
export interface CtrBuildOptions {
  /** Number of items. */
  numItems: number;
  /** Seed for the negatives. */
  seed: number;
  /** `'popularity'` (default, ∝ interaction count as in DIEN) or `'uniform'`. */
  sampler?: 'popularity' | 'uniform';
  /** Popularity counts (default: counted over `sequences`). */
  popularity?: ArrayLike<number>;
  /** Positions with fewer earlier items give no pair (default 1: a positive needs a non-empty history). */
  minHistory?: number;
  /** Negatives from an earlier build (e.g. loaded from a file) instead of drawing. */
  negatives?: Int32Array;
  /**
   * Share of each user's pairs held out for test, in `[0, 0.5)`; default 0: one test pair and one
   * validation pair per user. With `h > 0` a user with `m` pairs gets `n = max(1, round(h · m))` test
   * pairs (the last ones) and `n` validation pairs just before them, if `m ≥ 2n + 1`; otherwise all of the
   * user's pairs train. The negatives do not depend on it: a stored draw serves every `holdout`.
   */
  holdout?: number;
}

/** Test (and validation) pairs per user with `m` pairs (0: the user trains only); see {@link CtrBuildOptions.holdout}. */
export function heldOutPairs(m: number, holdout = 0): number {
  const n = holdout > 0 ? Math.max(1, Math.round(holdout * m)) : 1;
  return m >= 2 * n + 1 ? n : 0;
}

/**
 * Builds CTR rows from chronological per-user sequences. Users with fewer than 3 pairs have all their pairs
 * in train (same rule as {@link leaveOneOut}).
 */
export function buildCtrData(sequences: readonly Int32Array[], opts: CtrBuildOptions): CtrData {
  const minHistory = opts.minHistory ?? 1;
  const kind = opts.sampler ?? 'popularity';
  const holdout = opts.holdout ?? 0;
  if (!(holdout >= 0 && holdout < 0.5)) throw new RangeError(`buildCtrData: holdout must be in [0, 0.5), got ${holdout}`);
  const rng = new Rng(opts.seed);
  const sampler: NegativeSampler =
    kind === 'uniform' ? new UniformSampler(opts.numItems, rng) : new PopularitySampler(opts.popularity ?? itemPopularity(sequences, opts.numItems), rng);
  let pairs = 0;
  for (const s of sequences) pairs += Math.max(0, s.length - minHistory);
  if (opts.negatives && opts.negatives.length !== pairs) throw new RangeError(`buildCtrData: ${opts.negatives.length} stored negatives for ${pairs} pairs`);
  const negatives = opts.negatives ?? new Int32Array(pairs);
  const parts = [new RowsBuilder(), new RowsBuilder(), new RowsBuilder()];
  let p = 0;
  sequences.forEach((s, u) => {
    const m = Math.max(0, s.length - minHistory);
    if (m === 0) return;
    const positives = new SortedItemSet(s);
    const n = heldOutPairs(m, holdout);
    for (let j = 0; j < m; j++, p++) {
      const k = minHistory + j;
      if (!opts.negatives) negatives[p] = sampler.sample(positives);
      const split = n === 0 || j < m - 2 * n ? 0 : j < m - n ? 1 : 2;
      parts[split].push(u, s[k], 1, k);
      parts[split].push(u, negatives[p], 0, k);
    }
  });
  return {
    sequences,
    numUsers: sequences.length,
    numItems: opts.numItems,
    train: parts[0].build(),
    valid: parts[1].build(),
    test: parts[2].build(),
    negatives,
    rule:
      `DIEN-style CTR pairs (ours: per-user time split): each item at position >= ${minHistory} is a positive with the earlier items as history, ` +
      `plus one ${kind} negative (seed ${opts.seed}) never among the user's items; ` +
      (holdout > 0
        ? `per user the last n = max(1, round(${holdout}·pairs)) pairs are test, the n before them validation, the rest train; users with < 2n + 1 pairs train only`
        : `per user the last pair is test, the one before validation, the rest train; users with < 3 pairs train only`),
  };
}

class RowsBuilder {
  private u: number[] = [];
  private i: number[] = [];
  private l: number[] = [];
  private p: number[] = [];
  push(user: number, item: number, label: number, pos: number): void {
    this.u.push(user);
    this.i.push(item);
    this.l.push(label);
    this.p.push(pos);
  }
  build(): CtrRows {
    return { length: this.u.length, user: Int32Array.from(this.u), item: Int32Array.from(this.i), label: Uint8Array.from(this.l), pos: Int32Array.from(this.p) };
  }
}

/** A CTR batch: candidates with their histories and side features. */
export interface CtrBatch {
  /** Rows. */
  batchSize: number;
  /** History length `L`. */
  maxLen: number;
  /** Users `[B]`. */
  users: Int32Array;
  /** Candidate items `[B]`. */
  items: Int32Array;
  /** Labels `[B]` (0 or 1). */
  labels: Float32Array;
  /** Histories `[B·L]`, left-padded, most recent last. */
  history: Int32Array;
  /** Real history lengths `[B]` (≤ L). */
  historyLength: Int32Array;
  /** Attributes per candidate `[B·A]`, 0-padded (with `itemAttributes`). */
  itemAttrs?: Int32Array;
  /** Attributes per history item `[B·L·A]`, 0-padded (with `itemAttributes`). */
  historyAttrs?: Int32Array;
  /** Attribute slots per item `A`. */
  numAttrSlots?: number;
  /** User profile values `[B]` per field (with `userProfile`). */
  userFeatures?: Record<string, Int32Array>;
  /** Index of each row in the {@link CtrRows} the batch was cut from `[B]` (rows may be reordered, see `lengthBuffer`). */
  rowIndex?: Int32Array;
}

/** Options of {@link ctrBatches}. */
export interface CtrBatchOptions {
  /** Rows per batch. */
  batchSize: number;
  /** History length `L`. */
  maxLen: number;
  /** Shuffle the rows with this stream (training); rows in order without it. */
  rng?: Rng;
  /** Multi-valued item attributes to attach (candidate and history). */
  itemAttributes?: ItemAttributes;
  /** Attribute slots per item (default: the largest attribute count; longer lists are cut). */
  maxAttributes?: number;
  /** User profile fields to attach. */
  userProfile?: UserProfile;
  /**
   * Length bucketing, as DIEN's released data iterator does (`sort_by_length` over 20 batches): take the
   * (shuffled) rows `lengthBuffer` batches at a time, sort them by history length, cut them into batches
   * and, when shuffling, visit those batches in random order; every batch is then cut to its longest
   * history (`batch.maxLen ≤ maxLen`), so short histories do not pay for 50 padded steps. Padding never
   * changes a CTR model's output, so this only changes which rows share a batch. Default 0: fixed
   * `maxLen`, rows in (shuffled) order.
   */
  lengthBuffer?: number;
}

/** Length of row `k`'s history once cut to the most recent `maxLen` items. */
const cutLength = (data: CtrData, rows: CtrRows, k: number, maxLen: number): number =>
  Math.min(maxLen, rows.pos[k], data.sequences[rows.user[k]].length);

/** The order in which {@link ctrBatches} visits rows, and where each batch ends. */
function batchPlan(data: CtrData, rows: CtrRows, opts: CtrBatchOptions): BatchPlan {
  const order = opts.rng ? opts.rng.permutation(rows.length) : Int32Array.from({ length: rows.length }, (_, k) => k);
  return lengthBucketPlan(order, (k) => cutLength(data, rows, k, opts.maxLen), opts.batchSize, opts.lengthBuffer ?? 0, opts.rng, 'ctrBatches');
}

/** Batches over CTR rows (one epoch). */
export function* ctrBatches(data: CtrData, rows: CtrRows, opts: CtrBatchOptions): Generator<CtrBatch> {
  const { batchSize, maxLen: fullLen } = opts;
  if (!(batchSize >= 1 && fullLen >= 1)) throw new RangeError('ctrBatches: batchSize and maxLen must be >= 1');
  const { order, ends, longest } = batchPlan(data, rows, opts);
  const attrs = opts.itemAttributes;
  let A = opts.maxAttributes ?? 0;
  if (attrs && opts.maxAttributes === undefined) for (const v of attrs.values) A = Math.max(A, v.length);
  A = Math.max(A, 1);
  const fillAttrs = (item: number, out: Int32Array, off: number) => {
    const v = attrs!.values[item];
    const n = v ? Math.min(v.length, A) : 0;
    for (let a = 0; a < A; a++) out[off + a] = a < n ? v[a] : 0;
  };
  let start = 0;
  for (const [i, end] of ends.entries()) {
    const B = end - start;
    const L = longest?.[i] ?? fullLen;
    const rowIndex = order.slice(start, end);
    const users = new Int32Array(B);
    const items = new Int32Array(B);
    const labels = new Float32Array(B);
    const history = new Int32Array(B * L);
    const historyLength = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const r = order[start + b];
      users[b] = rows.user[r];
      items[b] = rows.item[r];
      labels[b] = rows.label[r];
      historyLength[b] = leftPad(data.sequences[rows.user[r]], L, history, b * L, rows.pos[r]);
    }
    const batch: CtrBatch = { batchSize: B, maxLen: L, users, items, labels, history, historyLength, rowIndex };
    start = end;
    if (attrs) {
      const itemAttrs = new Int32Array(B * A);
      const historyAttrs = new Int32Array(B * L * A);
      for (let b = 0; b < B; b++) {
        fillAttrs(items[b], itemAttrs, b * A);
        for (let t = 0; t < L; t++) {
          const it = history[b * L + t];
          if (it !== 0) fillAttrs(it, historyAttrs, (b * L + t) * A);
        }
      }
      batch.itemAttrs = itemAttrs;
      batch.historyAttrs = historyAttrs;
      batch.numAttrSlots = A;
    }
    if (opts.userProfile) {
      const feats: Record<string, Int32Array> = {};
      for (const [name, f] of Object.entries(opts.userProfile.fields)) feats[name] = Int32Array.from(users, (u) => f.values[u]);
      batch.userFeatures = feats;
    }
    yield batch;
  }
}
