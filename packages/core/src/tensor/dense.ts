import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './customOp.js';

/**
 * Matrix products arranged for each backend's fast kernel (DESIGN.md): on `wasm`, only an
 * un-transposed, un-batched 2-D matMul reaches XNNPACK (~22 GFLOP/s; transposed or batched ones fall to
 * ~2), so there transposes are materialised first and the gradient is written the same way. On
 * `tensorflow` and `cpu` the stock op is already on its fast path and is used as is.
 */
function plainMatMul(a: tf.Tensor2D, b: tf.Tensor2D, tA: boolean, tB: boolean): tf.Tensor2D {
  const aa = tA ? tf.transpose(a) : a;
  const bb = tB ? tf.transpose(b) : b;
  const out = tf.matMul(aa, bb);
  if (aa !== a) aa.dispose();
  if (bb !== b) bb.dispose();
  return out as tf.Tensor2D;
}

/** True when products should be rearranged into plain 2-D matMuls. */
function needsPlain(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * `op(a) @ op(b)` for 2-D tensors, where `op` transposes when the flag is set. Same value as
 * `tf.matMul(a, b, transposeA, transposeB)`; on wasm both the product and its gradient run as
 * un-transposed 2-D matMuls.
 */
export function matMulFast(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  if (!needsPlain()) return tf.matMul(a, b, transposeA, transposeB);
  const f = customOp<tf.Tensor2D>(([x, y], save) => {
    save([x, y]);
    return {
      value: plainMatMul(x as tf.Tensor2D, y as tf.Tensor2D, transposeA, transposeB),
      gradFunc: (dy, saved) => {
        const [sa, sb] = saved as tf.Tensor2D[];
        const g = dy as tf.Tensor2D;
        // C = op(A) op(B): dop(A) = dC op(B)ᵀ, dop(B) = op(A)ᵀ dC, transposed back where op transposed.
        const da = transposeA ? plainMatMul(sb, g, transposeB, true) : plainMatMul(g, sb, false, !transposeB);
        const db = transposeB ? plainMatMul(g, sa, true, transposeA) : plainMatMul(sa, g, !transposeA, false);
        return [da, db];
      },
    };
  });
  return f(a, b);
}

/**
 * Fully connected layer `x W + b` over the last axis of `x` (any rank ≥ 2), on the fast path of
 * {@link matMulFast}: leading axes are folded into rows so the product is one 2-D matMul.
 */
export function linear(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const inDim = x.shape[x.shape.length - 1];
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
    let y: tf.Tensor = matMulFast(x2, w);
    if (b) y = tf.add(y, b);
    return x.rank === 2 ? y : tf.reshape(y, [...lead, w.shape[1]]);
  });
}

/**
 * Scores of user vectors against every row of an item table, `users @ itemsᵀ` (`[B, d] x [N, d] -> [B, N]`),
 * the full-ranking product. On wasm pass a pre-transposed table (`itemsT`, `[d, N]`) to avoid the
 * transpose per batch.
 */
export function scoreAgainst(users: tf.Tensor2D, items: tf.Tensor2D, itemsT?: tf.Tensor2D): tf.Tensor2D {
  if (itemsT) return matMulFast(users, itemsT);
  return matMulFast(users, items, false, true);
}
