import { describe, expect, it } from 'vitest';
import type { CellRecord } from '../src/experiment.js';
import { resultsTable } from '../src/report/sections.js';
import { summarize } from '../src/runner/summary.js';

const head = { experiment: 'x', dataset: 'd', protocol: 'p', backend: 'tensorflow' };

function cell(model: string, seed: number, hr: number): CellRecord {
  return { model, seed, metrics: { all: { 'HR@10': hr } }, finishedAt: '2026-01-01T00:00:00Z', wallSeconds: 1 };
}

describe('resultsTable', () => {
  it('gives one seed count when every model ran the same seeds, with the hand-computed mean ± std', () => {
    const t = resultsTable(summarize(head, [cell('A', 0, 0.1), cell('A', 1, 0.3), cell('B', 0, 0.2), cell('B', 1, 0.2)]), { metrics: ['HR@10'] });
    expect(t.caption).toBe('mean ± std over 2 seeds');
    // mean 0.2, sample std sqrt(((0.1-0.2)^2 + (0.3-0.2)^2) / 1) = 0.1414
    expect(t.rows[0]).toEqual(['A', '0.2000 ± 0.1414']);
  });

  it("names each model's seed count when a partial run has models on different seeds", () => {
    const t = resultsTable(summarize(head, [cell('A', 0, 0.1), cell('A', 1, 0.3), cell('A', 2, 0.2), cell('B', 0, 0.2)]), { metrics: ['HR@10'] });
    expect(t.caption).toBe('mean ± std over the seeds each model ran (A 3, B 1)');
  });
});
