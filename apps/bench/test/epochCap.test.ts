import { describe, expect, it } from 'vitest';
import type { CellRecord } from '../src/experiment.js';
import { epochCapSection } from '../src/report/sections.js';

/** A cell that validated at `valid` epochs and selected `best` of `run` trained epochs. */
function cell(model: string, seed: number, best: number, run: number, stoppedEarly: boolean, valid: number[]): CellRecord {
  return {
    model,
    seed,
    metrics: { all: { 'HR@10': 0.1 } },
    curve: Array.from({ length: run }, (_, i) => ({ epoch: i + 1, loss: 1, ...(valid.includes(i + 1) ? { valid: { 'NDCG@10': 0.01 * (i + 1) } } : {}) })),
    info: { bestEpoch: best, bestValid: 0.1, epochsRun: run, stoppedEarly },
    finishedAt: '2026-01-01T00:00:00Z',
    wallSeconds: 1,
  };
}

describe('epochCapSection', () => {
  it('lists the models whose selected epoch was the last trained one, with the seeds and the cap', () => {
    const records = [
      cell('A', 0, 60, 60, false, [30, 60]), // at the cap
      cell('A', 1, 30, 60, false, [30, 60]), // selected earlier, ran to the cap: not at the cap
      cell('A', 2, 60, 60, false, [30, 60]),
      cell('B', 0, 21, 33, true, [21, 33]), // stopped early
      cell('C', 0, 5, 5, false, []), // no validation: nothing was selected
    ];
    const s = epochCapSection(records);
    expect(s).not.toBeNull();
    expect(s!.tables![0].rows).toEqual([['A', '2/3', '0, 2', '60']]);
  });

  it('is absent when every cell stopped early or selected an earlier epoch', () => {
    expect(epochCapSection([cell('A', 0, 30, 60, false, [30, 60]), cell('B', 0, 21, 33, true, [21, 33])])).toBeNull();
  });
});
