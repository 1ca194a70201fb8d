/**
 * What the embedding CF models (BPR-MF, LightGCN) share: a user table and an item table drawn from a seed
 * or copied from given tables, inner-product scoring against tables the model supplies, fold-in and
 * per-user top-`k`, and saving the tables with the config.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Embedding, Rng, saveWeights, type RecModel } from '@recsuite/core';
import {
  CFInputError,
  checkUsers,
  dotScoresAll,
  dotScoresCandidates,
  foldInScores,
  topKItems,
  type CFBatch,
  type UserBatch,
} from './cfBatch.js';
import { loadCFSave } from './cfSave.js';

/** The hyper-parameters every factor model has (saved with the weights). */
export interface FactorConfig {
  /** Embedding size `d`. */
  dim: number;
  /** L2 weight `λ` on the batch's embeddings. */
  l2: number;
}

/** Initialisation options of the factor models' constructors. */
export interface FactorInitOptions {
  /** Seed of the initialiser (default 1); ignored when `rng` or `init` is given. */
  seed?: number;
  /** Seeded generator for the initialiser. */
  rng?: Rng;
  /**
   * Initial tables (copied; LightGCN: layer 0): users `[numUsers, d]`, items `[numItems + 1, d]` (row 0 is
   * zeroed).
   */
  init?: { users: tf.Tensor2D; items: tf.Tensor2D };
}

/** Metadata saved beside a factor model's tables. */
export interface FactorMeta<C> {
  /** The saving class (`BPRMF`, `LightGCN`). */
  model: string;
  /** Number of users. */
  numUsers: number;
  /** Number of items. */
  numItems: number;
  /** Hyper-parameters. */
  config: C;
}

/** Tables scores are computed from (owned by the model). */
export interface ScoringTables {
  /** User vectors `[numUsers, d]`. */
  users: tf.Tensor2D;
  /** Item vectors `[numItems + 1, d]`. */
  items: tf.Tensor2D;
  /** Optionally the item vectors transposed, `[d, numItems + 1]` (the fast path on wasm). */
  itemsT?: tf.Tensor2D;
}

/**
 * Throws a {@link CFInputError} `"<who>: <key> must be a positive integer"` (`min` 1) or `"... a non-negative
 * integer"` (`min` 0) unless `value` is an integer ≥ `min`.
 */
export function checkCount(who: string, key: string, value: number, min: 0 | 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new CFInputError(`${who}: ${key} must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got ${value}`);
  }
}

/** Throws a {@link CFInputError} unless `config.l2 >= 0`. */
export function checkL2(who: string, l2: number): void {
  if (!(l2 >= 0)) throw new CFInputError(`${who}: config.l2 must be >= 0, got ${l2}`);
}

/**
 * Base of the embedding CF models: a user table `[numUsers, d]` and an item table `[numItems + 1, d]` (row 0
 * = padding, zero, never trained), drawn from `rng` (or `seed`) in that order, or copied from `init`.
 * Scores are inner products of the vectors a model supplies through {@link FactorModel.scoringTables}
 * (BPR-MF: the tables; LightGCN: the propagated embeddings).
 *
 * Trains on {@link CFBatch}es; scores {@link UserBatch}es (any `SeqBatch` works: only `users` is read).
 * `recommend(history, k)` has no user id, so it folds the history in: the user vector is the mean of the
 * history items' vectors. For a known user, call {@link FactorModel.recommendForUser}.
 */
export abstract class FactorModel<C extends FactorConfig> implements RecModel<CFBatch> {
  /** Model name in reports. */
  abstract readonly name: string;
  /** Hyper-parameters. */
  readonly config: Readonly<C>;
  /** Number of users. */
  readonly numUsers: number;
  /** Number of items (ids `1..numItems`). */
  readonly numItems: number;
  /** User table `[numUsers, d]` (LightGCN: layer-0 embeddings). */
  readonly userEmb: Embedding;
  /** Item table `[numItems + 1, d]` (row 0 = padding, zero, never trained; LightGCN: layer-0 embeddings). */
  readonly itemEmb: Embedding;
  /** The class in error messages and the saved `meta.model` (`BPRMF`, `LightGCN`). */
  protected readonly label: string;
  private training = true;

  /**
   * @param label - the class in messages and saves; lower-cased, it prefixes the variable names.
   * @param sizes - numbers of users and items (checked by the subclass).
   * @param config - hyper-parameters (checked by the subclass).
   * @param opts - initialisation.
   * @param grad - gradient of the table lookups (`sparse`: row-sparse, for lookups of the batch's rows;
   *   `scatter`: dense, when every row reaches the loss).
   */
  protected constructor(
    label: string,
    sizes: { numUsers: number; numItems: number },
    config: C,
    opts: FactorInitOptions,
    grad: 'sparse' | 'scatter',
  ) {
    const { numUsers, numItems } = sizes;
    if (opts.init) {
      const { users, items } = opts.init;
      if (users.shape[0] !== numUsers || users.shape[1] !== config.dim || items.shape[0] !== numItems + 1 || items.shape[1] !== config.dim) {
        throw new CFInputError(
          `${label}: init tables must be [${numUsers}, ${config.dim}] and [${numItems + 1}, ${config.dim}], got [${users.shape}] and [${items.shape}]`,
        );
      }
    }
    this.label = label;
    this.config = config;
    this.numUsers = numUsers;
    this.numItems = numItems;
    const rng = opts.rng ?? new Rng(opts.seed ?? 1);
    const prefix = label.toLowerCase();
    this.userEmb = new Embedding(numUsers, config.dim, { grad, paddingIdx: null, rng, init: opts.init?.users, name: `${prefix}_user` });
    this.itemEmb = new Embedding(numItems + 1, config.dim, { grad, paddingIdx: 0, rng, init: opts.init?.items, name: `${prefix}_item` });
  }

  /** The vectors `score`, `scoreAll` and `recommend` use. */
  protected abstract scoringTables(): ScoringTables;

  /** Training loss of a batch. */
  abstract loss(batch: CFBatch): tf.Scalar;

  /** The trainable variables: `[user table, item table]`. */
  variables(): tf.Variable[] {
    return [this.userEmb.table, this.itemEmb.table];
  }

  /** Scores `[B, C]` of candidate items for the batch's users. */
  score(batch: UserBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    checkUsers(`${this.label}.score`, batch.users, this.numUsers);
    const f = this.scoringTables();
    return dotScoresCandidates(f.users, f.items, batch.users, candidates);
  }

  /** Scores `[B, numItems + 1]` of every item for the batch's users (column 0 = padding, scores 0). */
  scoreAll(batch: UserBatch): tf.Tensor2D {
    checkUsers(`${this.label}.scoreAll`, batch.users, this.numUsers);
    const f = this.scoringTables();
    return dotScoresAll(f.users, f.items, batch.users, f.itemsT);
  }

  /**
   * Top-`k` items for a user known only by a history (fold-in: the mean of the history items' vectors is
   * the user vector), excluding the history unless `includeSeen`. Ties: lower item id first.
   * @throws {@link CFInputError} for an empty history.
   */
  async recommend(history: ArrayLike<number>, k: number, opts: { includeSeen?: boolean } = {}): Promise<number[]> {
    const scores = await foldInScores(this.scoringTables().items, history, this.name);
    return topKItems(scores, k, opts.includeSeen ? [] : Array.from(history));
  }

  /**
   * Top-`k` items for a known user, never returning an item of `exclude` (pass the user's training, and
   * if appropriate validation, items; an empty list to rank everything). Ties: lower item id first.
   * @param user - dense user index.
   * @param k - how many.
   * @param exclude - item ids to leave out.
   */
  async recommendForUser(user: number, k: number, exclude: Iterable<number>): Promise<number[]> {
    const t = this.scoreAll({ users: Int32Array.of(user) });
    try {
      return topKItems(await t.data(), k, exclude);
    } finally {
      t.dispose();
    }
  }

  /** No dropout; the flag is kept for the contract. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  /** Whether the model is in training mode. */
  get isTraining(): boolean {
    return this.training;
  }

  /** Saves both tables and the config into `dir`, atomically. */
  async save(dir: string): Promise<void> {
    await this.saveTables(dir);
  }

  /** Saves the tables (`users`, `items`), then `extra` tensors, with the config, into `dir`, atomically. */
  protected async saveTables(dir: string, extra: Record<string, tf.Tensor> = {}): Promise<void> {
    const meta: FactorMeta<C> = { model: this.label, numUsers: this.numUsers, numItems: this.numItems, config: { ...this.config } };
    await saveWeights(dir, { users: this.userEmb.table, items: this.itemEmb.table, ...extra }, meta);
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.userEmb.dispose();
    this.itemEmb.dispose();
  }
}

/**
 * Loads a factor model's save: `build` gets the metadata, a lookup of the saved tensors by name, and the
 * saved tables as `init` (looked up when called). The tensors are freed when `build` returns.
 * @param dir - the save directory.
 * @param model - the saving class (`meta.model`).
 * @param label - the model's name in error messages.
 * @param build - builds the model.
 */
export function loadFactorSave<C, M>(
  dir: string,
  model: string,
  label: string,
  build: (meta: FactorMeta<C>, tensor: (name: string) => tf.Tensor, init: () => { users: tf.Tensor2D; items: tf.Tensor2D }) => M,
): Promise<M> {
  return loadCFSave<FactorMeta<C>, M>(dir, model, label, (meta, tensor) =>
    build(meta, tensor, () => ({ users: tensor('users') as tf.Tensor2D, items: tensor('items') as tf.Tensor2D })),
  );
}
