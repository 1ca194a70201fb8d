/**
 * Seed-paired differences between two models of a run: per seed `a − b` of a metric, with the mean and a
 * 95% t-interval over the seeds both models finished.
 * @module
 */
import type { CellRecord } from '../experiment.js';
import { meanStd } from './stats.js';

/** Two-sided 95% Student t quantiles by degrees of freedom (1–20); 1.96 beyond. */
const T95 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];

/** The 97.5% quantile of Student's t with `df` degrees of freedom (normal beyond 20). */
export const tCrit = (df: number): number => (df < T95.length ? T95[df] : 1.96);

/** Records of one model by seed. */
export function recordsBySeed(records: readonly CellRecord[], model: string): Map<number, CellRecord> {
  return new Map(records.filter((r) => r.model === model).map((r) => [r.seed, r]));
}

/** A seed-paired difference: the shared seeds, the per-seed differences, mean and 95% t-interval. */
export interface SeedPaired {
  seeds: number[];
  d: number[];
  mean: number;
  lo: number;
  hi: number;
  n: number;
  /** On how many of the shared seeds `a` is ahead (`d > 0`). */
  ahead: number;
}

/**
 * Per-seed paired difference `a − b` of `metric` (in user group `group`): mean and 95% t-interval over
 * the seeds where both models have the metric (`NaN` bounds with fewer than 2 seeds).
 */
export function seedPaired(records: readonly CellRecord[], a: string, b: string, metric: string, group = 'all'): SeedPaired {
  const A = recordsBySeed(records, a);
  const B = recordsBySeed(records, b);
  const seeds = [...A.keys()].filter((s) => B.has(s) && A.get(s)!.metrics[group]?.[metric] !== undefined && B.get(s)!.metrics[group]?.[metric] !== undefined).sort((x, y) => x - y);
  const d = seeds.map((s) => A.get(s)!.metrics[group][metric] - B.get(s)!.metrics[group][metric]);
  const { mean, std, n } = meanStd(d);
  const half = n > 1 ? (tCrit(n - 1) * std) / Math.sqrt(n) : NaN;
  return { seeds, d, mean, lo: mean - half, hi: mean + half, n, ahead: d.filter((x) => x > 0).length };
}
