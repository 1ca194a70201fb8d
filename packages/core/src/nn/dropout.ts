import * as tf from '@tensorflow/tfjs-core';
import { nativeUniform } from '../tensor/native.js';
import type { Rng } from '../tensor/rng.js';

/**
 * Seeded inverted dropout (Srivastava et al. 2014). The keep mask is drawn from a 32-bit seed
 * (`rng.nextU32()`): on the native `tensorflow` backend by TensorFlow's stateless Philox kernel (one
 * native call, ~2 ms for a SASRec-sized activation `[256, 50, 64]`), elsewhere in JavaScript (xoshiro128,
 * two 16-bit draws per number, keep probabilities exact to 1/65536; ~10–15 ms for the same shape).
 * `tf.randomUniform` fills its buffer in JavaScript too and spends ~35 ms there. A seed gives the same
 * mask on every run of a backend; the two generators give different masks.
 */

/** What every layer's forward pass takes besides its inputs. */
export interface ForwardOptions {
  /** Dropout on (training) or off (inference, the default). */
  training?: boolean;
  /** Source of dropout seeds; required when `training` and a dropout rate is positive. */
  rng?: Rng;
}

function checkRate(rate: number, where: string): void {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`${where}: dropout rate must be in [0, 1), got ${rate}`);
}

/**
 * A mask of `shape` whose entries are `1 / (1 − rate)` with probability `1 − rate` and `0` otherwise,
 * drawn from `seed` (a 32-bit integer). Deterministic for a given seed, shape and backend.
 */
export function dropoutMask(shape: readonly number[], rate: number, seed: number): tf.Tensor {
  checkRate(rate, 'dropoutMask');
  const u = nativeUniform(shape, seed);
  if (u) {
    const m = tf.tidy(() => tf.mul(tf.cast(tf.greaterEqual(u, rate), 'float32'), 1 / (1 - rate)));
    u.dispose();
    return m;
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const scale = 1 / (1 - rate);
  // 16-bit threshold: keep when the draw is >= rate * 65536.
  const thr = Math.round(rate * 65536);
  // splitmix32 seeding of a xoshiro128** state.
  let x = seed >>> 0;
  const mix = () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  let s0 = mix();
  let s1 = mix();
  let s2 = mix();
  let s3 = mix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  for (let i = 0; i < n; i += 2) {
    const r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = (r & 0xffff) >= thr ? scale : 0;
    if (i + 1 < n) out[i + 1] = r >>> 16 >= thr ? scale : 0;
  }
  return tf.tensor(out, shape as number[]);
}

/**
 * Inverted dropout of `x` with a mask seeded from `rng`: identity when not `training` or `rate` is 0
 * (then `x` itself is returned).
 */
export function dropout(x: tf.Tensor, rate: number, opts: ForwardOptions = {}): tf.Tensor {
  checkRate(rate, 'dropout');
  if (!opts.training || rate === 0) return x;
  if (!opts.rng) throw new Error('dropout: training with a positive rate needs `rng` (a seeded Rng) in the forward options');
  const seed = opts.rng.nextU32();
  return tf.tidy(() => tf.mul(x, dropoutMask(x.shape, rate, seed)));
}

/** Dropout as a layer object (no variables): `apply(x, opts)` is {@link dropout} at a fixed rate. */
export class Dropout {
  /** @param rate probability of zeroing an entry, in [0, 1) */
  constructor(readonly rate: number) {
    checkRate(rate, 'Dropout');
  }

  /** {@link dropout} at this layer's rate. */
  apply(x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor {
    return dropout(x, this.rate, opts);
  }

  /** No variables. */
  variables(): tf.Variable[] {
    return [];
  }
}
