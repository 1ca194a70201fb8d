import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '@recsuite/core';
import { squash } from './squash.js';

/** Identity whose gradient is zero (the routing logits of the earlier iterations are constants, MIND §3.3). */
const detach = customOp(([x]) => ({ value: tf.clone(x), gradFunc: (dy) => tf.zerosLike(dy) }));

/** Additive mask `[B, 1, K]`: 0 for active capsules, −1e9 for inactive ones (dynamic K). */
export function capsuleLogitMask(capsuleMask: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.expandDims(tf.mul(tf.sub(capsuleMask, 1), 1e9), 1) as tf.Tensor3D);
}

/** Options of {@link dynamicRouting}. */
export interface RoutingOptions {
  /** Routing iterations `r` (≥ 1). */
  iters: number;
  /** Active capsules per row `[B, K]` (1 active, 0 not), for dynamic K; all active when omitted. */
  capsuleMask?: tf.Tensor2D;
}

/**
 * Behaviour-to-interest dynamic routing (MIND, Li et al. 2019, Algorithm 1) over already mapped behaviours
 * `ê_i = S e_i` (`eHat [B, L, C]`): starting from the logits `b [B or 1, L, K]` (random, not learned), `r`
 * times `w_i = softmax_K(b_i)` masked by padding (`mask [B, L]`), `z_k = Σ_i w_ik ê_i` (eq. 5),
 * `u_k = squash(z_k)` (eq. 7), `b_ik += u_k · ê_i` (eq. 8). Only the last iteration is differentiated: the
 * logits it uses are constants. Inactive capsules (`capsuleMask = 0`) get no weight, so their `u_k = 0`.
 * Returns the capsules `u [B, K, C]`.
 */
export function dynamicRouting(eHat: tf.Tensor3D, mask: tf.Tensor2D, logits: tf.Tensor3D, opts: RoutingOptions): tf.Tensor3D {
  const [B, L] = eHat.shape;
  const K = logits.shape[2];
  if (logits.shape[1] !== L || (logits.shape[0] !== B && logits.shape[0] !== 1)) {
    throw new RangeError(`dynamicRouting: logits must be [${B} or 1, ${L}, K], got [${logits.shape}]`);
  }
  if (mask.shape[0] !== B || mask.shape[1] !== L) throw new RangeError(`dynamicRouting: mask must be [${B}, ${L}], got [${mask.shape}]`);
  if (!(Number.isInteger(opts.iters) && opts.iters >= 1)) throw new RangeError(`dynamicRouting: iters must be >= 1, got ${opts.iters}`);
  return tf.tidy(() => {
    const fixed = detach(eHat) as tf.Tensor3D;
    const m = tf.expandDims(mask, 2);
    const capBias = opts.capsuleMask ? capsuleLogitMask(opts.capsuleMask) : null;
    let b: tf.Tensor3D = tf.add(logits, tf.zeros([B, L, K])) as tf.Tensor3D;
    for (let it = 0; ; it++) {
      const last = it === opts.iters - 1;
      const w = tf.mul(tf.softmax(capBias ? tf.add(b, capBias) : b), m); // w_ik, padding rows zero
      const z = tf.matMul(w, last ? eHat : fixed, true, false); // [B, K, C], eq. 5
      const u = squash(z) as tf.Tensor3D; // eq. 7
      if (last) return u;
      b = tf.add(b, tf.matMul(fixed, u, false, true)) as tf.Tensor3D; // eq. 8, [B, L, K]
    }
  });
}

/** Dynamic interest number (MIND eq. 9): `K'_u = max(1, min(K, ⌊log2(1 + |history|)⌋))` per row. */
export function dynamicCapsuleCount(historyLength: ArrayLike<number>, K: number): Int32Array {
  return Int32Array.from(historyLength, (n) => Math.max(1, Math.min(K, Math.floor(Math.log2(1 + n)))));
}

/** The capsule mask `[B, K]` of per-row capsule counts. */
export function capsuleMaskOf(counts: Int32Array, K: number): tf.Tensor2D {
  const m = new Float32Array(counts.length * K);
  counts.forEach((c, b) => m.fill(1, b * K, b * K + c));
  return tf.tensor2d(m, [counts.length, K]);
}
