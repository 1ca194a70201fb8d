/**
 * Number formatting for reports: `mean ± std`, integers, seconds.
 * @module
 */
import type { SummaryRow } from '../runner/summary.js';

/** Digits to show for a metric: quality metrics get `digits`, counts and timings fewer. */
export function digitsFor(metric: string, digits: number): number {
  if (/^(epochs|best_epoch)$/.test(metric)) return 1;
  if (/^(epoch_s|train_s|eval_s|ms\/step|users\/s|peak_rss_mb)/.test(metric)) return 1;
  if (/ratio/.test(metric)) return 2;
  return digits;
}

/** `mean ± std` (the std left out for one seed), or `—` when absent. */
export function fmtRow(row: SummaryRow | undefined, digits: number): string {
  if (!row || !Number.isFinite(row.mean)) return '—';
  const d = digitsFor(row.metric, digits);
  return row.n > 1 ? `${row.mean.toFixed(d)} ± ${row.std.toFixed(d)}` : row.mean.toFixed(d);
}

/** A single value, or `—`. */
export function fmtValue(v: number | undefined, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}
