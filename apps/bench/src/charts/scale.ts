/**
 * Linear scales and "nice" ticks for the report charts.
 * @module
 */

/** Maps a data interval onto a pixel interval. */
export interface Scale {
  (v: number): number;
  /** Data interval after niceness. */
  domain: [number, number];
  /** Tick values within the domain. */
  ticks: number[];
}

/**
 * Round tick values covering `[min, max]`, about `count` of them (steps of 1, 2, 2.5 or 5 × 10^k).
 * @param min - smallest data value.
 * @param max - largest data value.
 * @param count - about how many ticks.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= d;
    max += d;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) out.push(Math.round(v / step) * step);
  return out.map((v) => Number(v.toPrecision(12)));
}

/**
 * A linear scale from data `[lo, hi]` (extended to nice ticks) to pixels `[p0, p1]`.
 * @param lo - smallest data value.
 * @param hi - largest data value.
 * @param p0 - pixel for the domain's start.
 * @param p1 - pixel for the domain's end.
 * @param opts - `zero`: include 0 in the domain; `count`: about how many ticks; `integer`: whole-number ticks only.
 */
export function linearScale(
  lo: number,
  hi: number,
  p0: number,
  p1: number,
  opts: { zero?: boolean; count?: number; integer?: boolean } = {},
): Scale {
  if (opts.zero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  let ticks = niceTicks(lo, hi, opts.count ?? 5);
  if (opts.integer) {
    const whole = ticks.filter((t) => Number.isInteger(t));
    ticks = whole.length >= 2 ? whole : [Math.floor(lo), Math.floor(lo) + Math.max(1, Math.ceil(hi - Math.floor(lo)))];
  }
  const d0 = ticks[0];
  const d1 = ticks[ticks.length - 1];
  const span = d1 - d0 || 1;
  const f = ((v: number) => p0 + ((v - d0) / span) * (p1 - p0)) as Scale;
  f.domain = [d0, d1];
  f.ticks = ticks;
  return f;
}

/** Smallest and largest finite value (or `[0, 1]` for none). */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
