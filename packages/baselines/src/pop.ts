/**
 * The popularity ranker: every user gets the items with the most training interactions. The simplest
 * reference every personalised model must beat.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { saveWeights, type RecModel } from '@recsuite/core';
import { CFInputError, topKItems, type CFBatch, type CFInteractions, type UserBatch } from './cfBatch.js';
import { loadCFSave } from './cfSave.js';

/**
 * How {@link Pop} scores:
 * - `itemId` (default): distinct scores that follow the counts, ties broken by the lower item id first
 *   (the item ranked `r`-th, 0-based, scores `numItems − r`), so every evaluator and `recommend` see one
 *   fixed order, and pessimistic tie handling in an evaluator never penalises Pop for its ties.
 * - `none`: the raw counts (tied items tie in scores).
 */
export type PopTieBreak = 'itemId' | 'none';

/** Options of {@link Pop}. */
export interface PopOptions {
  /** Tie rule of the scores (default `itemId`). */
  tieBreak?: PopTieBreak;
}

/** `loss` was called on a model without trainable parameters. */
export class NotTrainableError extends Error {
  override readonly name: string = 'NotTrainableError';
}

/** Metadata saved beside Pop's counts. */
interface PopMeta {
  model: 'Pop';
  numItems: number;
  tieBreak: PopTieBreak;
}

/**
 * Popularity: `count[i]` = number of training users who interacted with item `i` (the distinct
 * `(user, item)` pairs of {@link CFInteractions}). No variables, nothing to train: `loss` throws
 * {@link NotTrainableError}. Scores are the same for every user (see {@link PopTieBreak}); column 0
 * (padding) scores below every item. `recommend(history, k)` needs no user id.
 */
export class Pop implements RecModel<CFBatch> {
  /** Model name in reports. */
  readonly name = 'Pop';
  /** Number of items (ids `1..numItems`). */
  readonly numItems: number;
  /** Training count per item id, `numItems + 1` entries (entry 0 = padding, 0). */
  readonly counts: Float32Array;
  /** Tie rule. */
  readonly tieBreak: PopTieBreak;
  /** The score of every item id (host copy of one `scoreAll` row). */
  readonly scores: Float32Array;

  /**
   * @param train - training interactions (a `CFInteractions`), or per-item counts (`numItems + 1`
   *   entries, entry 0 ignored).
   * @param opts - tie rule.
   */
  constructor(train: CFInteractions | { counts: ArrayLike<number> }, opts: PopOptions = {}) {
    this.tieBreak = opts.tieBreak ?? 'itemId';
    if (this.tieBreak !== 'itemId' && this.tieBreak !== 'none') throw new CFInputError(`Pop: tieBreak must be 'itemId' or 'none', got ${String(this.tieBreak)}`);
    if ('counts' in train) {
      if (train.counts.length < 2) throw new CFInputError(`Pop: counts needs entry 0 (padding) and at least one item, got ${train.counts.length} entries`);
      this.counts = Float32Array.from(train.counts);
      this.counts[0] = 0;
      this.counts.forEach((c, i) => {
        if (!(c >= 0)) throw new CFInputError(`Pop: counts[${i}] = ${c} must be a non-negative number`);
      });
    } else {
      this.counts = new Float32Array(train.numItems + 1);
      for (const items of train.userItems) for (const i of items) this.counts[i] += 1;
    }
    this.numItems = this.counts.length - 1;
    this.scores = popScores(this.counts, this.tieBreak);
  }

  /** Pop has no trainable variables. */
  variables(): tf.Variable[] {
    return [];
  }

  /** Not applicable: Pop has nothing to train. */
  loss(_batch: CFBatch): never {
    throw new NotTrainableError('Pop has no trainable parameters: loss() is not applicable (its counts are fixed at construction)');
  }

  /** The same popularity scores for every user: `[B, numItems + 1]`. */
  scoreAll(batch: UserBatch): tf.Tensor2D {
    const b = batch.users.length;
    return tf.tidy(() => tf.tile(tf.tensor2d(this.scores, [1, this.numItems + 1]), [b, 1]) as tf.Tensor2D);
  }

  /** Popularity scores `[B, C]` of the candidates. */
  score(batch: UserBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    if (candidates.rank !== 2 || candidates.shape[0] !== batch.users.length) {
      throw new CFInputError(`Pop.score: candidates must be [${batch.users.length}, C] (one row per user), got [${candidates.shape}]`);
    }
    return tf.tidy(() => tf.gather(tf.tensor1d(this.scores), tf.cast(candidates, 'int32')) as tf.Tensor as tf.Tensor2D);
  }

  /** The most popular `k` items not in `history` (unless `includeSeen`); ties as in {@link PopTieBreak}. */
  async recommend(history: ArrayLike<number>, k: number, opts: { includeSeen?: boolean } = {}): Promise<number[]> {
    return topKItems(this.scores, k, opts.includeSeen ? [] : Array.from(history));
  }

  /** The most popular `k` items not in `exclude` (the user index only is checked: Pop is not personalised). */
  async recommendForUser(user: number, k: number, exclude: Iterable<number>): Promise<number[]> {
    if (!Number.isInteger(user) || user < 0) throw new CFInputError(`Pop.recommendForUser: user must be a non-negative integer, got ${user}`);
    return topKItems(this.scores, k, exclude);
  }

  /** No training-only behaviour. */
  setTraining(_training: boolean): void {}

  /** Saves the counts and the tie rule into `dir`, atomically. */
  async save(dir: string): Promise<void> {
    const c = tf.tensor1d(this.counts);
    try {
      const meta: PopMeta = { model: 'Pop', numItems: this.numItems, tieBreak: this.tieBreak };
      await saveWeights(dir, { counts: c }, meta);
    } finally {
      c.dispose();
    }
  }

  /** Loads a ranker saved by {@link Pop.save}. */
  static load(dir: string): Promise<Pop> {
    return loadCFSave<PopMeta, Pop>(dir, 'Pop', 'Pop', (meta, tensor) => new Pop({ counts: tensor('counts').dataSync() }, { tieBreak: meta.tieBreak }));
  }

  /** Nothing to free (Pop keeps no tensors). */
  dispose(): void {}
}

/** Scores per {@link PopTieBreak}; entry 0 (padding) below every item. */
function popScores(counts: Float32Array, tieBreak: PopTieBreak): Float32Array {
  const n = counts.length - 1;
  const out = new Float32Array(n + 1);
  if (tieBreak === 'none') {
    out.set(counts);
    out[0] = -1;
    return out;
  }
  const order = Array.from({ length: n }, (_, k) => k + 1).sort((a, b) => counts[b] - counts[a] || a - b);
  order.forEach((item, r) => {
    out[item] = n - r;
  });
  out[0] = 0;
  return out;
}
