/**
 * BPR-MF (Rendle et al., "BPR: Bayesian Personalized Ranking from Implicit Feedback", UAI 2009).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Embedding, Rng, WeightsError, loadWeights, saveWeights, type RecModel } from '@recsuite/core';
import { bprObjective } from './bprLoss.js';
import {
  CFInputError,
  checkCFBatch,
  checkUsers,
  dotScoresAll,
  dotScoresCandidates,
  foldInScores,
  topKItems,
  type CFBatch,
  type UserBatch,
} from './cfBatch.js';

/** BPR-MF hyper-parameters (saved with the weights). */
export interface BPRMFConfig {
  /** Factor size `d` (default 64). */
  dim: number;
  /** L2 weight `λ` on the batch's embeddings (default 1e-4). */
  l2: number;
}

/** Options of the {@link BPRMF} constructor. */
export interface BPRMFOptions extends Partial<BPRMFConfig> {
  /** Seed of the initialiser (default 1); ignored when `rng` or `init` is given. */
  seed?: number;
  /** Seeded generator for the initialiser. */
  rng?: Rng;
  /** Initial tables (copied): users `[numUsers, d]`, items `[numItems + 1, d]` (row 0 is zeroed). */
  init?: { users: tf.Tensor2D; items: tf.Tensor2D };
}

/** Metadata saved beside BPR-MF weights. */
interface BPRMFMeta {
  model: 'BPRMF';
  numUsers: number;
  numItems: number;
  config: BPRMFConfig;
}

/**
 * Matrix factorisation trained with BPR: `x_ui = ⟨w_u, h_i⟩`, loss `−ln σ(x_ui − x_uj)` over sampled
 * `(u, i, j)` triples plus `λ · ½ (‖w_u‖² + ‖h_i‖² + ‖h_j‖²) / B` on the batch's rows (Sec. 4.1, BPR-Opt).
 * Both tables use row-sparse gradients, so the `Adam` optimizer of core updates only the rows of a batch
 * (LazyAdam).
 *
 * Trains on {@link CFBatch}es; scores {@link UserBatch}es (any `SeqBatch` works: only `users` is read).
 * `recommend(history, k)` has no user id, so it folds the history in: the user vector is the mean of the
 * history items' factors. For a known user, call {@link BPRMF.recommendForUser}.
 */
export class BPRMF implements RecModel<CFBatch> {
  /** Model name in reports. */
  readonly name = 'BPR-MF';
  /** Hyper-parameters. */
  readonly config: Readonly<BPRMFConfig>;
  /** Number of users. */
  readonly numUsers: number;
  /** Number of items (ids `1..numItems`). */
  readonly numItems: number;
  /** User factors `[numUsers, d]`. */
  readonly userEmb: Embedding;
  /** Item factors `[numItems + 1, d]` (row 0 = padding, zero, never trained). */
  readonly itemEmb: Embedding;
  private training = true;

  /**
   * @param sizes - numbers of users and items (a `CFInteractions` will do).
   * @param opts - hyper-parameters and initialisation.
   */
  constructor(sizes: { numUsers: number; numItems: number }, opts: BPRMFOptions = {}) {
    const config: BPRMFConfig = { dim: opts.dim ?? 64, l2: opts.l2 ?? 1e-4 };
    const { numUsers, numItems } = sizes;
    if (!Number.isInteger(numUsers) || numUsers < 1) throw new CFInputError(`BPRMF: numUsers must be a positive integer, got ${numUsers}`);
    if (!Number.isInteger(numItems) || numItems < 1) throw new CFInputError(`BPRMF: numItems must be a positive integer, got ${numItems}`);
    if (!Number.isInteger(config.dim) || config.dim < 1) throw new CFInputError(`BPRMF: config.dim must be a positive integer, got ${config.dim}`);
    if (!(config.l2 >= 0)) throw new CFInputError(`BPRMF: config.l2 must be >= 0, got ${config.l2}`);
    this.config = config;
    this.numUsers = numUsers;
    this.numItems = numItems;
    if (opts.init) {
      const { users, items } = opts.init;
      if (users.shape[0] !== numUsers || users.shape[1] !== config.dim || items.shape[0] !== numItems + 1 || items.shape[1] !== config.dim) {
        throw new CFInputError(
          `BPRMF: init tables must be [${numUsers}, ${config.dim}] and [${numItems + 1}, ${config.dim}], got [${users.shape}] and [${items.shape}]`,
        );
      }
    }
    const rng = opts.rng ?? new Rng(opts.seed ?? 1);
    this.userEmb = new Embedding(numUsers, config.dim, { grad: 'sparse', paddingIdx: null, rng, init: opts.init?.users, name: 'bprmf_user' });
    this.itemEmb = new Embedding(numItems + 1, config.dim, { grad: 'sparse', paddingIdx: 0, rng, init: opts.init?.items, name: 'bprmf_item' });
  }

  /** The trainable variables: `[user table, item table]`. */
  variables(): tf.Variable[] {
    return [this.userEmb.table, this.itemEmb.table];
  }

  /** BPR loss of a batch plus the L2 penalty on its rows. */
  loss(batch: CFBatch): tf.Scalar {
    checkCFBatch('BPRMF.loss', batch, this.numUsers, this.numItems);
    return tf.tidy(() => {
      const u = this.userEmb.lookup(batch.users) as tf.Tensor2D;
      const p = this.itemEmb.lookup(batch.pos) as tf.Tensor2D;
      const n = this.itemEmb.lookup(batch.neg) as tf.Tensor2D;
      return bprObjective(u, p, n, this.config.l2, [u, p, n]);
    });
  }

  /** Scores `[B, C]` of candidate items for the batch's users. */
  score(batch: UserBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    checkUsers('BPRMF.score', batch.users, this.numUsers);
    return dotScoresCandidates(this.userEmb.table, this.itemEmb.table, batch.users, candidates);
  }

  /** Scores `[B, numItems + 1]` of every item for the batch's users (column 0 = padding, scores 0). */
  scoreAll(batch: UserBatch): tf.Tensor2D {
    checkUsers('BPRMF.scoreAll', batch.users, this.numUsers);
    return dotScoresAll(this.userEmb.table, this.itemEmb.table, batch.users);
  }

  /**
   * Top-`k` items for a user known only by a history (fold-in: the mean of the history items' factors is
   * the user vector), excluding the history unless `includeSeen`. Ties: lower item id first.
   * @throws {@link CFInputError} for an empty history.
   */
  async recommend(history: ArrayLike<number>, k: number, opts: { includeSeen?: boolean } = {}): Promise<number[]> {
    const scores = await foldInScores(this.itemEmb.table, history, this.name);
    return topKItems(scores, k, opts.includeSeen ? [] : Array.from(history));
  }

  /**
   * Top-`k` items for a known user, never returning an item of `exclude` (pass the user's training items;
   * an empty list to rank everything). Ties: lower item id first.
   */
  async recommendForUser(user: number, k: number, exclude: Iterable<number>): Promise<number[]> {
    const t = this.scoreAll({ users: Int32Array.of(user) });
    try {
      return topKItems(await t.data(), k, exclude);
    } finally {
      t.dispose();
    }
  }

  /** BPR-MF has no dropout; the flag is kept for the contract. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  /** Whether the model is in training mode. */
  get isTraining(): boolean {
    return this.training;
  }

  /** Saves both tables and the config into `dir`, atomically. */
  async save(dir: string): Promise<void> {
    const meta: BPRMFMeta = { model: 'BPRMF', numUsers: this.numUsers, numItems: this.numItems, config: { ...this.config } };
    await saveWeights(dir, { users: this.userEmb.table, items: this.itemEmb.table }, meta);
  }

  /** Loads a model saved by {@link BPRMF.save} onto the active backend. */
  static async load(dir: string): Promise<BPRMF> {
    const w = await loadWeights<BPRMFMeta>(dir);
    try {
      const meta = w.meta;
      if (meta?.model !== 'BPRMF') throw new WeightsError(`${dir}: not a BPR-MF save (meta.model = ${String(meta?.model)})`, dir);
      const get = (name: string) => {
        const k = w.names.indexOf(name);
        if (k < 0) throw new WeightsError(`${dir}: tensor "${name}" missing from the BPR-MF save`, dir);
        return w.tensors[k] as tf.Tensor2D;
      };
      return new BPRMF(meta, { ...meta.config, init: { users: get('users'), items: get('items') } });
    } finally {
      tf.dispose(w.tensors);
    }
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.userEmb.dispose();
    this.itemEmb.dispose();
  }
}
