/**
 * Writes `summary.json`, `report.md` and `report.html` of a run (atomically).
 * @module
 */
import path from 'node:path';
import type { AnyExperiment, CellRecord } from '../experiment.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import type { ReportMeta } from '../report/meta.js';
import { standardSections, type ReportSection } from '../report/sections.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import type { Summary } from './summary.js';

/** Inputs of {@link writeReports}. */
export interface ReportInputs {
  runDir: string;
  experiment: AnyExperiment;
  config: Record<string, unknown>;
  summary: Summary;
  records: CellRecord[];
  meta: ReportMeta;
}

/** The report sections of a run: the standard ones, then the experiment's own. */
export function reportSections(inp: Omit<ReportInputs, 'runDir' | 'meta'>): ReportSection[] {
  return [...standardSections(inp.summary, inp.records, inp.experiment.display), ...(inp.experiment.sections?.(inp.summary, inp.records, inp.config) ?? [])];
}

/** Writes the summary and both reports. */
export function writeReports(inp: ReportInputs): void {
  const sections = reportSections(inp);
  writeJsonAtomic(path.join(inp.runDir, 'summary.json'), inp.summary);
  writeFileAtomic(path.join(inp.runDir, 'report.md'), renderMarkdown(inp.meta, sections));
  writeFileAtomic(path.join(inp.runDir, 'report.html'), renderHtml(inp.meta, sections));
}
