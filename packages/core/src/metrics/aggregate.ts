/** Mean and spread of one metric over repeated runs (seeds). */
export interface MeanStd {
  /** Arithmetic mean. */
  mean: number;
  /** Sample standard deviation (divisor `n − 1`); 0 when `n = 1`. */
  std: number;
  /** Number of values. */
  n: number;
}

/**
 * Mean and **sample** standard deviation (Bessel's `n − 1` divisor) of a metric over seeds; a single
 * value has `std = 0`. Two-pass, so it stays accurate for values with a large common offset.
 *
 * @param values - one value per run; must be non-empty and contain no `NaN`.
 * @returns `{ mean, std, n }`.
 */
export function meanStd(values: ArrayLike<number>): MeanStd {
  const n = values.length;
  if (n === 0) throw new RangeError('meanStd: values is empty');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) throw new RangeError(`meanStd: values[${i}] is NaN`);
    sum += values[i];
  }
  const mean = sum / n;
  if (n === 1) return { mean, std: 0, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/**
 * {@link meanStd} per metric key over runs: `[{ 'HR@10': 0.5, ... }, { 'HR@10': 0.52, ... }]` →
 * `{ 'HR@10': { mean, std, n }, ... }`. A key missing from some runs is aggregated over the runs that
 * have it (its `n` says how many). Keys keep their first-seen order.
 *
 * @param runs - one metric record per run (e.g. `RankingAccumulator.result()` of each seed).
 */
export function aggregateRuns(runs: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, MeanStd> {
  const byKey = new Map<string, number[]>();
  for (const run of runs) {
    for (const [k, v] of Object.entries(run)) {
      let a = byKey.get(k);
      if (!a) byKey.set(k, (a = []));
      a.push(v);
    }
  }
  const out: Record<string, MeanStd> = {};
  for (const [k, a] of byKey) out[k] = meanStd(a);
  return out;
}

/**
 * Formats `mean ± std` for reports, e.g. `0.4213 ± 0.0031` (`digits` decimals, default 4).
 * @param m - a {@link MeanStd}.
 * @param digits - decimals.
 */
export function formatMeanStd(m: MeanStd, digits = 4): string {
  return `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}`;
}
