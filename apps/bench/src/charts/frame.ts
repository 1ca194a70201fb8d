/**
 * Shared chart frame: plot area, grid lines, axes with ticks and labels, title and legend.
 * @module
 */
import { color } from './palette.js';
import type { Scale } from './scale.js';
import { el, fmtTick, text } from './svg.js';

/** Pixel layout of a chart. */
export interface Layout {
  width: number;
  height: number;
  /** Plot area. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Default layout for a `width × height` chart with room for axes, title and a legend on the right. */
export function layout(width: number, height: number, legendWidth = 0): Layout {
  return { width, height, left: 56, right: width - 16 - legendWidth, top: 30, bottom: height - 42 };
}

/** Title centred above the plot. */
export function title(l: Layout, s: string): string {
  return text((l.left + l.right) / 2, 18, s, { 'text-anchor': 'middle', 'font-weight': 600, 'font-size': 13 });
}

/** Horizontal grid lines and y tick labels for scale `y`, plus the y-axis label. */
export function yAxis(l: Layout, y: Scale, label?: string): string {
  let out = '';
  for (const t of y.ticks) {
    const py = y(t);
    out += el('line', { x1: l.left, x2: l.right, y1: py, y2: py, stroke: '#e3e3e3' });
    out += text(l.left - 6, py + 4, fmtTick(t), { 'text-anchor': 'end', fill: '#555' });
  }
  out += el('line', { x1: l.left, x2: l.left, y1: l.top, y2: l.bottom, stroke: '#999' });
  if (label) {
    const cy = (l.top + l.bottom) / 2;
    out += text(14, cy, label, { 'text-anchor': 'middle', transform: `rotate(-90 14 ${cy})`, fill: '#333' });
  }
  return out;
}

/** x axis line, numeric ticks for scale `x` and the x-axis label. */
export function xAxis(l: Layout, x: Scale, label?: string): string {
  let out = el('line', { x1: l.left, x2: l.right, y1: l.bottom, y2: l.bottom, stroke: '#999' });
  for (const t of x.ticks) {
    const px = x(t);
    out += el('line', { x1: px, x2: px, y1: l.bottom, y2: l.bottom + 4, stroke: '#999' });
    out += text(px, l.bottom + 16, fmtTick(t), { 'text-anchor': 'middle', fill: '#555' });
  }
  if (label) out += text((l.left + l.right) / 2, l.height - 6, label, { 'text-anchor': 'middle', fill: '#333' });
  return out;
}

/** Legend entries stacked at the right of the plot area. */
export function legend(l: Layout, names: readonly string[], marker: 'line' | 'box' = 'line', colors?: readonly string[]): string {
  let out = '';
  names.forEach((name, i) => {
    const x = l.right + 12;
    const y = l.top + 6 + i * 18;
    out +=
      marker === 'line'
        ? el('line', { x1: x, x2: x + 16, y1: y, y2: y, stroke: colors?.[i] ?? color(i), 'stroke-width': 2.5 })
        : el('rect', { x, y: y - 6, width: 12, height: 12, fill: colors?.[i] ?? color(i) });
    out += text(x + 22, y + 4, name, { fill: '#222' });
  });
  return out;
}

/** Legend width that fits the longest name. */
export function legendWidth(names: readonly string[]): number {
  return names.length === 0 ? 0 : 40 + 7 * Math.max(...names.map((n) => n.length));
}
