/**
 * Series colours of the report charts (colour-blind-friendly, Okabe–Ito order), stable by series index.
 * @module
 */
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#7F7F7F', '#8C564B'];

/** Colour of the `i`-th series. */
export function color(i: number): string {
  return COLORS[((i % COLORS.length) + COLORS.length) % COLORS.length];
}
