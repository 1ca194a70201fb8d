import { checkK, checkRank } from './check.js';

/**
 * Ranking metrics computed from the **rank of the target**: the 0-based position of a relevant item among
 * the candidates (0 = ranked first).
 *
 * **Ties are counted pessimistically** everywhere in recsuite: a target's rank is the number of *other*
 * candidates whose score is greater than **or equal to** the target's score, i.e. every tied candidate is
 * placed ahead of the target. A model that scores every item the same therefore gets the worst rank, not
 * a lucky one. A `NaN` score cannot be ordered and is also counted pessimistically: a `NaN` candidate is
 * placed ahead of the target, and a target with a `NaN` score gets the last rank.
 *
 * `Infinity` is an allowed rank, meaning "not ranked at all" (for instance a target missing from a
 * recommendation list, see {@link targetRanksInList}); it never counts as a hit.
 *
 * @packageDocumentation
 */

/**
 * Rank of `target` within one row of scores, pessimistic ties, in plain JS (the reference
 * implementation of the tensor evaluators, and handy for small evaluations).
 *
 * `rank = #{ j ≠ target, j ∉ exclude : !(scores[j] < scores[target]) }`
 *
 * The target itself is never excluded, even if it appears in `exclude`.
 *
 * @param scores - score of every candidate (index = item id).
 * @param target - index of the target in `scores`.
 * @param exclude - candidate indices that do not take part (e.g. items the user has already seen).
 * @returns the 0-based pessimistic rank.
 */
export function rankInRow(scores: ArrayLike<number>, target: number, exclude?: Iterable<number>): number {
  if (!Number.isInteger(target) || target < 0 || target >= scores.length) {
    throw new RangeError(`rankInRow: target must be an index in [0, ${scores.length - 1}], got ${target}`);
  }
  const skip = new Set<number>(exclude ?? []);
  skip.delete(target);
  const t = scores[target];
  let rank = 0;
  for (let j = 0; j < scores.length; j++) {
    if (j === target || skip.has(j)) continue;
    if (!(scores[j] < t)) rank++;
  }
  return rank;
}

/**
 * Hit at K for one target: 1 if `rank < k`, else 0.
 * @param rank - 0-based rank of the target.
 * @param k - cut-off.
 */
export function hitAt(rank: number, k: number): number {
  return rank < k ? 1 : 0;
}

/**
 * NDCG at K for a single target: `1 / log2(rank + 2)` if `rank < k`, else 0 (the ideal DCG of one
 * relevant item is 1).
 * @param rank - 0-based rank of the target.
 * @param k - cut-off.
 */
export function ndcgAt(rank: number, k: number): number {
  return rank < k ? 1 / Math.log2(rank + 2) : 0;
}

/**
 * Reciprocal rank `1 / (rank + 1)`, or 0 if `rank >= k` (`k` defaults to `Infinity`: no cut-off).
 * @param rank - 0-based rank of the target.
 * @param k - optional cut-off.
 */
export function reciprocalRank(rank: number, k = Infinity): number {
  return rank < k ? 1 / (rank + 1) : 0;
}

/**
 * HR@K (hit rate): the fraction of rows whose target rank is below `k`.
 * @param ranks - one 0-based target rank per row.
 * @param k - cut-off.
 * @returns the mean hit, `NaN` for no rows.
 */
export function hitRateAtK(ranks: ArrayLike<number>, k: number): number {
  return meanOver('hitRateAtK', ranks, k, hitAt);
}

/**
 * NDCG@K for single-target rows: the mean of `1 / log2(rank + 2)` over rows with `rank < k` (0 otherwise).
 * @param ranks - one 0-based target rank per row.
 * @param k - cut-off.
 * @returns the mean NDCG, `NaN` for no rows.
 */
export function ndcgAtK(ranks: ArrayLike<number>, k: number): number {
  return meanOver('ndcgAtK', ranks, k, ndcgAt);
}

/**
 * MRR (mean reciprocal rank), optionally MRR@K (reciprocal ranks at or beyond `k` count 0).
 * @param ranks - one 0-based target rank per row.
 * @param k - optional cut-off; default none.
 * @returns the mean reciprocal rank, `NaN` for no rows.
 */
export function mrr(ranks: ArrayLike<number>, k = Infinity): number {
  if (k !== Infinity) checkK('mrr', k);
  let sum = 0;
  for (let i = 0; i < ranks.length; i++) {
    checkRank('mrr', ranks[i], `ranks[${i}]`);
    sum += reciprocalRank(ranks[i], k);
  }
  return sum / ranks.length;
}

function meanOver(fn: string, ranks: ArrayLike<number>, k: number, f: (r: number, k: number) => number): number {
  checkK(fn, k);
  let sum = 0;
  for (let i = 0; i < ranks.length; i++) {
    checkRank(fn, ranks[i], `ranks[${i}]`);
    sum += f(ranks[i], k);
  }
  return sum / ranks.length;
}

// ---------------------------------------------------------------------------------------------------
// Multi-target rows (LightGCN-style evaluation: each user has a *set* of held-out items).
// Input is the rank of every target of ONE row, each computed as above (the other targets of the row
// are candidates too, so tied targets push each other down: pessimistic).
// ---------------------------------------------------------------------------------------------------

/** Number of targets ranked below `k`. */
function hitsAt(fn: string, targetRanks: ArrayLike<number>, k: number): number {
  checkK(fn, k);
  if (targetRanks.length === 0) throw new RangeError(`${fn}: a row needs at least one target`);
  let hits = 0;
  for (let i = 0; i < targetRanks.length; i++) {
    checkRank(fn, targetRanks[i], `targetRanks[${i}]`);
    if (targetRanks[i] < k) hits++;
  }
  return hits;
}

/**
 * Recall@K of one multi-target row (LightGCN): `|targets in the top k| / |targets|`.
 * @param targetRanks - the 0-based rank of each of the row's targets (non-empty).
 * @param k - cut-off.
 */
export function recallAtK(targetRanks: ArrayLike<number>, k: number): number {
  return hitsAt('recallAtK', targetRanks, k) / targetRanks.length;
}

/**
 * Precision@K of one multi-target row (LightGCN): `|targets in the top k| / k`.
 * @param targetRanks - the 0-based rank of each of the row's targets (non-empty).
 * @param k - cut-off.
 */
export function precisionAtK(targetRanks: ArrayLike<number>, k: number): number {
  return hitsAt('precisionAtK', targetRanks, k) / k;
}

/**
 * Ideal DCG of `m` relevant items at cut-off `k`: `Σ_{i < min(m, k)} 1 / log2(i + 2)`.
 * @param m - number of relevant items.
 * @param k - cut-off.
 */
export function idealDcg(m: number, k: number): number {
  let s = 0;
  for (let i = 0; i < Math.min(m, k); i++) s += 1 / Math.log2(i + 2);
  return s;
}

/**
 * NDCG@K of one multi-target row with binary relevance:
 * `DCG = Σ_{targets with rank < k} 1 / log2(rank + 2)`, divided by the ideal DCG over
 * `min(|targets|, k)` positions ({@link idealDcg}). With one target it equals {@link ndcgAt}.
 * @param targetRanks - the 0-based rank of each of the row's targets (non-empty).
 * @param k - cut-off.
 */
export function ndcgMultiAtK(targetRanks: ArrayLike<number>, k: number): number {
  hitsAt('ndcgMultiAtK', targetRanks, k);
  let dcg = 0;
  for (let i = 0; i < targetRanks.length; i++) dcg += ndcgAt(targetRanks[i], k);
  return dcg / idealDcg(targetRanks.length, k);
}

/**
 * Turns a recommendation list and a target set into target ranks: the position of each target in
 * `recommended` (0 = first), or `Infinity` when it is not in the list. Feed the result to
 * {@link recallAtK}, {@link precisionAtK}, {@link ndcgMultiAtK} or a {@link RankingAccumulator}.
 * Positions are explicit here, so there are no ties to break.
 *
 * @param recommended - item ids in recommendation order (e.g. from {@link topK}).
 * @param targets - the row's relevant item ids (a set; duplicates throw).
 * @returns one rank per target, in the order of `targets`.
 */
export function targetRanksInList(recommended: ArrayLike<number>, targets: Iterable<number>): Float64Array {
  const pos = new Map<number, number>();
  for (let i = recommended.length - 1; i >= 0; i--) pos.set(recommended[i], i);
  const list = [...targets];
  if (new Set(list).size !== list.length) throw new RangeError('targetRanksInList: targets contain duplicates');
  return Float64Array.from(list, (t) => pos.get(t) ?? Infinity);
}
