import { describe, expect, it } from 'vitest';
import type { CellRecord, EpochLog } from '../src/experiment.js';
import { trainingLossSection } from '../src/experiments/iacnCommon.js';

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
    expect(iacn).toEqual(['IaCN+DIN', '1', '0.4000 ± 0.0000', '0.6000 ± 0.0000', '0.7500 ± 0.0000']);
    // without any loss parts there is nothing to compare
    expect(trainingLossSection(records.filter((r) => r.model === 'DIN' || r.seed === 1), ['DIN', 'IaCN+DIN'])).toBeNull();
  });
});
