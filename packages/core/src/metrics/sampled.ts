import * as tf from '@tensorflow/tfjs-core';
import { belowTarget } from './compare.js';

/**
 * Sampled evaluation: the pessimistic rank of the target among its sampled candidates.
 *
 * `scores` is `[B, 1 + nNeg]` with the **target in column 0** and the row's sampled negatives in columns
 * `1..nNeg` (drawn once from a seed, already excluding the user's seen items: see the data samplers).
 *
 * `rank_r = #{ j ≥ 1 : !(scores[r, j] < scores[r, 0]) }`
 *
 * Negatives tied with the target are placed ahead of it (pessimistic; a `NaN` negative counts as ahead,
 * a `NaN` target gets rank `nNeg`). Computed on the active backend with one compare and one sum;
 * `tf.memory().numTensors` is unchanged on return and `scores` is not disposed.
 *
 * When the negatives are all the non-excluded items, the ranks equal those of `fullRanks`.
 *
 * @param scores - `[B, 1 + nNeg]` scores, target first.
 * @returns one 0-based rank in `[0, nNeg]` per row.
 */
export async function sampledRanks(scores: tf.Tensor2D): Promise<Int32Array> {
  if (scores.rank !== 2) throw new RangeError(`sampledRanks: scores must be a [B, 1 + nNeg] tensor, got shape [${scores.shape}]`);
  const [B, C] = scores.shape;
  if (C < 1) throw new RangeError('sampledRanks: scores needs the target in column 0');
  const ranksT = tf.tidy(() => {
    const t = tf.slice(scores, [0, 0], [B, 1]);
    // Column 0 compares with itself and is never below, so C - 1 - countBelow counts the others not below.
    const countBelow = tf.sum(belowTarget(scores, t), 1);
    return tf.sub(tf.scalar(C - 1, 'int32'), countBelow);
  });
  try {
    return Int32Array.from(await ranksT.data());
  } finally {
    ranksT.dispose();
  }
}
