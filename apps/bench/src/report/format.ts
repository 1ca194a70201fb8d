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

/** `mean ± std` of a summary row (the std left out for one seed), or `—` when absent. */
export function fmtRow(row: SummaryRow | undefined, digits: number): string {
  if (!row || !Number.isFinite(row.mean)) return '—';
  return fmtMeanStd(row, digitsFor(row.metric, digits));
}

/**
 * `mean ± std` over `n` values; the mean alone for one value (a single seed has no spread to show), `—`
 * for none. A non-finite part prints as `—`.
 */
export function fmtMeanStd(s: { mean: number; std: number; n: number }, digits: number): string {
  if (s.n > 1) return `${fmtValue(s.mean, digits)} ± ${fmtValue(s.std, digits)}`;
  return s.n === 1 ? fmtValue(s.mean, digits) : '—';
}

/** A single value, or `—`. */
export function fmtValue(v: number | undefined, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** A signed value (`+0.0034`, `-0.0012`), or `—` when not finite. */
export function fmtSigned(x: number, digits = 4): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(digits)}` : '—';
}

/** An interval of signed values, `[lo, hi]`. */
export function fmtCi(lo: number, hi: number, digits = 4): string {
  return `[${fmtSigned(lo, digits)}, ${fmtSigned(hi, digits)}]`;
}

/**
 * A difference with its interval, `+0.0034 [-0.0012, +0.0080]`; with `n` given and below 2 (one seed, no
 * interval) the mean alone.
 */
export function fmtDiff(p: { mean: number; lo: number; hi: number; n?: number }, digits = 4): string {
  return p.n !== undefined && p.n < 2 ? fmtSigned(p.mean, digits) : `${fmtSigned(p.mean, digits)} ${fmtCi(p.lo, p.hi, digits)}`;
}
