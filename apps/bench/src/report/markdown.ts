/**
 * `report.md`: header, protocol, sections (tables; charts are in the HTML report), resolved config.
 * @module
 */
import type { ReportMeta } from './meta.js';
import { headerLines } from './meta.js';
import type { ReportSection } from './sections.js';
import { tableToMarkdown } from './table.js';

/** Renders the Markdown report. */
export function renderMarkdown(meta: ReportMeta, sections: readonly ReportSection[]): string {
  const out: string[] = [`# ${meta.experiment}`, '', meta.description, '', ...headerLines(meta), ''];
  out.push('## Protocol', '', meta.protocol.summary, '', ...meta.protocol.details.map((d) => `- ${d}`), '');
  for (const s of sections) {
    out.push(`## ${s.title}`, '');
    for (const t of s.tables ?? []) out.push(tableToMarkdown(t), '');
    if (s.text?.length) out.push(...s.text, '');
    if (s.charts?.length) out.push(`_${s.charts.length} chart${s.charts.length > 1 ? 's' : ''} in report.html_`, '');
  }
  out.push('## Config', '', '```json', JSON.stringify(meta.config, null, 2), '```', '', `_written ${meta.writtenAt}_`, '');
  return out.join('\n');
}
