/**
 * Scatter chart with optional connecting lines and point labels (IoI-vs-HR trade-offs, sweeps where
 * both axes are measurements).
 * @module
 */
import { layout, legend, legendWidth, title, xAxis, yAxis } from './frame.js';
import { color } from './palette.js';
import { extent, linearScale } from './scale.js';
import { el, svgDoc, text } from './svg.js';

/** One point, optionally labelled (e.g. the sweep value that produced it) and with error bars. */
export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
  xError?: number;
  yError?: number;
}

/** One series of points. */
export interface ScatterSeries {
  name: string;
  points: readonly ScatterPoint[];
  /** Connect the points in order. */
  line?: boolean;
}

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly ScatterSeries[];
  width?: number;
  height?: number;
}

/** Renders a scatter chart as an SVG string. */
export function scatterChart(o: ScatterChartOptions): string {
  const names = o.series.map((s) => s.name);
  const l = layout(o.width ?? 560, o.height ?? 320, legendWidth(names));
  const pts = o.series.flatMap((s) => s.points);
  const [x0, x1] = extent(pts.flatMap((p) => [p.x - (p.xError ?? 0), p.x + (p.xError ?? 0)]));
  const [y0, y1] = extent(pts.flatMap((p) => [p.y - (p.yError ?? 0), p.y + (p.yError ?? 0)]));
  const x = linearScale(x0, x1, l.left, l.right, { count: 6 });
  const y = linearScale(y0, y1, l.bottom, l.top);
  let body = title(l, o.title) + yAxis(l, y, o.yLabel) + xAxis(l, x, o.xLabel);
  o.series.forEach((s, i) => {
    const c = color(i);
    const ok = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (s.line && ok.length > 1) {
      body += el('polyline', { points: ok.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' '), fill: 'none', stroke: c, 'stroke-width': 1.5 });
    }
    for (const p of ok) {
      if (p.yError) body += el('line', { x1: x(p.x), x2: x(p.x), y1: y(p.y - p.yError), y2: y(p.y + p.yError), stroke: c });
      if (p.xError) body += el('line', { x1: x(p.x - p.xError), x2: x(p.x + p.xError), y1: y(p.y), y2: y(p.y), stroke: c });
      body += el('circle', { cx: x(p.x), cy: y(p.y), r: 4, fill: c, 'fill-opacity': 0.85 }, el('title', {}, `${s.name}${p.label ? ` ${p.label}` : ''}: (${p.x}, ${p.y})`));
      if (p.label) body += text(x(p.x) + 6, y(p.y) - 6, p.label, { 'font-size': 10, fill: '#333' });
    }
  });
  body += legend(l, names, 'box');
  return svgDoc(l.width, l.height, o.title, body);
}
