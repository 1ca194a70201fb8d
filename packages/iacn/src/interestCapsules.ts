import * as tf from '@tensorflow/tfjs-core';
import { MLP, Rng, glorotNormal, linear, randomNormal } from '@recsuite/core';
import type { IacnSettings } from './config.js';
import { capsuleMaskOf, dynamicCapsuleCount, dynamicRouting } from './layers/routing.js';

/** Options of {@link InterestCapsules}. */
export interface InterestCapsulesOptions {
  /** Width `D` of the item embeddings routed (and of the interest vectors). */
  itemDim: number;
  /** Width of the user-profile embedding concatenated to each capsule (0: none). */
  userDim: number;
  /** Filled-in settings. */
  settings: IacnSettings;
  /** Seeded generator for the weights. */
  rng: Rng;
}

/** The interests of a batch: `v [B, K, D]` and, with dynamic K, the active capsules `[B, K]`. */
export interface Interests {
  /** Interest vectors `v_k`. */
  v: tf.Tensor3D;
  /** Active capsules (dynamic K), or null when all are. */
  capsuleMask: tf.Tensor2D | null;
}

/**
 * IaCN's interest capsule network: behaviours mapped by one shared bilinear matrix `S` (`ê_i = S e_i`,
 * MIND eq. 4), dynamic routing into `K` capsules ({@link dynamicRouting}), each capsule concatenated with
 * the user profile and passed through a ReLU MLP to an interest vector `v_k` of the item width `D`.
 * Its variables (`S` and the MLP) are IaCN's "own" parameters of the gradient mix.
 */
export class InterestCapsules {
  /** The bilinear map `S [D, C]`. */
  readonly S: tf.Variable<tf.Rank.R2>;
  /** The interest MLP `[C + userDim] → hidden (ReLU) → D`. */
  readonly mlp: MLP;
  /** Capsule width `C`. */
  readonly capsuleDim: number;

  constructor(readonly opts: InterestCapsulesOptions) {
    const { itemDim: D, userDim, settings: s, rng } = opts;
    const C = (this.capsuleDim = s.capsuleDim ?? D);
    const init = glorotNormal([D, C], rng);
    this.S = tf.variable(init, true) as tf.Variable<tf.Rank.R2>;
    init.dispose();
    this.mlp = new MLP(C + userDim, s.interestHidden, { rng, activation: 'relu', output: D });
  }

  /** Number of capsules `K`. */
  get K(): number {
    return this.opts.settings.capsules;
  }

  /** Routing logits for training: fresh `N(0, σ²)` `[B, L, K]` from `seed`. */
  trainingLogits(B: number, L: number, seed: number): tf.Tensor3D {
    return randomNormal([B, L, this.K], this.opts.settings.routingStd, new Rng(seed)) as tf.Tensor3D;
  }

  /**
   * Routing logits for evaluation: `evalDraws` fixed `[1, L, K]` tensors from `evalSeed` (the same for every
   * row and batch, so a row's score does not depend on its batch). Each draw is generated from the most
   * recent position backwards, so a position's logits do not depend on `L` either (batches cut to their
   * longest history see the same logits as full-length ones). Owned by the caller.
   */
  evaluationLogits(L: number): tf.Tensor3D[] {
    const rng = new Rng(this.opts.settings.evalSeed);
    const { K } = this;
    const std = this.opts.settings.routingStd;
    return Array.from({ length: this.opts.settings.evalDraws }, () => {
      const r = rng.fork();
      const v = new Float32Array(L * K);
      for (let j = L - 1; j >= 0; j--) for (let k = 0; k < K; k++) v[j * K + k] = std * r.normal();
      return tf.tensor3d(v, [1, L, K]);
    });
  }

  /**
   * Interests from a history `hist [B, L, D]` (zeros at padding), its mask `[B, L]`, the user profile
   * `[B, userDim]` (or null), the real history lengths (for dynamic K) and routing `logits [B or 1, L, K]`.
   */
  interests(hist: tf.Tensor3D, mask: tf.Tensor2D, user: tf.Tensor2D | null, historyLength: ArrayLike<number>, logits: tf.Tensor3D): Interests {
    const [B, L, D] = hist.shape;
    const s = this.opts.settings;
    if (D !== this.opts.itemDim) throw new RangeError(`InterestCapsules: history width ${D}, expected ${this.opts.itemDim}`);
    const capsuleMask = s.dynamicK ? capsuleMaskOf(dynamicCapsuleCount(historyLength, this.K), this.K) : null;
    const v = tf.tidy(() => {
      const eHat = tf.reshape(linear(tf.reshape(hist, [B * L, D]), this.S), [B, L, this.capsuleDim]) as tf.Tensor3D; // ê_i = S e_i
      const u = dynamicRouting(eHat, mask, logits, { iters: s.routingIters, capsuleMask: capsuleMask ?? undefined });
      const K = this.K;
      let x: tf.Tensor = u;
      if (user) x = tf.concat([u, tf.tile(tf.expandDims(user, 1), [1, K, 1])], 2); // [u_k ‖ p]
      return this.mlp.apply(x) as tf.Tensor3D; // v_k
    });
    return { v, capsuleMask };
  }

  /** Trainable variables: `S`, then the MLP's. */
  variables(): tf.Variable[] {
    return [this.S, ...this.mlp.variables()];
  }

  /** Frees the variables. */
  dispose(): void {
    this.S.dispose();
    this.mlp.dispose();
  }
}
