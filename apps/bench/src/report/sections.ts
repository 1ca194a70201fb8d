/**
 * Report content as sections (a title, text lines, tables, SVG charts), rendered to Markdown (charts left
 * out) and HTML. {@link standardSections} builds the usual ones from a summary: the results table with
 * reference numbers beside ours, per-group tables, the remaining metrics, bar charts with error bars and
 * training curves.
 * @module
 */
import { barChart } from '../charts/barChart.js';
import { lineChart, type LineSeries } from '../charts/lineChart.js';
import { color } from '../charts/palette.js';
import type { CellRecord, Display, SelectionInfo } from '../experiment.js';
import { findRow, summaryGroups, summaryMetrics, summaryModels, type Summary } from '../runner/summary.js';
import { meanStd } from '../runner/stats.js';
import { fmtRow, fmtValue } from './format.js';
import type { Table } from './table.js';

/** A model's chart colour: by its position in the summary, the same in every chart of a report. */
export function modelColor(models: readonly string[], model: string): string {
  return color(Math.max(0, models.indexOf(model)));
}

/** One section of a report. */
export interface ReportSection {
  title: string;
  /** Paragraph lines (Markdown: `- ` bullets and `code` allowed). */
  text?: string[];
  tables?: Table[];
  /** Inline SVG charts (HTML only). */
  charts?: string[];
}

/**
 * The main results table: one row per model, `mean ± std` per display metric, and a `ref` column beside
 * each metric the reference has a number for.
 */
export function resultsTable(summary: Summary, display: Display, group = 'all'): Table {
  if (display.table && group === 'all') return display.table(summary);
  const digits = display.digits ?? 4;
  const ref = display.reference;
  const present = new Set(summaryMetrics(summary));
  const metrics = display.metrics.filter((m) => present.has(m));
  const header = ['model'];
  for (const m of metrics) {
    header.push(m);
    if (ref && Object.values(ref.values).some((v) => v[m] !== undefined)) header.push(`${m} ref`);
  }
  const models = summaryModels(summary);
  const seeds: number[] = []; // per model, the most seeds behind any of its cells
  const rows = models.map((model) => {
    const cells = [model];
    let n = 0;
    for (const m of metrics) {
      const row = findRow(summary, model, m, group);
      n = Math.max(n, row?.n ?? 0);
      cells.push(fmtRow(row, digits));
      if (ref && Object.values(ref.values).some((v) => v[m] !== undefined)) cells.push(fmtValue(ref.values[model]?.[m], digits));
    }
    seeds.push(n);
    return cells;
  });
  const caption = [
    `mean ± std over ${seedCountText(models, seeds)}${group !== 'all' ? `, users in group "${group}"` : ''}`,
    ref ? `ref: ${ref.source}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { header, rows, caption };
}

/**
 * How many seeds the table's means are over: one count when every model has the same, else each model's
 * own count, so a partial run never reads as complete.
 */
function seedCountText(models: readonly string[], seeds: readonly number[]): string {
  const k = seeds[0] ?? 0;
  if (seeds.every((n) => n === k)) return `${k} seed${k === 1 ? '' : 's'}`;
  return `the seeds each model ran (${models.map((model, i) => `${model} ${seeds[i]}`).join(', ')})`;
}

/** Metrics not in the main table (group `all`), one row per model. */
function otherMetricsTable(summary: Summary, display: Display): Table | null {
  if (display.table) return null;
  const shown = new Set(display.metrics);
  const metrics = summaryMetrics(summary).filter((m) => !shown.has(m) && summary.rows.some((r) => r.metric === m && r.group === 'all'));
  if (metrics.length === 0) return null;
  const digits = display.digits ?? 4;
  return {
    header: ['model', ...metrics],
    rows: summaryModels(summary).map((model) => [model, ...metrics.map((m) => fmtRow(findRow(summary, model, m), digits))]),
  };
}

/** Mean (± std band) of a per-epoch quantity over a model's seeds. */
function curveSeries(summaryModels0: readonly string[], records: readonly CellRecord[], model: string, pick: (e: NonNullable<CellRecord['curve']>[number]) => number | undefined): LineSeries | null {
  const byEpoch = new Map<number, number[]>();
  for (const r of records) {
    if (r.model !== model) continue;
    for (const e of r.curve ?? []) {
      const v = pick(e);
      if (v === undefined || !Number.isFinite(v)) continue;
      const list = byEpoch.get(e.epoch) ?? [];
      list.push(v);
      byEpoch.set(e.epoch, list);
    }
  }
  if (byEpoch.size === 0) return null;
  const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
  const stats = epochs.map((ep) => ({ ep, ...meanStd(byEpoch.get(ep)!) }));
  return {
    name: model,
    color: modelColor(summaryModels0, model),
    points: stats.map((s) => [s.ep, s.mean] as const),
    band: stats.some((s) => s.n > 1) ? stats.map((s) => [s.ep, s.mean - s.std, s.mean + s.std] as const) : undefined,
  };
}

/** Training-curve charts: training loss and the validation metric per epoch, mean over seeds ± std. */
export function curveCharts(summary: Summary, records: readonly CellRecord[], display: Display): string[] {
  const models = summaryModels(summary);
  const out: string[] = [];
  const loss = models.map((m) => curveSeries(models, records, m, (e) => e.loss)).filter((s): s is LineSeries => s !== null && s.points.length > 1);
  if (loss.length) out.push(lineChart({ title: 'Training loss per epoch (mean over seeds, band ± std)', xLabel: 'epoch', yLabel: 'loss', series: loss }));
  const vm = display.curveMetric;
  if (vm) {
    const valid = models.map((m) => curveSeries(models, records, m, (e) => e.valid?.[vm])).filter((s): s is LineSeries => s !== null && s.points.length > 1);
    if (valid.length) out.push(lineChart({ title: `Validation ${vm} per epoch (mean over seeds, band ± std)`, xLabel: 'epoch', yLabel: vm, series: valid, yZero: true }));
  }
  return out;
}

/** Bar charts (mean with ± std error bars) of the chart metrics, one bar per model. */
export function metricBarCharts(summary: Summary, display: Display): string[] {
  const present = new Set(summaryMetrics(summary));
  const metrics = (display.chartMetrics ?? display.metrics.slice(0, 2)).filter((m) => present.has(m));
  const models = summaryModels(summary);
  return metrics.map((m) =>
    barChart({
      title: `${m} (mean ± std over seeds)`,
      categories: models,
      series: [{ name: m, bars: models.map((model) => {
        const r = findRow(summary, model, m);
        return r ? { value: r.mean, error: r.std } : null;
      }) }],
      yLabel: m,
      categoryColors: models.map((model) => modelColor(models, model)),
      width: Math.max(420, 90 * models.length + 100),
    }),
  );
}

/**
 * Models whose selected epoch was the last one trained without an early stop: validation was still at its
 * best when the epoch cap ended training, so these figures are at a fixed budget, not at convergence.
 * One row per such model (its cells at the cap out of its cells); null when no cell hit the cap. Cells
 * trained without validation (nothing selected an epoch) are not counted.
 */
export function epochCapSection(records: readonly CellRecord[]): ReportSection | null {
  const byModel = new Map<string, { at: number[]; of: number; cap: number }>();
  for (const r of records) {
    const info = r.info as Partial<SelectionInfo> | undefined;
    if (typeof info?.bestEpoch !== 'number' || typeof info.epochsRun !== 'number') continue;
    const m = byModel.get(r.model) ?? { at: [], of: 0, cap: 0 };
    m.of += 1;
    const validatedThere = (r.curve ?? []).some((e) => e.epoch === info.bestEpoch && e.valid !== undefined);
    if (info.stoppedEarly === false && info.bestEpoch === info.epochsRun && validatedThere) {
      m.at.push(r.seed);
      m.cap = Math.max(m.cap, info.epochsRun);
    }
    byModel.set(r.model, m);
  }
  const rows = [...byModel.entries()].filter(([, m]) => m.at.length > 0).map(([model, m]) => [model, `${m.at.length}/${m.of}`, m.at.sort((a, b) => a - b).join(', '), String(m.cap)]);
  if (!rows.length) return null;
  return {
    title: 'Epoch cap reached',
    text: [
      "These models' selected epoch was their last: validation was still at its best when the epoch cap ended training (no early stop). Their figures are at a fixed training budget and may rise with more epochs; a comparison with them is a comparison at that budget.",
    ],
    tables: [{ header: ['model', 'cells at the cap', 'seeds', 'cap (epochs)'], rows }],
  };
}

/** The standard sections: results, per-group results, other metrics, charts, the epoch-cap note. */
export function standardSections(summary: Summary, records: readonly CellRecord[], display: Display): ReportSection[] {
  const out: ReportSection[] = [];
  out.push({ title: 'Results', tables: [resultsTable(summary, display)], charts: metricBarCharts(summary, display) });
  const groups = summaryGroups(summary).filter((g) => g !== 'all');
  if (groups.length) out.push({ title: 'Results by user group', tables: groups.map((g) => ({ ...resultsTable(summary, { ...display, reference: undefined }, g) })) });
  const other = otherMetricsTable(summary, display);
  if (other) out.push({ title: 'Other measurements', tables: [other] });
  const curves = curveCharts(summary, records, display);
  if (curves.length) out.push({ title: 'Training curves', charts: curves, text: ['Per-epoch training loss and validation metric, mean over seeds with a ± std band (HTML report).'] });
  const cap = epochCapSection(records);
  if (cap) out.push(cap);
  return out;
}
