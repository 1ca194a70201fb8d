import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from './stopGradient.js';
import { GaussianHead, linear, type Rng } from '@recsuite/core';

/**
 * CLUB, the contrastive log-ratio upper bound of mutual information (Cheng et al., ICML 2020), with a
 * variational network `q(s | t) = N(μ(t), diag σ²(t))` (core's {@link GaussianHead}).
 *
 * `I_CLUB(t; s) = mean_i log q(s_i | t_i) − mean_{i,j} log q(s_j | t_i)`. The network is fitted by maximum
 * likelihood on detached `(t, s)`: {@link Club.terms} returns both the estimate (differentiable in `t` and
 * `s`, the network held fixed) and the network's negative log-likelihood (differentiable in the network
 * only), so adding both to one loss trains the network one step per outer step, alternating with the
 * model (TF.js cannot nest gradient tapes, so a separate inner optimizer loop inside `loss` is not
 * possible; an outer loop may call {@link Club.terms} and step on `nll` alone for more inner steps).
 */
export class Club {
  /** `q(s | t)`. */
  readonly q: GaussianHead;

  /**
   * @param tDim width of `t`
   * @param sDim width of `s`
   * @param rng seeded generator of the network's weights
   */
  constructor(tDim: number, sDim: number, rng: Rng) {
    this.q = new GaussianHead(tDim, sDim, rng);
  }

  private params(t: tf.Tensor2D, frozen: boolean): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    const f = (v: tf.Tensor) => (frozen ? stopGradient(v) : v);
    const { muLayer, logVarLayer } = this.q;
    const mu = linear(t, f(muLayer.w) as tf.Tensor2D, muLayer.b ? (f(muLayer.b) as tf.Tensor1D) : undefined) as tf.Tensor2D;
    // log σ² bounded in [-6, 6] for a stable ratio
    const lv = linear(t, f(logVarLayer.w) as tf.Tensor2D, logVarLayer.b ? (f(logVarLayer.b) as tf.Tensor1D) : undefined);
    return { mu, logVar: tf.mul(tf.tanh(tf.div(lv, 6)), 6) as tf.Tensor2D };
  }

  /**
   * `estimate`: the CLUB bound (network fixed); `nll`: the network's negative log-likelihood of `s` given
   * `t` per row, constants dropped (`t`, `s` detached).
   */
  terms(t: tf.Tensor2D, s: tf.Tensor2D): { estimate: tf.Scalar; nll: tf.Scalar } {
    return tf.tidy(() => {
      // eq. (CLUB): positive pairs minus all pairs; the log σ² terms cancel between the two.
      const { mu, logVar } = this.params(t, true);
      const prec = tf.exp(tf.neg(logVar)); // [n, k]
      const pos = tf.sum(tf.mul(tf.square(tf.sub(s, mu)), prec), 1); // [n]
      // mean_j (s_j − μ_i)² = var(s) + (mean(s) − μ_i)², per dimension
      const m = tf.mean(s, 0, true);
      const v = tf.mean(tf.square(tf.sub(s, m)), 0, true);
      const all = tf.sum(tf.mul(tf.add(v, tf.square(tf.sub(m, mu))), prec), 1); // [n]
      const estimate = tf.mean(tf.mul(tf.sub(all, pos), 0.5)) as tf.Scalar;
      const td = stopGradient(t) as tf.Tensor2D;
      const sd = stopGradient(s);
      const q = this.params(td, false);
      const nll = tf.mean(tf.mul(tf.sum(tf.add(tf.mul(tf.square(tf.sub(sd, q.mu)), tf.exp(tf.neg(q.logVar))), q.logVar), 1), 0.5)) as tf.Scalar;
      return { estimate, nll };
    });
  }

  /** The network's variables. */
  variables(): tf.Variable[] {
    return this.q.variables();
  }

  /** Frees the network. */
  dispose(): void {
    this.q.dispose();
  }
}
