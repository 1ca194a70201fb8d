/**
 * Grouped bar chart with error bars (metric means ± std over seeds, one bar per model, optionally one
 * group of bars per metric or dataset).
 * @module
 */
import { layout, legend, legendWidth, title, yAxis } from './frame.js';
import { color } from './palette.js';
import { extent, linearScale } from './scale.js';
import { el, fmtTick, svgDoc, text } from './svg.js';

/** One bar: a mean and the half-length of its error bar (e.g. the std; 0 or omitted for none). */
export interface Bar {
  value: number;
  error?: number;
}

/** One series: a bar in every category (`null` leaves a gap). */
export interface BarSeries {
  name: string;
  bars: ReadonlyArray<Bar | null>;
  /** Colour (default: the palette colour of the series index). */
  color?: string;
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title: string;
  /** Category labels along x (one group of bars each). */
  categories: readonly string[];
  series: readonly BarSeries[];
  yLabel?: string;
  width?: number;
  height?: number;
  /** Write each bar's value above it (default true when there are ≤ 12 bars). */
  labels?: boolean;
  /** With a single series: a colour per category (default: palette by category index). */
  categoryColors?: readonly string[];
}

/** Renders a grouped bar chart with error bars as an SVG string. */
export function barChart(o: BarChartOptions): string {
  const single = o.series.length === 1;
  const names = single ? [] : o.series.map((s) => s.name);
  const l = layout(o.width ?? 560, o.height ?? 300, legendWidth(names));
  const vals = o.series.flatMap((s) => s.bars.flatMap((b) => (b ? [b.value + (b.error ?? 0), b.value - (b.error ?? 0)] : [])));
  const [lo, hi] = extent(vals);
  const y = linearScale(Math.min(lo, 0), hi, l.bottom, l.top, { zero: true });
  let body = title(l, o.title) + yAxis(l, y, o.yLabel);
  body += el('line', { x1: l.left, x2: l.right, y1: l.bottom, y2: l.bottom, stroke: '#999' });
  const nCat = Math.max(1, o.categories.length);
  const groupW = (l.right - l.left) / nCat;
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, o.series.length));
  const nBars = o.series.length * o.categories.length;
  const showLabels = o.labels ?? nBars <= 12;
  o.categories.forEach((cat, ci) => {
    const gx = l.left + ci * groupW + (groupW - barW * o.series.length) / 2;
    o.series.forEach((s, si) => {
      const b = s.bars[ci];
      if (!b || !Number.isFinite(b.value)) return;
      const x = gx + si * barW;
      const y0 = y(0);
      const yv = y(b.value);
      const c = single ? (o.categoryColors?.[ci] ?? color(ci)) : (s.color ?? color(si));
      body += el('rect', { x: x + 1, y: Math.min(y0, yv), width: barW - 2, height: Math.abs(y0 - yv), fill: c }, el('title', {}, `${s.name} ${cat}: ${fmtTick(b.value)}${b.error ? ` ± ${fmtTick(b.error)}` : ''}`));
      const err = b.error ?? 0;
      if (err > 0) {
        const cx = x + barW / 2;
        const ya = y(b.value + err);
        const yb = y(b.value - err);
        body += el('line', { x1: cx, x2: cx, y1: ya, y2: yb, stroke: '#222', 'stroke-width': 1.2 });
        body += el('line', { x1: cx - 4, x2: cx + 4, y1: ya, y2: ya, stroke: '#222', 'stroke-width': 1.2 });
        body += el('line', { x1: cx - 4, x2: cx + 4, y1: yb, y2: yb, stroke: '#222', 'stroke-width': 1.2 });
      }
      if (showLabels) body += text(x + barW / 2, Math.min(yv, y(b.value + err)) - 4, fmtTick(b.value), { 'text-anchor': 'middle', 'font-size': 10, fill: '#333' });
    });
    body += text(l.left + ci * groupW + groupW / 2, l.bottom + 16, cat, { 'text-anchor': 'middle', fill: '#333' });
  });
  body += legend(l, names, 'box', o.series.map((s, i) => s.color ?? color(i)));
  return svgDoc(l.width, l.height, o.title, body);
}
