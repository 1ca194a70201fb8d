/**
 * What a report says about its run (header, protocol, config), shared by the Markdown and HTML renderers.
 * @module
 */
import type { Protocol } from '../experiment.js';

/** Run facts printed at the top and bottom of a report. */
export interface ReportMeta {
  experiment: string;
  description: string;
  runId: string;
  dataset: string;
  backend: string;
  protocol: Protocol;
  /** Resolved config. */
  config: Record<string, unknown>;
  /** Package and runtime versions. */
  versions: Record<string, string>;
  /** The command that produced the run. */
  command: string;
  /** Cells finished / total (a partial run is labelled as such). */
  cellsDone: number;
  cellsTotal: number;
  /** When the report was written (ISO). */
  writtenAt: string;
}

/** Header lines (Markdown) shared by both renderers. */
export function headerLines(m: ReportMeta): string[] {
  const lines = [
    `- dataset: \`${m.dataset}\``,
    `- backend: \`${m.backend}\``,
    `- run: \`${m.runId}\`, ${m.cellsDone}/${m.cellsTotal} cells${m.cellsDone < m.cellsTotal ? ' (**partial run**: resume with `--resume`)' : ''}`,
    `- command: \`${m.command}\``,
    `- versions: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  return lines;
}
