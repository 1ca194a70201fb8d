/**
 * LightGCN (He et al., "LightGCN: Simplifying and Powering Graph Convolution Network for
 * Recommendation", SIGIR 2020).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { edgeTensors, embeddingLookup, type EdgeTensors } from '@recsuite/core';
import { bprObjective } from './bprLoss.js';
import { cfInteractions, checkCFBatch, interactionPairs, type CFBatch, type CFInteractions } from './cfBatch.js';
import { FactorModel, checkCount, checkL2, loadFactorSave, type FactorInitOptions, type ScoringTables } from './factorModel.js';
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

/** Options of the {@link LightGCN} constructor: hyper-parameters and initialisation (of the layer-0 tables). */
export interface LightGCNOptions extends Partial<LightGCNConfig>, FactorInitOptions {}

interface FinalCache extends ScoringTables {
  key: [object, object, string];
}

/**
 * LightGCN: layer-0 user and item embeddings propagated `K` times over the symmetric-normalised
 * user–item graph of the training interactions, with no feature transform or non-linearity (Eq. 3, 7),
 * averaged over the `K + 1` layers (Eq. 4, 8), scored by inner product (Eq. 5), trained with BPR and L2 on
 * the batch's layer-0 embeddings (Eq. 15).
 *
 * Trains on {@link CFBatch}es (`{ users, pos, neg }`); scores `UserBatch`es (any `SeqBatch` works:
 * only `users` is read). For evaluation the propagation runs once and its result is cached until the
 * weights change (a training step, a load): the cache is keyed on the tables' storage, so it is never
 * stale, and it is freed by the next `loss` call, by {@link LightGCN.invalidate} or by `dispose`. (Core's
 * `fit` compares tensor counts between epochs: when validating less often than every epoch, call
 * `invalidate()` at the end of the validation callback so the counts match.)
 *
 * `recommend(history, k)` has no user id, so it folds the history in: the user vector is the mean of the
 * history items' final embeddings. For a known user, call {@link LightGCN.recommendForUser}.
 */
export class LightGCN extends FactorModel<LightGCNConfig> {
  /** Model name in reports. */
  readonly name = 'LightGCN';
  /** The training interactions the graph was built from. */
  readonly train: CFInteractions;
  private readonly adj: EdgeTensors;
  private cache: FinalCache | null = null;

  /**
   * @param train - the training interactions (the graph uses these only).
   * @param opts - hyper-parameters and initialisation.
   */
  constructor(train: CFInteractions, opts: LightGCNOptions = {}) {
    const config: LightGCNConfig = { dim: opts.dim ?? 64, layers: opts.layers ?? 3, l2: opts.l2 ?? 1e-4 };
    checkCount('LightGCN', 'config.dim', config.dim, 1);
    checkCount('LightGCN', 'config.layers', config.layers, 0);
    checkL2('LightGCN', config.l2);
    const adjacency = bipartiteAdjacency(train);
    // Dense gradients: every layer-0 row reaches the loss through the propagation.
    super('LightGCN', train, config, opts, 'scatter');
    this.train = train;
    this.adj = edgeTensors(adjacency);
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
  finalEmbeddings(): ScoringTables {
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

  /** Scores come from the cached final embeddings. */
  protected scoringTables(): ScoringTables {
    return this.finalEmbeddings();
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

  /**
   * Saves the layer-0 tables, the training pairs (the graph is rebuilt from them on load) and the config
   * into `dir`, atomically.
   */
  override async save(dir: string): Promise<void> {
    const { users, items } = interactionPairs(this.train);
    const u = tf.tensor1d(users, 'int32');
    const i = tf.tensor1d(items, 'int32');
    try {
      await this.saveTables(dir, { trainUsers: u, trainItems: i });
    } finally {
      tf.dispose([u, i]);
    }
  }

  /** Loads a model saved by {@link LightGCN.save} onto the active backend. */
  static load(dir: string): Promise<LightGCN> {
    return loadFactorSave<LightGCNConfig, LightGCN>(dir, 'LightGCN', 'LightGCN', (meta, tensor, init) => {
      const train = cfInteractions(meta.numUsers, meta.numItems, tensor('trainUsers').dataSync(), tensor('trainItems').dataSync());
      return new LightGCN(train, { ...meta.config, init: init() });
    });
  }

  /** Frees every tensor the model owns. */
  override dispose(): void {
    this.invalidate();
    super.dispose();
    this.adj.dispose();
  }
}
