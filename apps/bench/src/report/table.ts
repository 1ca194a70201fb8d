/**
 * A plain table (header + string cells) and its three renderings: Markdown, HTML and an aligned terminal
 * table.
 * @module
 */
import { esc } from '../charts/svg.js';

/** A table of already formatted cells. */
export interface Table {
  header: string[];
  rows: string[][];
  /** Column alignment; default: first column left, the rest right. */
  align?: Array<'l' | 'r'>;
  /** Optional caption (a line under the table). */
  caption?: string;
}

const alignOf = (t: Table, j: number): 'l' | 'r' => t.align?.[j] ?? (j === 0 ? 'l' : 'r');

/** Markdown pipe table. */
export function tableToMarkdown(t: Table): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${t.header.map(cell).join(' | ')} |`,
    `|${t.header.map((_, j) => (alignOf(t, j) === 'r' ? '---:' : ':---')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  if (t.caption) lines.push('', t.caption);
  return lines.join('\n');
}

/** HTML table. */
export function tableToHtml(t: Table): string {
  const th = t.header.map((h, j) => `<th class="${alignOf(t, j)}">${esc(h)}</th>`).join('');
  const trs = t.rows.map((r) => `<tr>${r.map((c, j) => `<td class="${alignOf(t, j)}">${esc(c)}</td>`).join('')}</tr>`).join('\n');
  const cap = t.caption ? `<p class="caption">${esc(t.caption)}</p>` : '';
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>${cap}`;
}

/** Display width of a string in a terminal (counts code points; the symbols used here are single-width). */
const width = (s: string): number => [...s].length;

/** Aligned terminal table with box-drawing rules. */
export function tableToText(t: Table): string {
  const w = t.header.map((h, j) => Math.max(width(h), ...t.rows.map((r) => width(r[j] ?? ''))));
  const pad = (s: string, j: number) => {
    const fill = ' '.repeat(Math.max(0, w[j] - width(s)));
    return alignOf(t, j) === 'r' ? fill + s : s + fill;
  };
  const line = (cells: string[]) => `│ ${cells.map((c, j) => pad(c, j)).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string) => `${l}${w.map((x) => '─'.repeat(x + 2)).join(m)}${r}`;
  const out = [rule('┌', '┬', '┐'), line(t.header), rule('├', '┼', '┤'), ...t.rows.map(line), rule('└', '┴', '┘')];
  if (t.caption) out.push(t.caption);
  return out.join('\n');
}
