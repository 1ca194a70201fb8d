/**
 * `summary.json`, the machine-readable table: one row per (model, user group, metric) with the mean, the
 * sample standard deviation and the number of seeds, aggregated from the cell records.
 * @module
 */
import type { CellRecord } from '../experiment.js';
import { meanStd } from './stats.js';

/** One row of the summary. */
export interface SummaryRow {
  /** Model name (`SASRec`, `BPR-MF`, `SASRec:ce`). */
  model: string;
  /** User group (`all` unless the experiment breaks users down). */
  group: string;
  /** Metric (`HR@10`, `NDCG@10`, `AUC`, `epoch_s`). */
  metric: string;
  /** Mean over seeds. */
  mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  std: number;
  /** Number of seeds (cells) aggregated. */
  n: number;
}

/** The summary file's schema. */
export interface Summary {
  experiment: string;
  dataset: string;
  protocol: string;
  backend: string;
  rows: SummaryRow[];
}

/**
 * Metrics that measure time or memory rather than quality: they differ between otherwise identical runs,
 * so determinism checks (resume vs uninterrupted) leave them out.
 */
export function isTimingMetric(metric: string): boolean {
  return /^(epoch_s|train_s|eval_s|ms\/step|users\/s|peak_rss_mb|blas_gflops|threads)\b/.test(metric);
}

/**
 * Aggregates records into summary rows. Models, groups and metrics keep their first-seen order in
 * `records` (pass records in the experiment's cell order for a stable file).
 * @param records - finished cells.
 */
export function summarize(
  head: { experiment: string; dataset: string; protocol: string; backend: string },
  records: readonly CellRecord[],
): Summary {
  const values = new Map<string, Map<string, Map<string, number[]>>>();
  for (const r of records) {
    let byGroup = values.get(r.model);
    if (!byGroup) values.set(r.model, (byGroup = new Map()));
    for (const [group, metrics] of Object.entries(r.metrics)) {
      let byMetric = byGroup.get(group);
      if (!byMetric) byGroup.set(group, (byMetric = new Map()));
      for (const [metric, v] of Object.entries(metrics)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        let list = byMetric.get(metric);
        if (!list) byMetric.set(metric, (list = []));
        list.push(v);
      }
    }
  }
  const rows: SummaryRow[] = [];
  for (const [model, byGroup] of values) {
    for (const [group, byMetric] of byGroup) {
      for (const [metric, list] of byMetric) {
        const s = meanStd(list);
        rows.push({ model, group, metric, mean: s.mean, std: s.std, n: s.n });
      }
    }
  }
  return { ...head, rows };
}

/** Looks up one row. */
export function findRow(summary: Summary, model: string, metric: string, group = 'all'): SummaryRow | undefined {
  return summary.rows.find((r) => r.model === model && r.metric === metric && r.group === group);
}

/** Models in row order. */
export function summaryModels(summary: Summary): string[] {
  return [...new Set(summary.rows.map((r) => r.model))];
}

/** Groups in row order (`all` first when present). */
export function summaryGroups(summary: Summary): string[] {
  const g = [...new Set(summary.rows.map((r) => r.group))];
  return g.includes('all') ? ['all', ...g.filter((x) => x !== 'all')] : g;
}

/** Metrics in row order. */
export function summaryMetrics(summary: Summary): string[] {
  return [...new Set(summary.rows.map((r) => r.metric))];
}
