/**
 * `report.html`: a self-contained page (inline CSS and SVG, no scripts, no network) with the same tables
 * as the Markdown report plus the charts.
 * @module
 */
import { esc } from '../charts/svg.js';
import { headerLines, type ReportMeta } from './meta.js';
import type { ReportSection } from './sections.js';
import { tableToHtml } from './table.js';

/** Inline Markdown of report text: `code`, **bold**, escaped otherwise. */
function inline(s: string): string {
  return esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/_([^_]+)_$/g, '<em>$1</em>');
}

/** Paragraph lines: `- ` bullets become a list, other lines paragraphs. */
function lines(ls: readonly string[]): string {
  let out = '';
  let inList = false;
  for (const l of ls) {
    if (l.startsWith('- ')) {
      if (!inList) out += '<ul>';
      inList = true;
      out += `<li>${inline(l.slice(2))}</li>`;
    } else {
      if (inList) out += '</ul>';
      inList = false;
      if (l.trim()) out += `<p>${inline(l)}</p>`;
    }
  }
  return inList ? `${out}</ul>` : out;
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0;font-variant-numeric:tabular-nums}th,td{padding:.3em .7em;border-bottom:1px solid #e5e5e5}
th{background:#f6f6f6}.r{text-align:right}.l{text-align:left}.caption{color:#666;font-size:.9em;margin-top:-.3em}
code{background:#f3f3f3;padding:0 .25em;border-radius:3px}pre{background:#f6f6f6;padding:1em;overflow:auto}
.charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{max-width:100%;height:auto;border:1px solid #eee;border-radius:4px}`;

/** Renders the HTML report. */
export function renderHtml(meta: ReportMeta, sections: readonly ReportSection[]): string {
  const body: string[] = [`<h1>${esc(meta.experiment)}</h1>`, `<p>${inline(meta.description)}</p>`, lines(headerLines(meta))];
  body.push('<h2>Protocol</h2>', `<p>${inline(meta.protocol.summary)}</p>`, lines(meta.protocol.details.map((d) => `- ${d}`)));
  for (const s of sections) {
    body.push(`<h2>${esc(s.title)}</h2>`);
    for (const t of s.tables ?? []) body.push(tableToHtml(t));
    if (s.text?.length) body.push(lines(s.text));
    if (s.charts?.length) body.push(`<div class="charts">${s.charts.join('\n')}</div>`);
  }
  body.push('<h2>Config</h2>', `<pre>${esc(JSON.stringify(meta.config, null, 2))}</pre>`, `<p class="caption">written ${esc(meta.writtenAt)}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>recsuite bench: ${esc(meta.experiment)}</title><style>${CSS}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}
