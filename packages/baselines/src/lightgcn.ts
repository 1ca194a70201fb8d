/**
 * LightGCN (He et al., "LightGCN: Simplifying and Powering Graph Convolution Network for
 * Recommendation", SIGIR 2020).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Embedding,
  Rng,
  WeightsError,
  edgeTensors,
  embeddingLookup,
  loadWeights,
  saveWeights,
  type EdgeTensors,
  type RecModel,
} from '@recsuite/core';
import { bprObjective } from './bprLoss.js';
import {
  CFInputError,
  cfInteractions,
  checkCFBatch,
  checkUsers,
  dotScoresAll,
  dotScoresCandidates,
  foldInScores,
  interactionPairs,
  topKItems,
  type CFBatch,
  type CFInteractions,
  type UserBatch,
} from './cfBatch.js';
import { bipartiteAdjacency, propagate } from './graph.js';

/** LightGCN hyper-parameters (saved with the weights). */
export interface LightGCNConfig {
  /** Embedding size `d` (default 64). */
  dim: number;
  /** Propagation layers `K` (default 3). */
  layers: number;
  /** L2 weight `λ` on the batch's layer-0 embeddings (default 1e-4). */
  l2: number;
}

/** Options of the {@link LightGCN} constructor. */
export interface LightGCNOptions extends Partial<LightGCNConfig> {
  /** Seed of the initialiser (default 1); ignored when `rng` or `init` is given. */
  seed?: number;
  /** Seeded generator for the initialiser. */
  rng?: Rng;
  /** Initial layer-0 tables (copied): users `[numUsers, d]`, items `[numItems + 1, d]` (row 0 is zeroed). */
  init?: { users: tf.Tensor2D; items: tf.Tensor2D };
}

interface FinalCache {
  users: tf.Tensor2D;
  items: tf.Tensor2D;
  itemsT?: tf.Tensor2D;
  key: [object, object, string];
}

/** Metadata saved beside LightGCN weights. */
interface LightGCNMeta {
  model: 'LightGCN';
  numUsers: number;
  numItems: number;
  config: LightGCNConfig;
}

/**
 * LightGCN: layer-0 user and item embeddings propagated `K` times over the symmetric-normalised
 * user–item graph of the training interactions, with no feature transform or non-linearity (Eq. 3, 7),
 * averaged over the `K + 1` layers (Eq. 4, 8), scored by inner product (Eq. 5), trained with BPR and L2 on
 * the batch's layer-0 embeddings (Eq. 15).
 *
 * Trains on {@link CFBatch}es (`{ users, pos, neg }`); scores {@link UserBatch}es (any `SeqBatch` works:
 * only `users` is read). For evaluation the propagation runs once and its result is cached until the
 * weights change (a training step, a load): the cache is keyed on the tables' storage, so it is never
 * stale, and it is freed by the next `loss` call, by {@link LightGCN.invalidate} or by `dispose`. (Core's
 * `fit` compares tensor counts between epochs: when validating less often than every epoch, call
 * `invalidate()` at the end of the validation callback so the counts match.)
 *
 * `recommend(history, k)` has no user id, so it folds the history in: the user vector is the mean of the
 * history items' final embeddings. For a known user, call {@link LightGCN.recommendForUser}.
 */
export class LightGCN implements RecModel<CFBatch> {
  /** Model name in reports. */
  readonly name = 'LightGCN';
  /** Hyper-parameters. */
  readonly config: Readonly<LightGCNConfig>;
  /** Number of users. */
  readonly numUsers: number;
  /** Number of items (ids `1..numItems`). */
  readonly numItems: number;
  /** The training interactions the graph was built from. */
  readonly train: CFInteractions;
  /** Layer-0 user embeddings `[numUsers, d]`. */
  readonly userEmb: Embedding;
  /** Layer-0 item embeddings `[numItems + 1, d]` (row 0 = padding, zero). */
  readonly itemEmb: Embedding;
  private readonly adj: EdgeTensors;
  private cache: FinalCache | null = null;
  private training = true;

  /**
   * @param train - the training interactions (the graph uses these only).
   * @param opts - hyper-parameters and initialisation.
   */
  constructor(train: CFInteractions, opts: LightGCNOptions = {}) {
    const config: LightGCNConfig = { dim: opts.dim ?? 64, layers: opts.layers ?? 3, l2: opts.l2 ?? 1e-4 };
    if (!Number.isInteger(config.dim) || config.dim < 1) throw new CFInputError(`LightGCN: config.dim must be a positive integer, got ${config.dim}`);
    if (!Number.isInteger(config.layers) || config.layers < 0) throw new CFInputError(`LightGCN: config.layers must be a non-negative integer, got ${config.layers}`);
    if (!(config.l2 >= 0)) throw new CFInputError(`LightGCN: config.l2 must be >= 0, got ${config.l2}`);
    this.config = config;
    this.train = train;
    this.numUsers = train.numUsers;
    this.numItems = train.numItems;
    const adjacency = bipartiteAdjacency(train);
    const rng = opts.rng ?? new Rng(opts.seed ?? 1);
    if (opts.init) {
      const { users, items } = opts.init;
      if (users.shape[0] !== this.numUsers || users.shape[1] !== config.dim || items.shape[0] !== this.numItems + 1 || items.shape[1] !== config.dim) {
        throw new CFInputError(
          `LightGCN: init tables must be [${this.numUsers}, ${config.dim}] and [${this.numItems + 1}, ${config.dim}], got [${users.shape}] and [${items.shape}]`,
        );
      }
    }
    // Dense gradients: every layer-0 row reaches the loss through the propagation.
    this.userEmb = new Embedding(this.numUsers, config.dim, { grad: 'scatter', paddingIdx: null, rng, init: opts.init?.users, name: 'lightgcn_user' });
    this.itemEmb = new Embedding(this.numItems + 1, config.dim, { grad: 'scatter', paddingIdx: 0, rng, init: opts.init?.items, name: 'lightgcn_item' });
    this.adj = edgeTensors(adjacency);
  }

  /** The trainable variables: `[user table, item table]`. */
  variables(): tf.Variable[] {
    return [this.userEmb.table, this.itemEmb.table];
  }

  /** Layer-0 embeddings of all graph nodes, `[numUsers + numItems + 1, d]` (differentiable). */
  private ego(): tf.Tensor2D {
    return tf.concat([this.userEmb.all(), this.itemEmb.all()], 0);
  }

  /**
   * Final (layer-combined) embeddings, freshly propagated and differentiable: users `[numUsers, d]`,
   * items `[numItems + 1, d]`. The caller owns them.
   */
  embeddings(): { users: tf.Tensor2D; items: tf.Tensor2D } {
    return tf.tidy(() => {
      const fin = propagate(this.adj, this.ego(), this.config.layers);
      const users = tf.slice(fin, [0, 0], [this.numUsers, this.config.dim]) as tf.Tensor2D;
      const items = tf.slice(fin, [this.numUsers, 0], [this.numItems + 1, this.config.dim]) as tf.Tensor2D;
      return { users, items };
    });
  }

  /** The cached final embeddings for evaluation (owned by the model: do not dispose). */
  finalEmbeddings(): { users: tf.Tensor2D; items: tf.Tensor2D; itemsT?: tf.Tensor2D } {
    const backend = tf.getBackend();
    const c = this.cache;
    if (c && c.key[0] === this.userEmb.table.dataId && c.key[1] === this.itemEmb.table.dataId && c.key[2] === backend) return c;
    this.invalidate();
    const fresh = this.embeddings();
    const itemsT = backend === 'wasm' ? tf.transpose(fresh.items) : undefined;
    this.cache = { ...fresh, itemsT, key: [this.userEmb.table.dataId, this.itemEmb.table.dataId, backend] };
    tf.keep(fresh.users);
    tf.keep(fresh.items);
    if (itemsT) tf.keep(itemsT);
    return this.cache;
  }

  /** Frees the cached final embeddings (the next evaluation propagates again). */
  invalidate(): void {
    if (!this.cache) return;
    tf.dispose([this.cache.users, this.cache.items, ...(this.cache.itemsT ? [this.cache.itemsT] : [])]);
    this.cache = null;
  }

  /**
   * BPR loss of a batch on the propagated embeddings, plus `λ · ½ (‖e_u⁰‖² + ‖e_i⁰‖² + ‖e_j⁰‖²) / B` on the
   * batch's layer-0 rows (Eq. 15, per batch). Frees the evaluation cache.
   */
  loss(batch: CFBatch): tf.Scalar {
    checkCFBatch('LightGCN.loss', batch, this.numUsers, this.numItems);
    this.invalidate();
    const U = this.numUsers;
    const posNodes = Int32Array.from(batch.pos, (i) => U + i);
    const negNodes = Int32Array.from(batch.neg, (i) => U + i);
    return tf.tidy(() => {
      const ego = this.ego();
      const fin = propagate(this.adj, ego, this.config.layers);
      const look = (t: tf.Tensor2D, ids: Int32Array) => embeddingLookup(t, ids) as tf.Tensor2D;
      const egoRows = [look(ego, batch.users), look(ego, posNodes), look(ego, negNodes)];
      return bprObjective(look(fin, batch.users), look(fin, posNodes), look(fin, negNodes), this.config.l2, egoRows); // Eq. 5, 15
    });
  }

  /** Scores `[B, C]` of candidate items for the batch's users (from the cached final embeddings). */
  score(batch: UserBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    checkUsers('LightGCN.score', batch.users, this.numUsers);
    const f = this.finalEmbeddings();
    return dotScoresCandidates(f.users, f.items, batch.users, candidates);
  }

  /** Scores `[B, numItems + 1]` of every item for the batch's users (column 0 = padding, scores 0). */
  scoreAll(batch: UserBatch): tf.Tensor2D {
    checkUsers('LightGCN.scoreAll', batch.users, this.numUsers);
    const f = this.finalEmbeddings();
    return dotScoresAll(f.users, f.items, batch.users, f.itemsT);
  }

  /**
   * Top-`k` items for a user known only by a history (fold-in: the mean of the history items' final
   * embeddings is the user vector), excluding the history unless `includeSeen`. Ties: lower item id first.
   * @throws {@link CFInputError} for an empty history.
   */
  async recommend(history: ArrayLike<number>, k: number, opts: { includeSeen?: boolean } = {}): Promise<number[]> {
    const scores = await foldInScores(this.finalEmbeddings().items, history, this.name);
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
    const users = Int32Array.of(user);
    const t = this.scoreAll({ users });
    try {
      return topKItems(await t.data(), k, exclude);
    } finally {
      t.dispose();
    }
  }

  /** LightGCN has no dropout; the flag is kept for the contract. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  /** Whether the model is in training mode. */
  get isTraining(): boolean {
    return this.training;
  }

  /**
   * Saves the layer-0 tables, the training pairs (the graph is rebuilt from them on load) and the config
   * into `dir`, atomically.
   */
  async save(dir: string): Promise<void> {
    const { users, items } = interactionPairs(this.train);
    const u = tf.tensor1d(users, 'int32');
    const i = tf.tensor1d(items, 'int32');
    try {
      const meta: LightGCNMeta = { model: 'LightGCN', numUsers: this.numUsers, numItems: this.numItems, config: { ...this.config } };
      await saveWeights(dir, { users: this.userEmb.table, items: this.itemEmb.table, trainUsers: u, trainItems: i }, meta);
    } finally {
      tf.dispose([u, i]);
    }
  }

  /** Loads a model saved by {@link LightGCN.save} onto the active backend. */
  static async load(dir: string): Promise<LightGCN> {
    const w = await loadWeights<LightGCNMeta>(dir);
    try {
      const meta = w.meta;
      if (meta?.model !== 'LightGCN') throw new WeightsError(`${dir}: not a LightGCN save (meta.model = ${String(meta?.model)})`, dir);
      const get = (name: string) => {
        const k = w.names.indexOf(name);
        if (k < 0) throw new WeightsError(`${dir}: tensor "${name}" missing from the LightGCN save`, dir);
        return w.tensors[k];
      };
      const train = cfInteractions(meta.numUsers, meta.numItems, get('trainUsers').dataSync(), get('trainItems').dataSync());
      return new LightGCN(train, { ...meta.config, init: { users: get('users') as tf.Tensor2D, items: get('items') as tf.Tensor2D } });
    } finally {
      tf.dispose(w.tensors);
    }
  }

  /** Frees every tensor the model owns. */
  dispose(): void {
    this.invalidate();
    this.userEmb.dispose();
    this.itemEmb.dispose();
    this.adj.dispose();
  }
}
