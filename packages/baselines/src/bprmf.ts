/**
 * BPR-MF (Rendle et al., "BPR: Bayesian Personalized Ranking from Implicit Feedback", UAI 2009).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { bprObjective } from './bprLoss.js';
import { checkCFBatch, type CFBatch } from './cfBatch.js';
import { FactorModel, checkCount, checkL2, loadFactorSave, type FactorInitOptions, type ScoringTables } from './factorModel.js';

/** BPR-MF hyper-parameters (saved with the weights). */
export interface BPRMFConfig {
  /** Factor size `d` (default 64). */
  dim: number;
  /** L2 weight `λ` on the batch's embeddings (default 1e-4). */
  l2: number;
}

/** Options of the {@link BPRMF} constructor: hyper-parameters and initialisation. */
export interface BPRMFOptions extends Partial<BPRMFConfig>, FactorInitOptions {}

/**
 * Matrix factorisation trained with BPR: `x_ui = ⟨w_u, h_i⟩`, loss `−ln σ(x_ui − x_uj)` over sampled
 * `(u, i, j)` triples plus `λ · ½ (‖w_u‖² + ‖h_i‖² + ‖h_j‖²) / B` on the batch's rows (Sec. 4.1, BPR-Opt).
 * Both tables use row-sparse gradients, so the `Adam` optimizer of core updates only the rows of a batch
 * (LazyAdam).
 *
 * Trains on {@link CFBatch}es; scores `UserBatch`es (any `SeqBatch` works: only `users` is read).
 * `recommend(history, k)` has no user id, so it folds the history in: the user vector is the mean of the
 * history items' factors. For a known user, call {@link BPRMF.recommendForUser}.
 */
export class BPRMF extends FactorModel<BPRMFConfig> {
  /** Model name in reports. */
  readonly name = 'BPR-MF';

  /**
   * @param sizes - numbers of users and items (a `CFInteractions` will do).
   * @param opts - hyper-parameters and initialisation.
   */
  constructor(sizes: { numUsers: number; numItems: number }, opts: BPRMFOptions = {}) {
    const config: BPRMFConfig = { dim: opts.dim ?? 64, l2: opts.l2 ?? 1e-4 };
    checkCount('BPRMF', 'numUsers', sizes.numUsers, 1);
    checkCount('BPRMF', 'numItems', sizes.numItems, 1);
    checkCount('BPRMF', 'config.dim', config.dim, 1);
    checkL2('BPRMF', config.l2);
    super('BPRMF', sizes, config, opts, 'sparse');
  }

  /** User factors and item factors: the tables themselves. */
  protected scoringTables(): ScoringTables {
    return { users: this.userEmb.table, items: this.itemEmb.table };
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

  /** Loads a model saved by {@link BPRMF.save} onto the active backend. */
  static load(dir: string): Promise<BPRMF> {
    return loadFactorSave<BPRMFConfig, BPRMF>(dir, 'BPRMF', 'BPR-MF', (meta, _tensor, init) => new BPRMF(meta, { ...meta.config, init: init() }));
  }
}
