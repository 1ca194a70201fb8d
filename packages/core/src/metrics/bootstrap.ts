import { Rng } from '../tensor/rng.js';
import { checkSameLength } from './check.js';

/** Options for {@link pairedBootstrap}. */
export interface PairedBootstrapOptions {
  /** Number of bootstrap resamples. Default 1000. */
  resamples?: number;
  /** Seed of the resampling `Rng`: equal seeds give equal intervals. Default 0. */
  seed?: number;
  /** `1 − confidence`: the interval is the `[α/2, 1 − α/2]` percentile interval. Default 0.05 (95 %). */
  alpha?: number;
}

/** Result of {@link pairedBootstrap}. */
export interface PairedBootstrapResult {
  /** Observed difference of means, `mean(a) − mean(b)`. */
  diff: number;
  /** Lower end of the percentile interval. */
  lo: number;
  /** Upper end of the percentile interval. */
  hi: number;
}

/**
 * Paired per-user bootstrap confidence interval for the difference between two models evaluated on the
 * same users: `a[i]` and `b[i]` are the two models' metric values for user `i` (e.g.
 * `RankingAccumulator.values('NDCG@10')` of each model, same rows in the same order).
 *
 * Each resample draws `n` users with replacement (with {@link Rng}`(seed)`) and takes the mean of the
 * per-user differences `a[i] − b[i]` over the draw; the interval is the percentile interval of those
 * means at `α/2` and `1 − α/2` (linear interpolation between order statistics, as NumPy's default).
 * Pairing keeps the between-user variance out of the comparison, which is why it is much tighter than
 * comparing two unpaired intervals. Deterministic for a given seed. Costs `resamples · n` draws.
 *
 * @param a - per-user values of model A.
 * @param b - per-user values of model B (same users, same order).
 * @param opts - resamples, seed, alpha.
 * @returns the observed difference of means and its interval.
 */
export function pairedBootstrap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: PairedBootstrapOptions = {},
): PairedBootstrapResult {
  checkSameLength('pairedBootstrap', ['a', 'b'], a, b);
  const n = a.length;
  if (n === 0) throw new RangeError('pairedBootstrap: no users');
  const resamples = opts.resamples ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`pairedBootstrap: resamples must be a positive integer, got ${resamples}`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`pairedBootstrap: alpha must be in (0, 1), got ${alpha}`);
  const d = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    d[i] = a[i] - b[i];
    if (!Number.isFinite(d[i])) throw new RangeError(`pairedBootstrap: a[${i}] − b[${i}] is not finite (${a[i]} − ${b[i]})`);
    sum += d[i];
  }
  const rng = new Rng(opts.seed ?? 0);
  const means = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    let t = 0;
    for (let i = 0; i < n; i++) t += d[rng.int(n)];
    means[s] = t / n;
  }
  means.sort();
  return { diff: sum / n, lo: quantile(means, alpha / 2), hi: quantile(means, 1 - alpha / 2) };
}

/** Quantile `q` of sorted values, linear interpolation (Hyndman–Fan type 7). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
