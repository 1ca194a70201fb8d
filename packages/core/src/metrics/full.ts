import * as tf from '@tensorflow/tfjs-core';
import { checkId } from './check.js';
import { belowTarget } from './compare.js';
import { excludedPairs, type ExcludeLists } from './exclude.js';

/** Options for {@link fullRanks} and {@link fullRanksMulti}. */
export interface FullRankOptions {
  /**
   * Upper bound on the elements of the `[rows, N]` comparison materialised at once; bigger inputs are
   * processed in row chunks. Default `2 ** 24` (16.7 M, e.g. 1,386 rows of 12,102 items).
   */
  maxChunkElements?: number;
}

/**
 * Full-ranking evaluation for one target per row: the pessimistic rank of each row's target among all
 * items, computed on the active backend without sorting the row.
 *
 * `scores` is `[B, N]` with column `j` = item id `j`; column 0 is the padding item and never a candidate.
 * For row `r` with target `t = targets[r]`:
 *
 * `rank_r = #{ j ∉ {0, t} ∪ exclude[r] : !(scores[r, j] < scores[r, t]) }`
 *
 * i.e. the number of other candidates scoring greater than or **equal to** the target (ties placed ahead
 * of the target: pessimistic; a `NaN` candidate counts as ahead, a `NaN` target gets the last rank).
 *
 * **The target is never excluded**: if `targets[r]` also appears in `exclude[r]` (the user saw the item
 * before and it is also the held-out one), its own score is kept and it is ranked normally.
 *
 * How: the backend computes `countBelow_r = Σ_j [scores[r, j] < t_r]` over the whole row (one compare and
 * one sum, `O(B·N)`, no sort), and the few excluded `(row, item)` pairs are gathered from the same
 * comparison and subtracted in JS. `tf.memory().numTensors` is unchanged on return; `scores` is not
 * disposed.
 *
 * @param scores - `[B, N]` scores (`N = numItems + 1`).
 * @param targets - one target item id per row, in `[1, N − 1]`.
 * @param exclude - optional per-row item ids to leave out (e.g. seen items); duplicates are fine.
 * @param opts - chunking.
 * @returns one 0-based rank per row.
 */
export async function fullRanks(
  scores: tf.Tensor2D,
  targets: ArrayLike<number>,
  exclude?: ExcludeLists,
  opts: FullRankOptions = {},
): Promise<Int32Array> {
  const [B, N] = shapeOf('fullRanks', scores);
  if (targets.length !== B) throw new RangeError(`fullRanks: targets must have one id per row (${B}), got ${targets.length}`);
  const pairRow = new Int32Array(B);
  const pairItem = new Int32Array(B);
  for (let r = 0; r < B; r++) {
    checkId('fullRanks', targets[r], 1, N, `targets[${r}]`);
    pairRow[r] = r;
    pairItem[r] = targets[r];
  }
  const ex = excludedPairs('fullRanks', B, N, exclude, (r) => [targets[r]]);
  return ranksOfPairs(scores, pairRow, pairItem, ex.pairs, ex.count, true, opts.maxChunkElements);
}

/**
 * Full-ranking evaluation for rows with several targets (a held-out *set* per user, LightGCN style):
 * the pessimistic rank of every target, as in {@link fullRanks}. The row's other targets are ordinary
 * candidates (a target tied with another target is placed behind it), and none of the row's targets is
 * ever excluded, even if it appears in `exclude[r]`. Feed each row's ranks to `recallAtK`,
 * `precisionAtK`, `ndcgMultiAtK` or `RankingAccumulator.addMulti`.
 *
 * Each `(row, target)` pair compares against its row gathered on the backend, in chunks bounded by
 * `opts.maxChunkElements`. `tf.memory().numTensors` is unchanged on return.
 *
 * @param scores - `[B, N]` scores, column 0 = padding.
 * @param targets - per row, a non-empty list of distinct target ids in `[1, N − 1]`.
 * @param exclude - optional per-row item ids to leave out.
 * @param opts - chunking.
 * @returns per row, the rank of each target in the order given.
 */
export async function fullRanksMulti(
  scores: tf.Tensor2D,
  targets: ReadonlyArray<ArrayLike<number>>,
  exclude?: ExcludeLists,
  opts: FullRankOptions = {},
): Promise<Int32Array[]> {
  const [B, N] = shapeOf('fullRanksMulti', scores);
  if (targets.length !== B) throw new RangeError(`fullRanksMulti: targets must have one list per row (${B}), got ${targets.length}`);
  let P = 0;
  for (let r = 0; r < B; r++) {
    const t = targets[r];
    if (t.length === 0) throw new RangeError(`fullRanksMulti: targets[${r}] is empty (a row needs at least one target)`);
    const s = new Set<number>();
    for (let i = 0; i < t.length; i++) {
      checkId('fullRanksMulti', t[i], 1, N, `targets[${r}][${i}]`);
      if (s.has(t[i])) throw new RangeError(`fullRanksMulti: targets[${r}] lists item ${t[i]} twice (targets are a set)`);
      s.add(t[i]);
    }
    P += t.length;
  }
  const pairRow = new Int32Array(P);
  const pairItem = new Int32Array(P);
  let p = 0;
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < targets[r].length; i++, p++) {
      pairRow[p] = r;
      pairItem[p] = targets[r][i];
    }
  }
  const ex = excludedPairs('fullRanksMulti', B, N, exclude, (r) => targets[r]);
  const flat = await ranksOfPairs(scores, pairRow, pairItem, ex.pairs, ex.count, false, opts.maxChunkElements);
  const out: Int32Array[] = [];
  p = 0;
  for (let r = 0; r < B; r++) {
    out.push(flat.slice(p, p + targets[r].length));
    p += targets[r].length;
  }
  return out;
}

function shapeOf(fn: string, scores: tf.Tensor): [number, number] {
  if (scores.rank !== 2) throw new RangeError(`${fn}: scores must be a [B, N] tensor, got shape [${scores.shape}]`);
  const [B, N] = scores.shape as [number, number];
  if (N < 2) throw new RangeError(`${fn}: scores needs column 0 (padding) and at least one item, got N = ${N}`);
  return [B, N];
}

/**
 * Pessimistic ranks of `(pairRow[p], pairItem[p])` pairs. `exPairs` are the excluded `(row, item)` pairs,
 * rows ascending. `identity` says `pairRow[p] === p` (one target per row: rows are sliced, not gathered).
 */
async function ranksOfPairs(
  scores: tf.Tensor2D,
  pairRow: Int32Array,
  pairItem: Int32Array,
  exPairs: Int32Array,
  exCount: number,
  identity: boolean,
  maxChunkElements = 2 ** 24,
): Promise<Int32Array> {
  const [B, N] = scores.shape;
  const P = pairRow.length;
  const ranks = new Int32Array(P);
  if (P === 0) return ranks;
  // Start of each row's excluded pairs.
  const exStart = new Int32Array(B + 1);
  for (let m = 0; m < exCount; m++) exStart[exPairs[m * 2] + 1]++;
  for (let r = 0; r < B; r++) exStart[r + 1] += exStart[r];

  const chunk = Math.max(1, Math.floor(maxChunkElements / N));
  for (let p0 = 0; p0 < P; p0 += chunk) {
    const p1 = Math.min(P, p0 + chunk);
    const c = p1 - p0;
    // Excluded cells of this chunk, addressed in the chunk's [c, N] comparison.
    let mc = 0;
    for (let p = p0; p < p1; p++) mc += exStart[pairRow[p] + 1] - exStart[pairRow[p]];
    const exIdx = new Int32Array(mc * 2);
    const tIdx = new Int32Array(c * 2);
    for (let p = p0, q = 0; p < p1; p++) {
      const r = pairRow[p];
      tIdx[(p - p0) * 2] = r;
      tIdx[(p - p0) * 2 + 1] = pairItem[p];
      for (let m = exStart[r]; m < exStart[r + 1]; m++, q++) {
        exIdx[q * 2] = p - p0;
        exIdx[q * 2 + 1] = exPairs[m * 2 + 1];
      }
    }
    const [countBelowT, exBelowT] = tf.tidy(() => {
      const rows: tf.Tensor2D =
        identity && c === B
          ? scores
          : identity
            ? tf.slice(scores, [p0, 0], [c, N])
            : tf.gather(scores, tf.tensor1d(pairRow.subarray(p0, p1), 'int32'));
      const t = tf.gatherND(scores, tf.tensor2d(tIdx, [c, 2], 'int32')) as tf.Tensor1D;
      const below = belowTarget(rows, tf.reshape(t, [c, 1]));
      const countBelow = tf.sum(below, 1);
      const exBelow = mc > 0 ? tf.gatherND(below, tf.tensor2d(exIdx, [mc, 2], 'int32')) : null;
      return exBelow ? [countBelow, exBelow] : [countBelow];
    });
    try {
      const [countBelow, exBelow] = await Promise.all([countBelowT.data(), exBelowT ? exBelowT.data() : null]);
      for (let p = p0, q = 0; p < p1; p++) {
        const r = pairRow[p];
        // Candidates not below the target, over the whole row: N − countBelow (includes the target itself).
        let notBelow = N - countBelow[p - p0] - 1;
        for (let m = exStart[r]; m < exStart[r + 1]; m++, q++) notBelow -= 1 - (exBelow as ArrayLike<number>)[q];
        ranks[p] = notBelow;
      }
    } finally {
      countBelowT.dispose();
      exBelowT?.dispose();
    }
  }
  return ranks;
}
