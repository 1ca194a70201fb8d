/**
 * Minimal SVG building blocks for the report charts: escaping, elements, number formatting.
 * Charts are static inline SVG strings rendered in Node (no browser, no dependency).
 * @module
 */

/** Escapes text for XML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Attribute values; `undefined` attributes are left out. */
export type Attrs = Record<string, string | number | undefined>;

/**
 * One SVG element as a string.
 * @param tag - element name.
 * @param attrs - attributes (numbers rounded to 2 decimals).
 * @param children - inner markup (already escaped) or nothing for a self-closing element.
 */
export function el(tag: string, attrs: Attrs, children?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${typeof v === 'number' ? num(v) : esc(v as string)}"`)
    .join(' ');
  return children === undefined ? `<${tag} ${a}/>` : `<${tag} ${a}>${children}</${tag}>`;
}

/** A number for coordinates: at most 2 decimals, no trailing zeros. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Text element. */
export function text(x: number, y: number, s: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, esc(s));
}

/** Formats a tick value compactly (`0.05`, `1.2k`, `3e-5`). */
export function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 10_000) return `${Math.round(v / 1000)}k`;
  if (a >= 1000) return `${Math.round(v / 100) / 10}k`;
  if (a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

/** Wraps chart content into a standalone `<svg>` with a viewBox and accessible title. */
export function svgDoc(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">${el('title', {}, esc(title))}${body}</svg>`;
}
