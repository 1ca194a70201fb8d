import { checkSameLength } from './check.js';

/**
 * Area under the ROC curve of binary `labels` (0 or 1) given real-valued `scores` (higher = more likely
 * positive), computed exactly as the Mann–Whitney U statistic:
 *
 * `AUC = (Σ_{positives} rank − P(P+1)/2) / (P·N)`, with 1-based ascending ranks.
 *
 * **Ties** get the average of the ranks they span, which is the same as counting every tied
 * (positive, negative) pair as one half. So a model that gives every row the same score has AUC 0.5, and
 * the value matches scikit-learn's `roc_auc_score`.
 *
 * Returns `NaN` when only one class is present (AUC is undefined). O(n log n).
 *
 * @param labels - 0/1 per row; any other value throws a `RangeError`.
 * @param scores - one finite or infinite score per row; `NaN` throws a `RangeError`.
 * @returns the AUC in `[0, 1]`, or `NaN` if all labels are equal.
 */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkSameLength('auc', ['labels', 'scores'], labels, scores);
  const idx = new Int32Array(labels.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return aucOfRows('auc', labels, scores, idx);
}

/** Per-user breakdown returned by {@link gaucDetailed}. */
export interface GaucResult {
  /** The GAUC (`NaN` if no user has both classes). */
  value: number;
  /** Users that have both a positive and a negative row, and so enter the average. */
  usersUsed: number;
  /** Users skipped because all their rows have the same label. */
  usersSkipped: number;
  /** Rows (impressions) of the users used: the denominator of the weights. */
  impressionsUsed: number;
}

/**
 * Group AUC (as in DIN, Zhou et al. 2018): the AUC computed per user, then averaged with each user
 * weighted by their number of impressions (rows):
 *
 * `GAUC = Σ_u n_u · AUC_u / Σ_u n_u`
 *
 * Users whose rows all have the same label have no AUC and are **skipped** (neither their AUC nor their
 * weight enters the average). Ties inside a user count one half, as in {@link auc}.
 *
 * @param users - the user of each row (any number or string key).
 * @param labels - 0/1 per row.
 * @param scores - score per row.
 * @returns GAUC, or `NaN` when no user has both classes.
 */
export function gauc(users: ArrayLike<number | string>, labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return gaucDetailed(users, labels, scores).value;
}

/**
 * {@link gauc} with the number of users used and skipped, for reports.
 *
 * @param users - the user of each row.
 * @param labels - 0/1 per row.
 * @param scores - score per row.
 * @returns the GAUC and how many users and impressions it averages over.
 */
export function gaucDetailed(
  users: ArrayLike<number | string>,
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): GaucResult {
  checkSameLength('gauc', ['users', 'labels'], users, labels);
  checkSameLength('gauc', ['labels', 'scores'], labels, scores);
  const n = labels.length;
  // Bucket rows by user in two passes (counts, then fill) to avoid one JS array per user.
  const userIndex = new Map<number | string, number>();
  const rowUser = new Int32Array(n);
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    let u = userIndex.get(users[i]);
    if (u === undefined) {
      u = counts.length;
      userIndex.set(users[i], u);
      counts.push(0);
    }
    rowUser[i] = u;
    counts[u]++;
  }
  const start = new Int32Array(counts.length + 1);
  for (let u = 0; u < counts.length; u++) start[u + 1] = start[u] + counts[u];
  const fill = start.slice(0, counts.length);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[fill[rowUser[i]]++] = i;

  let num = 0;
  let den = 0;
  let used = 0;
  for (let u = 0; u < counts.length; u++) {
    const a = aucOfRows('gauc', labels, scores, rows.subarray(start[u], start[u + 1]));
    if (Number.isNaN(a)) continue;
    num += counts[u] * a;
    den += counts[u];
    used++;
  }
  return { value: den > 0 ? num / den : NaN, usersUsed: used, usersSkipped: counts.length - used, impressionsUsed: den };
}

/** Mann–Whitney AUC over the rows listed in `idx` (sorted in place by score). */
function aucOfRows(fn: string, labels: ArrayLike<number>, scores: ArrayLike<number>, idx: Int32Array): number {
  let pos = 0;
  for (let t = 0; t < idx.length; t++) {
    const i = idx[t];
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new RangeError(`${fn}: labels[${i}] must be 0 or 1, got ${y}`);
    if (Number.isNaN(scores[i])) throw new RangeError(`${fn}: scores[${i}] is NaN`);
    pos += y;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  idx.sort((i, j) => scores[i] - scores[j] || 0);
  // Walk runs of equal scores; each run of ranks lo+1..hi gets the average rank (lo + 1 + hi) / 2.
  let rankSumPos = 0;
  for (let lo = 0; lo < idx.length; ) {
    const s = scores[idx[lo]];
    let hi = lo + 1;
    while (hi < idx.length && scores[idx[hi]] === s) hi++;
    let p = 0;
    for (let t = lo; t < hi; t++) p += labels[idx[t]];
    rankSumPos += (p * (lo + 1 + hi)) / 2;
    lo = hi;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
