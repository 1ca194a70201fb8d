/**
 * Line chart (training curves, sweeps): one polyline per series, optional shaded band (e.g. ± std) and
 * point markers.
 * @module
 */
import { layout, legend, legendWidth, title, xAxis, yAxis } from './frame.js';
import { color } from './palette.js';
import { extent, linearScale } from './scale.js';
import { el, svgDoc } from './svg.js';

/** One line. */
export interface LineSeries {
  /** Legend name. */
  name: string;
  /** Points `[x, y]`, drawn in order; non-finite y breaks the line. */
  points: ReadonlyArray<readonly [number, number]>;
  /** Optional band `[x, low, high]` shaded behind the line. */
  band?: ReadonlyArray<readonly [number, number, number]>;
  /** Dashed line (e.g. a reference). */
  dashed?: boolean;
  /** Colour (default: the palette colour of the series index). */
  color?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly LineSeries[];
  /** Pixel width (default 560). */
  width?: number;
  /** Pixel height (default 300). */
  height?: number;
  /** Draw point markers (default true when a series has ≤ 30 points). */
  markers?: boolean;
  /** Include 0 in the y range. */
  yZero?: boolean;
}

/** Renders a line chart as an SVG string. */
export function lineChart(o: LineChartOptions): string {
  const names = o.series.map((s) => s.name);
  const l = layout(o.width ?? 560, o.height ?? 300, legendWidth(names));
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.band ?? []).flatMap((b) => [b[1], b[2]])]);
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const x = linearScale(x0, x1, l.left, l.right, { count: 6, integer: xs.every((v) => Number.isInteger(v)) });
  const y = linearScale(y0, y1, l.bottom, l.top, { zero: o.yZero });
  let body = title(l, o.title) + yAxis(l, y, o.yLabel) + xAxis(l, x, o.xLabel);
  o.series.forEach((s, i) => {
    const c = s.color ?? color(i);
    if (s.band && s.band.length > 1) {
      const up = s.band.map((b) => `${x(b[0]).toFixed(1)},${y(b[2]).toFixed(1)}`);
      const down = [...s.band].reverse().map((b) => `${x(b[0]).toFixed(1)},${y(b[1]).toFixed(1)}`);
      body += el('polygon', { points: [...up, ...down].join(' '), fill: c, 'fill-opacity': 0.15, stroke: 'none' });
    }
    const segments: string[][] = [[]];
    for (const [px, py] of s.points) {
      if (!Number.isFinite(py)) {
        if (segments[segments.length - 1].length) segments.push([]);
        continue;
      }
      segments[segments.length - 1].push(`${x(px).toFixed(1)},${y(py).toFixed(1)}`);
    }
    for (const seg of segments) {
      if (seg.length > 1) {
        body += el('polyline', { points: seg.join(' '), fill: 'none', stroke: c, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '5 4' : undefined });
      }
    }
    if (o.markers ?? s.points.length <= 30) {
      for (const [px, py] of s.points) if (Number.isFinite(py)) body += el('circle', { cx: x(px), cy: y(py), r: 2.5, fill: c });
    }
  });
  body += legend(l, names, 'line', o.series.map((s, i) => s.color ?? color(i)));
  return svgDoc(l.width, l.height, o.title, body);
}
