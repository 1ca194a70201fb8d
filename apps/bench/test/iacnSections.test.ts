import { describe, expect, it } from 'vitest';
import type { CellRecord, EpochLog } from '../src/experiment.js';
import { lengthSection, sweepSection, trainingLossSection, variantSection } from '../src/experiments/iacnCommon.js';

const rec = (model: string, seed: number, selected: number, curve: EpochLog[]): CellRecord => ({ model, seed, metrics: { all: { AUC: 0.8, epochs: selected } }, curve, finishedAt: '', wallSeconds: 0 });

describe('trainingLossSection', () => {
  it("reads each cell's losses at its selected epoch: X's loss, IaCN+X's main and auxiliary parts", () => {
    const records = [
      rec('DIN', 0, 2, [{ epoch: 1, loss: 0.6, valid: { AUC: 0.7 } }, { epoch: 2, loss: 0.5, valid: { AUC: 0.8 } }]),
      rec('DIN', 1, 1, [{ epoch: 1, loss: 0.7, valid: { AUC: 0.9 } }]),
      rec('IaCN+DIN', 0, 2, [{ epoch: 1, loss: 1.2 }, { epoch: 2, loss: 1.0, lossParts: { main: 0.4, aux: 0.6 }, valid: { AUC: 0.75 } }]),
      // recorded before loss parts existed: left out
      rec('IaCN+DIN', 1, 1, [{ epoch: 1, loss: 1.1, valid: { AUC: 0.7 } }]),
    ];
    const s = trainingLossSection(records, ['DIN', 'IaCN+DIN'])!;
    const [din, iacn] = s.tables![0].rows;
    // DIN: 0.5 (seed 0, epoch 2) and 0.7 (seed 1, epoch 1): mean 0.6, sample std √0.02
    expect(din).toEqual(['DIN', '2', `0.6000 ± ${Math.sqrt(0.02).toFixed(4)}`, '—', `0.8500 ± ${Math.sqrt(0.005).toFixed(4)}`]);
    // one seed: the values alone, no spread
    expect(iacn).toEqual(['IaCN+DIN', '1', '0.4000', '0.6000', '0.7500']);
    // without any loss parts there is nothing to compare
    expect(trainingLossSection(records.filter((r) => r.model === 'DIN' || r.seed === 1), ['DIN', 'IaCN+DIN'])).toBeNull();
  });
});

describe('variantSection', () => {
  const r = (model: string, seed: number, AUC: number): CellRecord => ({ model, seed, metrics: { all: { AUC, GAUC: AUC, LogLoss: 0.5 } }, finishedAt: '', wallSeconds: 0 });
  it('pairs each variant with the base and with IaCN at the main setting, by seed', () => {
    const records = [
      r('DIN', 0, 0.8), r('DIN', 1, 0.82),
      r('IaCN+DIN', 0, 0.78), r('IaCN+DIN', 1, 0.79),
      r('IaCN+DIN@candidateOnly=true', 0, 0.81), r('IaCN+DIN@candidateOnly=true', 1, 0.83),
    ];
    const s = variantSection(records, { variants: 'candidateOnly=true,dynamicK=true', sweepBase: ['DIN'] })!;
    const [main, cand] = s.tables![0].rows;
    expect(main[0]).toBe('IaCN+DIN (main setting)');
    expect(main[6]).toBe('—');
    // vs DIN: +0.01, +0.01 → +0.0100 with a zero-width interval; vs IaCN+DIN: +0.03, +0.04 → +0.0350
    expect(cand[0]).toBe('IaCN+DIN@candidateOnly=true');
    expect(cand[5]).toBe('+0.0100 [+0.0100, +0.0100] (2)');
    expect(cand[6]).toMatch(/^\+0\.0350 \[.*\] \(2\)$/);
    expect(s.tables![0].rows).toHaveLength(2); // dynamicK has no cells yet
    expect(variantSection(records, { variants: '', sweepBase: ['DIN'] })).toBeNull();
  });
});

describe('sweepSection', () => {
  const r = (model: string, seed: number, AUC: number, bestValid: number): CellRecord => ({ model, seed, metrics: { all: { AUC, GAUC: AUC, LogLoss: 0.5 } }, info: { bestValid }, finishedAt: '', wallSeconds: 0 });
  it('marks the point with the best mean validation AUC over the shared seeds, and gives its paired test gain', () => {
    const records = [
      ...[0, 1, 2, 3, 4].map((s) => r('DIN', s, 0.8, 0.82)),
      // the main point λ = 1 has 5 seeds; its seeds 3 and 4 (valid 0.9) must not count in the selection
      ...[0, 1, 2].map((s) => r('IaCN+DIN', s, 0.78, 0.8)),
      ...[3, 4].map((s) => r('IaCN+DIN', s, 0.78, 0.9)),
      ...[0, 1, 2].map((s) => r('IaCN+DIN@lambda=0', s, 0.81 + 0.001 * s, 0.83)),
    ];
    const s = sweepSection(records, 'DIN', 'lambda', [0, 0.3], 1, 'λ', 'δ = 0.5')!;
    const rows = s.tables![0].rows;
    expect(rows.map((x) => x[0])).toEqual(['0 ← selected on validation', '1']);
    expect(rows[1].slice(1, 3)).toEqual(['5', '0.8400 ± 0.0548']);
    // λ = 0 − DIN on seeds 0–2: +0.010, +0.011, +0.012
    expect(s.text!.join('\n')).toMatch(/Selected on validation \(mean validation AUC over seeds 0, 1, 2\): λ = 0; its test AUC − DIN on those seeds: \+0\.0110 \[\+0\.0085, \+0\.0135\], 3\/3 seeds ahead/);
  });
});

describe('lengthSection', () => {
  const r = (model: string, seed: number, AUC: number): CellRecord => ({ model, seed, metrics: { all: { AUC } }, finishedAt: '', wallSeconds: 0 });
  it('pairs IaCN+base with base at each maxLen, the main cells at the main maxLen, sorted by length', () => {
    const records = [
      r('DIN', 0, 0.76), r('DIN', 1, 0.78), r('IaCN+DIN', 0, 0.77), r('IaCN+DIN', 1, 0.8),
      r('DIN@maxLen=10', 0, 0.81), r('IaCN+DIN@maxLen=10', 0, 0.825),
      // a point whose IaCN cell has not run yet is left out
      r('DIN@maxLen=20', 0, 0.8),
    ];
    const s = lengthSection(records, 'DIN', [10, 20, 50, 100], 50)!;
    const [ten, fifty] = s.tables![0].rows;
    expect(s.tables![0].rows).toHaveLength(2);
    // maxLen 10, one seed: values alone, gain +0.015, no interval
    expect(ten).toEqual(['10', '1', '0.8100', '0.8250', '+0.0150', '—']);
    // maxLen 50 (main): gains +0.01 and +0.02, mean +0.015, t-interval ± 12.706·(0.01/√2)/√2 = ± 0.0635
    expect(fifty.slice(0, 5)).toEqual(['50', '2', `0.7700 ± ${Math.sqrt(0.0002).toFixed(4)}`, `0.7850 ± ${Math.sqrt(0.00045).toFixed(4)}`, '+0.0150']);
    expect(fifty[5]).toBe('[-0.0485, +0.0785]');
    expect(lengthSection(records.filter((x) => !x.model.includes('maxLen')), 'DIN', [10, 20, 50, 100], 50)).toBeNull();
  });
});
